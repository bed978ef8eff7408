// How another process (a monitoring round, a submitted form) or an officer raises a warning (预警):
// the warning's child workflow type, its id and its input, defined once here. One open warning per
// project: the id is the project's, so a second trigger finds the running one and is signalled to it
// (WARNING_TRIGGER_SIGNAL) instead of starting another; a project whose warning has closed may warn again.
import { z } from 'zod';
import { Fen, Id, IsoDateTime } from '../common.zod';
import { WarningProfile } from './profile.zod';

export { WARNING_WORKFLOW, WARNING_TRIGGER_SIGNAL, warningTaskQueue, warningWorkflowId } from './names';

/** Why it warned (预警依据): the rule, the data it saw, the threshold it crossed, when. Shown as "why this warned". */
export const WarningTrace = z.object({
  rule: z.object({ id: z.string().min(1).max(100), label: z.string().min(1).max(200) }),
  data: z.record(z.string(), z.unknown()),
  threshold: z.unknown(),
  observedAt: IsoDateTime,
});
export type WarningTrace = z.infer<typeof WarningTrace>;

export const WarningTrigger = z.object({
  year: z.number().int().min(2000).max(2100),
  project: z.object({ id: Id, name: z.string().min(1).max(200), deptId: Id, unitId: Id, amountFen: Fen.optional() }),
  source: z.enum(['round', 'form', 'hand']),
  /** The round (or form) that raised it, when a process did. */
  ref: z.string().max(200).optional(),
  trace: WarningTrace,
  /** A user id, or 'system' for a rule evaluated by a process. */
  triggeredBy: z.string().min(1).max(100),
  triggeredAt: IsoDateTime,
});
export type WarningTrigger = z.infer<typeof WarningTrigger>;

/**
 * The warning workflow's full input (start it as a child with id warningWorkflowId(year, project.id),
 * client.workflow.signalWithStart with WARNING_TRIGGER_SIGNAL and the same trigger as signal arg, or
 * update-with-start of WARNING_RAISE_UPDATE: activities/warning/raise.ts).
 * profile: the region's warning slice; urgeWindowMs: the region's inbox.urgeWindowHours in ms (one urge
 * per task in this window; absent: no limit); dayMs: the length of a profile day in ms (tests, bench; absent: 24 h).
 */
export const WarningInput = z.object({
  trigger: WarningTrigger,
  profile: WarningProfile,
  region: z.string().min(1).max(100).optional(),
  urgeWindowMs: z.number().int().nonnegative().optional(),
  dayMs: z.number().int().positive().optional(),
  /**
   * Payments already stopped by the process that raised the warning, at detection (the finance
   * system's answer: its ledger's time and sequence, and the raiser's key): the warning records it and
   * does not suspend again. Absent: the warning suspends them itself, at once.
   */
  suspended: z.object({ at: z.string().min(1), ledgerSeq: z.number().int(), key: z.string().min(1).max(300) }).optional(),
});
export type WarningInput = z.infer<typeof WarningInput>;
