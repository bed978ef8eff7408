// How rectification is started (zod-free, so workflow code of other processes imports it): the
// workflow type, its id from the unit and the source, and the signal that adds problems to an open
// notice. The schemas of what travels are in problems.zod.ts.
export const RECTIFICATION_WORKFLOW = 'rectification';
export const RECTIFICATION_PROBLEMS_SIGNAL = 'rectification.problems';
export const PROBLEM_SOURCE_KINDS = ['monitoring', 'warning', 'selfEvaluationCheck', 'evaluation', 'hand'] as const;
export type ProblemSourceKind = (typeof PROBLEM_SOURCE_KINDS)[number];

export const rectificationWorkflowId = (unitId: string, kind: ProblemSourceKind, ref: string): string => `rectification:${unitId}:${kind}:${ref}`;
