// Pre-assessment and target review (事前绩效评估 / 绩效目标审核): its part of the region profile (config/regions/<region>/preAssessment.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';
import { Fen } from '../common.zod';

export const PreAssessmentProfile = z.object({
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
});
export type PreAssessmentProfile = z.infer<typeof PreAssessmentProfile>;
