// Evaluation (绩效评价): its part of the region profile (config/regions/<region>/evaluation.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';
import { Fen } from '../common.zod';

export const EvaluationProfile = z.object({
  grades: z
    .array(z.object({ grade: z.enum(['优', '良', '中', '差']), minScore: z.number().min(0).max(100) }))
    .length(4),
  weights: z.object({ output: z.number(), benefit: z.number(), satisfaction: z.number(), execution: z.number() }),
  spotCheck: z.object({ allFromFen: Fen, sampleRate: z.number().min(0).max(1) }),
});
export type EvaluationProfile = z.infer<typeof EvaluationProfile>;
