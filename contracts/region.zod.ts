// A region profile (地区配置): the numbers that differ between finance departments.
// Processes receive the profile (or the part they need) as workflow input, never read config themselves.
import { z } from 'zod';
import { Fen } from './common.zod';
import { WorkingCalendarSchema } from './calendar.zod';

const MonthDay = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');

export const RegionProfileSchema = z.object({
  id: z.string().regex(/^[a-z-]+$/),
  name: z.string(),
  source: z.string().describe('which seed document the numbers come from'),
  preAssessment: z.object({
    /** Every project asking for budget needs a pre-assessment (Wuhai). */
    requiredForAll: z.boolean(),
    /** New major projects above this amount must pass a pre-assessment (Inner Mongolia: 5,000,000 yuan). */
    mandatoryAboveFen: Fen,
    /** At or above this amount finance organises a key assessment; below, the department a general one (Altay). */
    keyAssessmentFromFen: Fen,
    reviewDueDays: z.number().int().positive(),
    reminderBeforeDays: z.number().int().nonnegative(),
  }),
  monitoring: z.object({
    rounds: z.array(z.object({ name: z.string(), cutoff: MonthDay, dueWorkingDays: z.number().int().positive() })).min(1),
    /** Warn when execution rate lags time progress by more than this many percentage points. */
    executionLagPoints: z.number().min(0).max(100),
    /** Warn when a core indicator's expected completion falls below this percentage. */
    coreIndicatorMinPct: z.number().min(0).max(100),
    verifyDueDays: z.number().int().positive(),
  }),
  evaluation: z.object({
    grades: z
      .array(z.object({ grade: z.enum(['优', '良', '中', '差']), minScore: z.number().min(0).max(100) }))
      .length(4),
    weights: z.object({ output: z.number(), benefit: z.number(), satisfaction: z.number(), execution: z.number() }),
    spotCheck: z.object({ allFromFen: Fen, sampleRate: z.number().min(0).max(1) }),
  }),
  /**
   * The working-day calendar due dates in working days are counted on (监控 forms: 15 working days):
   * the national one of config/calendars, filled in by config/regions.ts unless the profile gives its own.
   */
  calendar: WorkingCalendarSchema,
  rectification: z.object({
    dueDays: z.number().int().positive(),
    reminderBeforeDays: z.number().int().nonnegative(),
    escalateAfterDays: z.number().int().nonnegative(),
  }),
});
export type RegionProfile = z.infer<typeof RegionProfileSchema>;
