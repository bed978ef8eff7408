// A monitoring round (绩效运行监控) as the workflows, the activities and the API see it: the ids (from
// year and period, so a second start is the same round), the inputs of the round, its department and
// batch workflows, the monitoring form (监控表) and its review, and what each project's result holds
// for the evaluation stage. Workflow code imports only types from here (zod stays out of it).
import { z } from 'zod';
import { Fen, Id, IsoDate } from '../common.zod';
import { LibraryTarget } from '../finance/finance.zod';
import { defineTaskType } from '../humanTask/taskTypes.zod';
import type { CalendarYear } from '../calendar';
import { MonitoringProfile } from './profile.zod';
import { ADJUSTMENT_REASON_MAX } from './adjustment';
import { TARGET_REVISION_REASON_MAX } from '../finance/retry';
import type { RectificationProfile } from '../rectification/profile.zod';
import type { WarningProfile } from '../warning/profile.zod';

export * from './names';
import { MONITORING_TASKS } from './names';

/** One indicator's line on the form: completion so far and expected by year end, in per cent of its target. */
export const IndicatorProgress = z.object({
  code: Id,
  name: z.string().min(1).max(200),
  core: z.boolean().default(false),
  completedPct: z.number().min(0).max(1000),
  expectedPct: z.number().min(0).max(1000),
});
export type IndicatorProgress = z.infer<typeof IndicatorProgress>;

/** The monitoring form (绩效监控表) a unit fills in per project. */
export const MonitoringForm = z.object({
  indicators: z.array(IndicatorProgress).min(1).max(50),
  /** Expected budget execution by year end (预计全年执行率), per cent. */
  expectedExecutionPct: z.number().min(0).max(100),
  /** 偏差原因 and 纠偏措施: required when the project is behind (the workflow returns the form without them). */
  deviationReason: z.string().max(2000).optional(),
  measures: z.string().max(2000).optional(),
  /** Evidence attachments (uploaded first: their ids). */
  attachments: z.array(z.string().min(1).max(200)).max(20).default([]),
  comment: z.string().max(2000).optional(),
});
export type MonitoringForm = z.output<typeof MonitoringForm>;

/**
 * A target adjustment request (绩效目标调整, 002: 因政策变化、突发事件等客观因素导致绩效目标需调整的),
 * made from the monitoring form instead of submitting it: the kind, the reasons and the proposed
 * targets. Finance approves or refuses it; an approved one is a new version of the project's targets
 * in the finance system, which later rounds and the evaluation read.
 */
export const TargetAdjustmentRequest = z.object({
  kind: z.enum(['policy', 'emergency']),
  /** At most ADJUSTMENT_REASON_MAX: with its kind in front it is the finance revision's reason, which the finance system limits. */
  reason: z.string().trim().min(1).max(ADJUSTMENT_REASON_MAX, `at most ${ADJUSTMENT_REASON_MAX} characters (the finance system keeps ${TARGET_REVISION_REASON_MAX} with the kind in front)`),
  indicators: z.array(LibraryTarget).min(1).max(50),
  attachments: z.array(z.string().min(1).max(200)).max(20).default([]),
});
export type TargetAdjustmentRequest = z.output<typeof TargetAdjustmentRequest>;
export { ADJUSTMENT_KINDS } from './adjustment';

export const FormTask = defineTaskType({
  type: MONITORING_TASKS.form,
  label: { zh: '填报绩效监控表', en: 'Fill in the monitoring form' },
  outcomes: {
    submit: { label: { zh: '提交', en: 'Submit' }, style: 'primary', form: MonitoringForm },
    adjust: { label: { zh: '申请调整绩效目标', en: 'Request a target adjustment' }, style: 'default', form: TargetAdjustmentRequest },
  },
});

export const AdjustmentTask = defineTaskType({
  type: MONITORING_TASKS.adjustment,
  label: { zh: '审批绩效目标调整', en: 'Approve a target adjustment' },
  outcomes: {
    approve: { label: { zh: '批准调整', en: 'Approve' }, style: 'primary', form: z.object({ comment: z.string().max(2000).optional() }) },
    refuse: { label: { zh: '不予调整', en: 'Refuse' }, style: 'danger', form: z.object({ reason: z.string().trim().min(1).max(2000) }) },
  },
});

export const ReviewTask = defineTaskType({
  type: MONITORING_TASKS.review,
  label: { zh: '审核绩效监控表', en: 'Review the monitoring form' },
  // returning an incomplete form is the board's 退回 (return) move, with its reason
  outcomes: { approve: { label: { zh: '审核通过', en: 'Approve' }, style: 'primary', form: z.object({ comment: z.string().max(2000).optional() }) } },
});

