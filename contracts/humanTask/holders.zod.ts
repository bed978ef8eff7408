// Every task type of every process, for the API (form schemas, validation) and the inbox.
// A new process adds its task types here: one line, and who may hold them (TASK_HOLDERS).
import { z } from 'zod';
import type { TaskTypeDef } from './taskTypes';
import { PRE_ASSESSMENT_TASKS, ReviewTask, ReviseTask, TargetReviewTask } from './preAssessment';

export const TASK_TYPES: Record<string, TaskTypeDef> = Object.fromEntries(
  [ReviewTask, TargetReviewTask, ReviseTask].map((t) => [t.type, t]),
);

export const PROCESSES = ['preAssessment', 'monitoring', 'warning', 'evaluation', 'rectification'] as const;
export type ProcessName = (typeof PROCESSES)[number];

/**
 * Where a holder must belong, relative to the task's project: its department, its unit, or the
 * finance bureau (an officer there only for the departments in their scope).
 */
export const HolderScope = z.enum(['department', 'unit', 'finance']);
export type HolderScope = z.infer<typeof HolderScope>;

/** One kind of holder: the roles that decide such a task, where they sit, and the leads who hand it out. */
export const Holders = z.object({
  roles: z.array(z.string().min(1)).min(1),
  scope: HolderScope,
  /** Lead roles (in the same scope) that may reassign the task. */
  leads: z.array(z.string().min(1)).min(1),
});
export type Holders = z.infer<typeof Holders>;

/**
 * Who may hold a task of one type: the target of every hand-off (reassign, transfer, delegate,
 * add signer) must be one of them. Some types are held by different people depending on the route
 * (a review is the department's or finance's): the alternative whose roles name one of the task's
 * candidate groups applies, otherwise the first.
 */
export const TaskHoldersDef = z.object({
  holders: z.array(Holders).min(1),
  /** Segregation of duties: the submitter and everyone of the submitting unit may never hold it. */
  segregation: z.boolean(),
});
export type TaskHoldersDef = z.infer<typeof TaskHoldersDef>;

const DEPARTMENT_REVIEWERS: Holders = { roles: ['competent_reviewer', 'competent_head'], scope: 'department', leads: ['competent_head'] };
// key assessments are finance's (reviewGroup: finance_performance@FIN; escalated to division_head@FIN)
const FINANCE_PERFORMANCE: Holders = { roles: ['finance_performance', 'division_head'], scope: 'finance', leads: ['division_head', 'finance_director'] };

export const TASK_HOLDERS: Record<string, TaskHoldersDef> = z.record(z.string(), TaskHoldersDef).parse({
  [PRE_ASSESSMENT_TASKS.review]: { holders: [DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE], segregation: true },
  [PRE_ASSESSMENT_TASKS.targetReview]: { holders: [DEPARTMENT_REVIEWERS], segregation: true },
  // the unit revises its own application: no segregation, but it stays within the unit
  [PRE_ASSESSMENT_TASKS.revise]: { holders: [{ roles: ['unit_preparer', 'unit_head'], scope: 'unit', leads: ['unit_head'] }], segregation: false },
});
