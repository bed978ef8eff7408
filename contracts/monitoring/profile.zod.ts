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
});
export type MonitoringProfile = z.infer<typeof MonitoringProfile>;
