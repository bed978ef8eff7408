// What a self-evaluation's batch and department share about a batch that fails for good (issue 22):
// the patch, which failures end a batch for good, and the reason a person reads on the department's
// page and in finance's notice (both from workflows/failures.ts, which monitoring uses too).
export { failsForGood, reasonOf } from '../failures';

/**
 * A batch that fails for good closes its open forms and tells its department why before failing; the
 * department lists it (and does not end) until finance re-runs it.
 */
export const BATCH_FAILURES = 'jixiao.evaluation.batch-failures';
