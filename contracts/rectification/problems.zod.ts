// How another process (a monitoring round under Xinjiang's profile, a warning, a check of a
// self-evaluation, an evaluation) or an officer opens rectification (整改): the child workflow type,
// its id and its input, defined once here. Problems for the same unit from the same source go in
// one notice: the id is the unit's and the source's, so a second report finds the running notice
// and is signalled to it (RECTIFICATION_PROBLEMS_SIGNAL); a problem already open (same key) is not
// opened twice.
import { z } from 'zod';
import { Id, IsoDateTime } from '../common.zod';
import type { CalendarYear } from '../calendar';
import type { RectificationProfile } from './profile.zod';
import { PROBLEM_SOURCE_KINDS } from './start';

export { RECTIFICATION_WORKFLOW, RECTIFICATION_PROBLEMS_SIGNAL, rectificationWorkflowId } from './start';

export const ProblemSourceKind = z.enum(PROBLEM_SOURCE_KINDS);
export type ProblemSourceKind = z.infer<typeof ProblemSourceKind>;

export const Problem = z.object({
  /** Stable within its source (e.g. `<projectId>/<ruleId>`): the same key again is the same problem. */
  key: z.string().min(1).max(200),
  projectId: Id.optional(),
  description: z.string().min(1).max(2000),
  /** What was found, as data the notice lists (rule trace, scores, findings). */
  evidence: z.record(z.string(), z.unknown()).default({}),
  measures: z.string().max(2000).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const ProblemReport = z.object({
  deptId: Id,
  unitId: Id,
  source: z.object({ kind: ProblemSourceKind, ref: z.string().min(1).max(200), label: z.string().min(1).max(200) }),
  problems: z.array(Problem).min(1).max(500),
  reportedBy: z.string().min(1).max(100),
  reportedAt: IsoDateTime,
});
export type ProblemReport = z.infer<typeof ProblemReport>;

/**
 * The rectification workflow's full input: the first report (the notice's problems), the region's
 * rectification slice, and the board's options. Monitoring starts it as a child workflow with
 * `rectificationWorkflowId(report.unitId, report.source.kind, report.source.ref)`; the API uses
 * signalWithStart with RECTIFICATION_PROBLEMS_SIGNAL (payload: a ProblemReport) and this input.
 */
export const RectificationInput = z.object({
  report: ProblemReport,
  /** The region profile's rectification slice (contracts/rectification/profile.zod.ts). */
  profile: z.custom<RectificationProfile>(),
  /** The working-day calendar for the due date (profile.dueDays working days); absent: calendar days. */
  calendar: z.array(z.custom<CalendarYear>()).optional(),
  /** The region profile's inbox.urgeWindowHours in ms: one urge (催办) per task in this window. Absent: no limit. */
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /** One "day" of the profile in ms, overridable so tests can shorten due dates, reminders and escalation. Default 86,400,000. */
  dayMs: z.number().int().positive().optional(),
});
export type RectificationInput = z.input<typeof RectificationInput>;
