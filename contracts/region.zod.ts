// A region profile (地区配置): the numbers that differ between finance departments.
// Processes receive the profile (or the part they need) as workflow input, never read config themselves.
import { z } from 'zod';
import { WorkingCalendarSchema } from './calendar.zod';
import { PreAssessmentProfile } from './preAssessment/profile.zod';
import { MonitoringProfile } from './monitoring/profile.zod';
import { WarningProfile } from './warning/profile.zod';
import { EvaluationProfile } from './evaluation/profile.zod';
import { RectificationProfile } from './rectification/profile.zod';

/**
 * Where a value of the profile comes from: a seed document (docs/seeds/<seed>_*.txt) and the phrase
 * in it that states the value. A value without one is our default, and is shown as such.
 */
export const ProfileSource = z.strictObject({
  seed: z.enum(['000', '001', '002', '003', '004']),
  phrase: z.string().min(2),
  note: z.string().optional(),
});
export type ProfileSource = z.infer<typeof ProfileSource>;

export const RegionProfileSchema = z.object({
  id: z.string().regex(/^[a-z-]+$/),
  name: z.string(),
  source: z.string().describe('which seed document the numbers come from'),
  preAssessment: PreAssessmentProfile,
  monitoring: MonitoringProfile,
  warning: WarningProfile,
  evaluation: EvaluationProfile,
  /**
   * The working-day calendar due dates in working days are counted on (监控 forms: 15 working days):
   * the national one of config/calendars, filled in by config/regions.ts unless the profile gives its own.
   */
  calendar: WorkingCalendarSchema,
  /**
   * Each process's part is in config/regions/<region>/<process>.json; config/regions.ts gathers the
   * `$sources` of those files here, keyed by the value's path (e.g. `preAssessment.mandatoryAboveFen`).
   */
  sources: z.record(z.string(), ProfileSource).default({}),
  rectification: RectificationProfile,
  /** The inbox (待办) across processes. */
  inbox: z
    .object({
      /** After an urge (催办) on a task, another within this many hours is refused *(ours)*: no seed sets one. */
      urgeWindowHours: z.number().positive().default(24),
    })
    .default({ urgeWindowHours: 24 }),
});
export type RegionProfile = z.infer<typeof RegionProfileSchema>;
