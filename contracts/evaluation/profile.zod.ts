// Evaluation (绩效评价): its part of the region profile (config/regions/<region>/evaluation.json).
// Values a seed states carry their file and phrase in the file's "$sources"; the rest are ours.
// Weights and grade bands are national practice (财预〔2020〕10号, not a seed): our default everywhere.
import { z } from 'zod';
import { Fen } from '../common.zod';

const MonthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'MM-DD');

export const EvaluationProfile = z.object({
  grades: z
    .array(z.object({ grade: z.enum(['优', '良', '中', '差']), minScore: z.number().min(0).max(100) }))
    .length(4),
  /** Points of each part of a self-evaluation, out of 100 *(ours: national practice)*. */
  weights: z.object({ output: z.number(), benefit: z.number(), satisfaction: z.number(), execution: z.number() }),
  /** Points of each part of a department's overall self-evaluation (部门整体自评); absent: the project weights *(ours)*. */
  overallWeights: z.object({ output: z.number(), benefit: z.number(), satisfaction: z.number(), execution: z.number() }).optional(),
  /** Points of each part of a transfer payment's self-evaluation (转移支付自评); absent: the project weights *(ours)*. */
  transferWeights: z.object({ output: z.number(), benefit: z.number(), satisfaction: z.number(), execution: z.number() }).optional(),
  /** The checks of self-evaluations (自评抽查复核, the draw in contracts/evaluation/draw.ts). */
  spotCheck: z.object({
    /** Every project of at least this amount is checked (Wuhai 004: 100万元以上, inclusive); elsewhere *(ours)*. */
    allFromFen: Fen,
    /** A random share of the remaining projects *(ours)*. */
    sampleRate: z.number().min(0).max(1),
    /** Every key project (重点项目) is checked (Wuhai 004); default false *(ours)*. */
    keyProjects: z.boolean().default(false),
    /** Every region-level department's and unit's self-evaluation is reviewed (Xinjiang 003); default false *(ours)*. */
    provinceLevelAll: z.boolean().default(false),
    /** At least this share of prefectures and counties is drawn, rounded up (Xinjiang 003: 10%); default 0 *(ours)*. */
    localityShare: z.number().min(0).max(1).default(0),
  }),
  /** The annual self-evaluation (自评). */
  selfEvaluation: z
    .object({
      /** Reports are due by this day of the year after the budget year (Wuhai 004: end of April); default 05-31 *(ours)*. */
      dueMonthDay: MonthDay.default('05-31'),
      /** Rounds of return (退回) before a form is filed as it stands *(ours)*. */
      maxReturns: z.number().int().min(0).max(20).default(5),
    })
    .default({ dueMonthDay: '05-31', maxReturns: 5 }),
  /** Re-evaluation (再评价, 002, 004): the share of self-evaluated projects finance re-evaluates; default 0.05 *(ours: the seeds say "一定比例")*. */
  reEvaluationShare: z.number().min(0).max(1).default(0.05),
  /** The agency register's selection (contracts/evaluation/register.ts) *(ours)*. */
  agencyCredit: z
    .object({
      /** Credit of an agency without any peer-reviewed report yet *(ours)*. */
      initialCredit: z.number().min(0).max(100).default(80),
      /** An agency below this credit is not selected or commissioned *(ours)*. */
      minCredit: z.number().min(0).max(100).default(60),
    })
    .default({ initialCredit: 80, minCredit: 60 }),
});
export type EvaluationProfile = z.infer<typeof EvaluationProfile>;
