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
    /**
     * A department lead may approve in bulk the target reviews of continuing projects below this
     * amount *(ours)*; 0: never (Wuhai, 004: finance reviews every report).
     */
    bulkTargetReviewBelowFen: Fen.default(100_000_000),
    reviewDueDays: z.number().int().positive(),
    reminderBeforeDays: z.number().int().nonnegative(),
    /**
     * Sign-off of a review's finding by several signers (会签 'all': every one must approve, one
     * refusal returns the application for revision; 或签 'any': one approval suffices), on the
     * routes named. No seed states one *(ours)*: 'none' unless a profile says otherwise, with `source`.
     */
    signOff: z
      .object({
        mode: z.enum(['none', 'all', 'any']),
        routes: z.array(z.enum(['key', 'general', 'targetReview'])).min(1).default(['key']),
        /** Candidate groups (role@org), one signer each: e.g. division_head@FIN, finance_director@FIN. */
        signers: z.array(z.string().min(1)).min(2).default(['division_head@FIN', 'finance_director@FIN']),
        source: z.string().default('ours: no seed names the signers of a finding'),
      })
      .default({ mode: 'none', routes: ['key'], signers: ['division_head@FIN', 'finance_director@FIN'], source: 'ours: no seed names the signers of a finding' }),
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
  /** The inbox (待办) across processes. */
  inbox: z
    .object({
      /** After an urge (催办) on a task, another within this many hours is refused *(ours)*: no seed sets one. */
      urgeWindowHours: z.number().positive().default(24),
    })
    .default({ urgeWindowHours: 24 }),
});
export type RegionProfile = z.infer<typeof RegionProfileSchema>;