/** A project as a round carries it: small, so a batch of a few hundred stays far under payload limits. */
export const RoundProject = z.object({
  id: Id,
  name: z.string(),
  deptId: Id,
  unitId: Id,
  industry: z.string(),
  transferId: Id.nullable(),
  availableFen: Fen,
  paidFen: Fen,
  executionRateBp: z.number().int().nonnegative(),
  /** The industry's core indicators, to fill the form's lines in. */
  indicators: z.array(z.object({ code: Id, name: z.string() })).max(10),
  /** The project's current targets in the finance system when revised (version > 0): the form's lines then. */
  targets: z.object({ version: z.number().int().positive(), indicators: z.array(LibraryTarget).max(50) }).optional(),
});
export type RoundProject = z.infer<typeof RoundProject>;

/** What every part of a round gets: the period, the profile's rules, the responses' profiles. */
export const RoundSettings = z.object({
  year: z.number().int().min(2000).max(2100),
  cutoff: z.string().regex(/^\d{2}-\d{2}$/),
  name: z.string().min(1).max(100),
  profile: MonitoringProfile,
  calendar: z.array(z.custom<CalendarYear>()).default([]),
  warning: z.custom<WarningProfile>().optional(),
  rectification: z.custom<RectificationProfile>().optional(),
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /** One "day" of the profile in ms (tests shorten it); the form's due date stays in working days unless formDueMs is given. */
  dayMs: z.number().int().positive().default(86_400_000),
  /** Tests: the form falls due this long after it opens instead of profile.dueWorkingDays working days. */
  formDueMs: z.number().int().positive().optional(),
  /** Projects per batch workflow (one TaskBoard): bounds every history and payload. */
  batchSize: z.number().int().min(1).max(500).default(200),
  /** A batch or department run continues as new past this many history events (Temporal's limit is far above) *(ours)*. */
  maxHistoryEvents: z.number().int().min(20).max(50_000).default(5_000),
  /** ... or past this many bytes of history *(ours)*. */
  maxHistoryBytes: z.number().int().min(10_000).default(4_000_000),
  /** ... or once its board has taken this many Updates (Temporal limits Updates per run) *(ours)*. */
  maxUpdatesPerRun: z.number().int().min(1).max(2_000).default(1_000),
  /** Who started it: 'schedule' or a user id. */
  startedBy: z.string().min(1).max(100).default('schedule'),
  /**
   * How long a cancelled round waits for its parts to confirm they closed their forms (a department
   * waits half of it for its batches); then it records the parts that did not and ends *(ours)*.
   */
  stopConfirmMs: z.number().int().positive().default(30 * 60_000),
});
export type RoundSettings = z.output<typeof RoundSettings>;

export const MonitoringRoundInput = RoundSettings.extend({
  /** Only these departments (finance re-runs a round for one department); absent: all of them. */
  deptIds: z.array(Id).max(500).optional(),
  /** The round's own run continues as new past this many history events (default: maxHistoryEvents; tests make it tiny) *(ours)*. */
  roundMaxHistoryEvents: z.number().int().min(10).max(50_000).optional(),
  /** Carried by continue-as-new: the departments, their runs, which are done and their counts. */
  restore: z.unknown().optional(),
});
export type MonitoringRoundInput = z.input<typeof MonitoringRoundInput>;

/**
 * What a part of a round is told when it must close its open forms and end (SUPERSEDED_SIGNAL):
 * finance re-ran its department ('rerun', the default) or the forms close as cancelled ('cancelled',
 * with the reason as the note): the round was cancelled (kind 'round', the default), or its department
 * was cancelled by a Temporal cancellation request ('departmentCancelled') or failed for good
 * ('departmentFailed'); 'batchCancelled' is a batch's own cancellation request, never sent. With replyTo, the part confirms there (STOPPED_SIGNAL) once closed.
 */
export const StopRequest = z.object({
  by: z.string(),
  byName: z.string().optional(),
  reason: z.enum(['rerun', 'cancelled']).optional(),
  kind: z.enum(['round', 'departmentCancelled', 'departmentFailed', 'batchCancelled']).optional(),
  note: z.string().optional(),
  replyTo: z.string().optional(),
});
export type StopRequest = z.infer<typeof StopRequest>;

