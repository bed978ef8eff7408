// Who may hold a task (the target of every hand-off): each process declares it per task type in
// its manifest, with the holder kinds below.
import { z } from 'zod';

/**
 * Where a holder must belong, relative to the task's project: its department, its unit, or the
 * finance bureau (an officer there only for the departments in their scope); 'agency': an org
 * outside government (a third-party agency or the expert library) that the task's candidate
 * groups name, i.e. the commissioned agency's own staff (its leads stay finance's).
 */
export const HolderScope = z.enum(['department', 'unit', 'finance', 'agency']);
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

/** The competent department's reviewers (主管部门), led by its head. */
export const DEPARTMENT_REVIEWERS: Holders = { roles: ['competent_reviewer', 'competent_head'], scope: 'department', leads: ['competent_head'] };
/** Finance's performance division (财政绩效处), led by its head and the director. */
export const FINANCE_PERFORMANCE: Holders = { roles: ['finance_performance', 'division_head'], scope: 'finance', leads: ['division_head', 'finance_director'] };
/** The unit's own preparers, led by its head. */
export const UNIT_PREPARERS: Holders = { roles: ['unit_preparer', 'unit_head'], scope: 'unit', leads: ['unit_head'] };
