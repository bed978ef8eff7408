// Monitoring rounds (绩效运行监控): its part of the region profile (config/regions/<region>/monitoring.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';

const MonthDay = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');

export const MonitoringProfile = z.object({
  rounds: z.array(z.object({ name: z.string(), cutoff: MonthDay, dueWorkingDays: z.number().int().positive() })).min(1),
  /** Warn when execution rate lags time progress by more than this many percentage points. */
  executionLagPoints: z.number().min(0).max(100),
  /** Warn when a core indicator's expected completion falls below this percentage. */
  coreIndicatorMinPct: z.number().min(0).max(100),
  verifyDueDays: z.number().int().positive(),
  /**
   * The region's response to a deviation: start the warning process, payments suspended at once
   * (Inner Mongolia, 000), or push the project to its department and unit for rectification, payments
   * untouched (Xinjiang, 003). Default *(ours)*: warning.
   */
  response: z.enum(['warning', 'rectification']).default('warning'),
  /** Reminders this many days before a form falls due *(ours)*. */
  reminderBeforeDays: z.number().int().nonnegative().default(3),
  /** A form still open this many working days after its due date escalates to the unit's head and is flagged overdue *(ours)*. */
  escalateAfterDays: z.number().int().nonnegative().default(3),
  /** The round closes this many working days after the due date: forms still open are closed as not submitted *(ours)*. */
  closeAfterDays: z.number().int().positive().default(15),
  /** The department reviews a submitted form within this many working days *(ours)*. */
  reviewDueWorkingDays: z.number().int().positive().default(5),
  /** Finance decides a target adjustment within this many working days *(ours)*. */
  adjustmentDueWorkingDays: z.number().int().positive().default(5),
});
export type MonitoringProfile = z.infer<typeof MonitoringProfile>;
export type MonitoringProfileInput = z.input<typeof MonitoringProfile>;