export const MonitoringDepartmentInput = z.object({
  settings: RoundSettings,
  round: z.string(),
  deptId: Id,
  deptName: z.string(),
  /** Carried by continue-as-new: where the paging stands, what is done. */
  cursor: z.string().nullable().default(null),
  batches: z.number().int().nonnegative().default(0),
  totals: z.record(z.string(), z.number()).default({}),
  /** Carried too: forms per unit so far (for the digest), the batches done, whether the digest went out. */
  units: z.record(z.string(), z.number()).default({}),
  done: z.array(z.number().int().nonnegative()).default([]),
  digestSent: z.boolean().default(false),
  /** True in a run continued as new (its batches are counted by their signal). */
  continued: z.boolean().default(false),
  /** Carried too: a stop, or a batch's failure, that arrived while the run handed over; the board's event sequence (audit keys stay unique). */
  stop: StopRequest.nullable().default(null),
  failedBatch: z.object({ batch: z.number().int().nonnegative(), reason: z.string(), cancelled: z.boolean().optional() }).nullable().default(null),
  boardSeq: z.number().int().nonnegative().default(0),
  /** Its board and batches are shielded from a Temporal cancellation request, which it cleans up after (false: a run from before). */
  cancelAware: z.boolean().default(false),
});
export type MonitoringDepartmentInput = z.input<typeof MonitoringDepartmentInput>;

export const MonitoringBatchInput = z.object({
  settings: RoundSettings,
  round: z.string(),
  deptId: Id,
  batch: z.number().int().nonnegative(),
  projects: z.array(RoundProject).min(1).max(500),
  /** Carried by continue-as-new: the board's open tasks and each project's state. */
  restore: z.unknown().optional(),
});
export type MonitoringBatchInput = z.input<typeof MonitoringBatchInput>;

/** Where a project stands in a round. */
export const ProjectStage = z.enum(['form', 'review', 'approved', 'notSubmitted', 'cancelled']);
export type ProjectStage = z.infer<typeof ProjectStage>;

/** A triggered rule, with its trace (rule, data, threshold, time): "why this warned". */
export interface RuleHit {
  rule: { id: string; label: string };
  data: Record<string, unknown>;
  threshold: unknown;
  observedAt: string;
  /** 'round': on finance's data when the round opened; 'form': on the submitted form. */
  source: 'round' | 'form';
}

/** One project's row of a round's results (the monitoring_results table): kept for the evaluation stage. */
export interface ProjectResult {
  round: string;
  projectId: string;
  projectName: string;
  deptId: string;
  unitId: string;
  transferId: string | null;
  batchId: string;
  stage: ProjectStage;
  overdue: boolean;
  availableFen: number;
  paidFen: number;
  executionRateBp: number;
  /** Time progress at the cut-off, basis points. */
  timeProgressBp: number;
  form: MonitoringForm | null;
  hits: RuleHit[];
  /** Where the response went: the warning's or the rectification notice's workflow id. */
  responseRef: string | null;
  version: number;
}

/** A batch's, a department's or a round's counts. */
export interface RoundTotals {
  projects: number;
  submitted: number;
  approved: number;
  overdue: number;
  notSubmitted: number;
  warned: number;
  [k: string]: number;
}

export const StartRoundRequest = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  cutoff: z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD'),
  /** Re-run for one department (重新监控): its part starts again as a new run. */
  deptId: Id.optional(),
});
export type StartRoundRequest = z.infer<typeof StartRoundRequest>;

/** Finance cancels a round (作废本轮监控): every open form of every department closes, with this reason. */
export const CancelRoundRequest = z.strictObject({
  reason: z.string().trim().min(1, 'give the reason for cancelling the round').max(500),
});
export type CancelRoundRequest = z.infer<typeof CancelRoundRequest>;
export const RoundCancellationSchema = z.object({ by: z.string(), byName: z.string(), reason: z.string(), at: z.string() });
export const CancelRoundResponse = z.object({
  round: z.string(),
  /** cancelled: every part has closed its forms; cancelling: accepted, the parts are closing theirs (GET the round). */
  stage: z.enum(['cancelling', 'cancelled']),
  cancelled: RoundCancellationSchema,
  departments: z.number().int(),
  /** Cancelled: the parts (workflow ids) that did not confirm closing their forms within the bound (stopConfirmMs). */
  unconfirmed: z.array(z.string()).optional(),
});

export const RoundQuery = z.object({ year: z.coerce.number().int(), cutoff: z.string().regex(/^\d{2}-\d{2}$/) });
export const ProjectRow = z.object({
  projectId: Id,
  projectName: z.string(),
  deptId: Id,
  unitId: Id,
  stage: ProjectStage,
  overdue: z.boolean(),
  executionRateBp: z.number(),
  timeProgressBp: z.number(),
  warned: z.boolean(),
  hits: z.array(z.unknown()),
  responseRef: z.string().nullable(),
  availableFen: Fen,
  paidFen: Fen,
});
export const IsoDay = IsoDate;
