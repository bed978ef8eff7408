// Workflows of the evaluation benchmark (bench/evaluation.ts): the evaluation's, and the trivial
// workflow for the ceiling measured in the same run.
export * from '../workflows/evaluation';
export { benchTrivial } from './workflows';
