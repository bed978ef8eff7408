// The human-task contract (人工任务): what a workflow asks of a person, the moves people make on it,
// and the messages that carry them. Imported by workflows, activities and the API alike.
import { z } from 'zod';
import { Actor, Fen, Id } from '../common.zod';

export const TaskStatus = z.enum(['open', 'completed', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** A signer of a countersigned task (会签/或签); a plain task has exactly one. */
export const Signer = z.object({
  /** A named person, or null when anyone of candidateGroups may claim the slot. */
  userId: Id.nullable(),
  candidateGroups: z.array(z.string()),
  /** Signers of the same stage sign in parallel; stages run in order (加签 inserts stages). */
  stage: z.number().int().nonnegative(),
  status: z.enum(['pending', 'approved', 'rejected', 'skipped']),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  /** 委派: set while a delegate works the slot; the delegate's answer returns to this person. */
  delegatedFrom: Id.nullable(),
  /** After a delegate answered, the owner confirms (委派 comes back to the delegator). */
  awaitingConfirm: z.boolean(),
  /** Escalation targets (user ids or group keys) who may act on this slot too. */
  extra: z.array(z.string()),
});
export type Signer = z.infer<typeof Signer>;

export const ProjectRef = z.object({
  id: Id,
  name: z.string(),
  code: z.string().optional(),
  deptId: Id,
  unitId: Id,
  amountFen: Fen.optional(),
});
export type ProjectRef = z.infer<typeof ProjectRef>;

export const EscalationPolicy = z.object({
  /** How long after the due date the task escalates. */
  afterMs: z.number().int().nonnegative(),
  /** To the assignee's head (单位/部门负责人) or to a named candidate group. */
  to: z.union([z.object({ head: z.literal(true) }), z.object({ group: z.string() }), z.object({ userId: Id })]),
  /** Once escalated, may the original assignee still decide? */
  lateDecision: z.enum(['allow', 'reject']),
});
export type EscalationPolicy = z.infer<typeof EscalationPolicy>;

/** What a workflow passes to `ask()`. Durations are relative to workflow time (deterministic). */
export const TaskSpec = z.object({
  /** Unique within the workflow; the global task id is `${workflowId}:${key}`. */
  key: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  type: z.string(),
  title: z.string(),
  project: ProjectRef.optional(),
  /** One person; or null with candidateGroups for a claimable group task. */
  assignee: Id.nullable().default(null),
  candidateGroups: z.array(z.string()).default([]),
  /** 会签 all must agree / 或签 any one suffices; members each become a signer. */
  countersign: z
    .object({
      mode: z.enum(['all', 'any']),
      members: z.array(z.object({ userId: Id.nullable(), candidateGroups: z.array(z.string()).default([]) })).min(2),
    })
    .optional(),
  /** The person whose work is being decided: may withdraw (撤回), may never decide it. */
  submittedBy: Id.nullable().default(null),
  /** Segregation of duties beyond the submitter (e.g. the warning's verifier on its reclaim). */
  excludeUsers: z.array(Id).default([]),
  /** Due this long after the task opens (workflow time). Give this or `due`, not both. */
  dueInMs: z.number().int().positive().optional(),
  /**
   * Due N working days after the task opens, at the same time of day (Asia/Shanghai), on the
   * board's working-day calendar (contracts/calendar.ts): weekends, 法定节假日 and 调休上班.
   */
  due: z.object({ workingDays: z.number().int().positive().max(250) }).optional(),
  remindBeforeMs: z.array(z.number().int().positive()).default([]),
  escalation: EscalationPolicy.optional(),
  priority: z.number().int().min(0).max(3).default(1),
  /** Project data the decision needs; shown on the task page. */
  context: z.record(z.string(), z.unknown()).default({}),
  /** Earlier steps the task may be returned to (退回), besides the submitter. */
  returnTargets: z.array(z.object({ step: z.string(), label: z.string() })).default([]),
  /** Leads may approve this task in bulk. */
  bulkApprovable: z.boolean().default(false),
  /** Mail the submitter when the task is decided (off when the process sends its own conclusion). */
  notifySubmitter: z.boolean().default(true),
  /** Mail its people when the task opens (off when the process sends them one digest for many tasks). */
  notifyAssigned: z.boolean().default(true),
  /**
   * Another urge (催办) within this long after the last one is refused (the region profile's
   * inbox.urgeWindowHours; the board fills it from its option). Absent: no limit.
   */
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /**
   * Bounds of a number in a decision's form that depend on the case (e.g. a reduced amount, 核减后金额:
   * more than 0 and less than the amount requested), by outcome and form field: `gt` / `lt` exclusive.
   * Checked with the form wherever a decision is checked (the API and the workflow's Update validator).
   */
  formBounds: z
    .record(z.string(), z.record(z.string(), z.object({ gt: z.number().optional(), lt: z.number().optional(), why: z.string().max(200).optional() })))
    .optional(),
});
export type TaskSpecInput = z.input<typeof TaskSpec>;
export type TaskSpec = z.output<typeof TaskSpec>;

export const HistoryEntry = z.object({
  at: z.string(),
  by: Id,
  byName: z.string(),
  action: z.string(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The whole state of one task; projected as one row of the inbox. */
export interface TaskState {
  id: string;
  workflowId: string;
  process: string;
  spec: TaskSpec;
  status: TaskStatus;
  mode: 'single' | 'all' | 'any';
  signers: Signer[];
  /** Who can act now: user ids and group keys (the inbox's "mine" filter). */
  actors: string[];
  claimedBy: string | null;
  /** The saved draft (saveDraft): its author's only; the API shows it to nobody else (api/inbox/visibility.ts). */
  draft: Record<string, unknown> | null;
  /** Who saved `draft` (absent in states from before it was recorded: the last saveDraft in `history`). */
  draftBy?: string | null;
  createdAt: string;
  dueAt: string;
  escalated: boolean;
  /** Someone other than the submitter has acted: withdrawal is no longer possible. */
  touched: boolean;
  outcome: string | null;
  form: Record<string, unknown> | null;
  version: number;
  history: HistoryEntry[];
  /** How often the task has been urged (催办), and when last; absent on tasks opened before they were counted. */
  urges?: number;
  lastUrgedAt?: string | null;
}

/** What `ask()` resolves with. */
export interface TaskResult<F = Record<string, unknown>> {
  taskId: string;
  outcome: string; // a decision outcome of the task type, or 'returned' | 'withdrawn'
  form: F;
  decidedBy: string;
  comment: string | null;
  returnTo: string | null;
  signatures: Array<{ userId: string; status: Signer['status']; comment: string | null }>;
}

/**
 * Task types by name, each its forms by outcome: what a typed board (`new TaskBoard<M>`) knows of
 * the tasks it asks (`TaskFormsOf` in taskTypes.zod.ts builds it from the task types' zod forms).
 */
export type TaskForms = Record<string, Record<string, Record<string, unknown>>>;

/** Outcomes every task may end with besides its type's decisions: 退回 (returned), 撤回 (withdrawn, only with a submitter). */
export type ClosingOutcome = 'returned' | 'withdrawn';

/**
 * What `ask()` of a task of type T resolves with: one member per outcome of the type, each with that
 * outcome's form, so that `switch (r.outcome)` narrows `r.form`; a returned or withdrawn task has an
 * empty form. C: the closing outcomes possible for the spec (no 'withdrawn' without a submitter).
 */
export type TaskResultOf<M extends TaskForms, T extends keyof M, C extends ClosingOutcome = ClosingOutcome> = T extends keyof M
  ?
      | { [O in keyof M[T] & string]: Omit<TaskResult, 'outcome' | 'form'> & { outcome: O; form: M[T][O] } }[keyof M[T] & string]
      | (Omit<TaskResult, 'outcome' | 'form'> & { outcome: C; form: Record<string, never> })
  : never;

// not blank (the pattern carries this into the generated JSON Schema, which cannot trim)
const reason = z.string().trim().min(1, 'a reason is required').max(2000).regex(/\S/, 'a reason is required');
const base = { taskId: z.string().min(1), actor: Actor };

/** The moves people make on a task; each arrives as the one Update `task.act`. */
export const TaskAction = z.discriminatedUnion('action', [
  z.object({ ...base, action: z.literal('claim') }),
  z.object({ ...base, action: z.literal('unclaim') }),
  z.object({
    ...base,
    action: z.literal('decide'),
    outcome: z.string().min(1),
    form: z.record(z.string(), z.unknown()).default({}),
    comment: z.string().max(2000).nullable().default(null),
  }),
  z.object({ ...base, action: z.literal('saveDraft'), form: z.record(z.string(), z.unknown()) }),
  z.object({ ...base, action: z.literal('return'), reason, toStep: z.string().nullable().default(null) }),
  z.object({ ...base, action: z.literal('withdraw'), reason }),
  z.object({ ...base, action: z.literal('transfer'), toUserId: Id, reason }),
  z.object({ ...base, action: z.literal('delegate'), toUserId: Id, reason }),
  z.object({ ...base, action: z.literal('resolve'), comment: reason }),
  z.object({ ...base, action: z.literal('addSigner'), userId: Id, position: z.enum(['before', 'after']), reason }),
  z.object({ ...base, action: z.literal('urge'), reason }),
  z.object({ ...base, action: z.literal('reassign'), toUserId: Id, reason }),
]);
export type TaskAction = z.input<typeof TaskAction>;
export type TaskActionParsed = z.output<typeof TaskAction>;
export type TaskActionName = TaskActionParsed['action'];
export const TASK_ACTIONS = TaskAction.options.map((o) => o.shape.action.value);

