// Pre-assessment and target review (事前绩效评估 / 绩效目标审核): its part of the region profile (config/regions/<region>/preAssessment.json).
// Values a seed states carry their file and phrase in the file's "$sources" (GET /api/profile shows
// them); every value marked *(ours)* below is our default, and so is any value a region file does
// not cite. New fields have defaults, so runs started before them (their profile is workflow input)
// and region files that do not list them keep working.
import { z } from 'zod';
import { Fen } from '../common.zod';

/** Who reviews a tier: the competent department (主管部门) or the finance bureau's performance division (财政绩效管理处/科). */
export const Reviewer = z.enum(['department', 'finance']);

export const PreAssessmentProfile = z.object({
  /**
   * Every project budget request needs a pre-assessment, whatever its amount and whether new or
   * continuing (Xinjiang 003: a precondition of every project budget request; Wuhai 004: every
   * department's report is reviewed, a necessary condition of the budget request).
   */
  requiredForAll: z.boolean(),
  /**
   * Otherwise new policies and projects above this amount (strictly: 000 超过) need one (Inner
   * Mongolia 000: 5,000,000 yuan); 0: every new policy and project of the annual request (Altay 001).
   */
  mandatoryAboveFen: Fen,
  /**
   * From this amount (inclusive: 001 含) a required pre-assessment is a key assessment (重点评估),
   * below it a general one (一般评估) (Altay 001: 1,000,000 yuan). Elsewhere the tiering is *(ours)*.
   */
  keyAssessmentFromFen: Fen,
  /**
   * Who reviews a general assessment *(ours: the department; who performs each tier is no seed's)*;
   * Wuhai: finance (004: the performance section reviews every report). A key assessment is always
   * finance's *(ours)*.
   */
  generalReviewBy: Reviewer.default('department'),
  /**
   * A mid-year addition (年中追加) needs a pre-assessment: 'asAnnual' by the same rule as the annual
   * request *(ours)*; 'newMajorDevelopment': only a new major 事业发展类 project (Altay 001).
   */
  midYear: z.enum(['asAnnual', 'newMajorDevelopment']).default('asAnnual'),
  /**
   * A department lead may approve in bulk the target reviews of continuing projects below this
   * amount *(ours)*; 0: never (Wuhai, 004: finance reviews every report).
   */
  bulkTargetReviewBelowFen: Fen.default(100_000_000),
  /**
   * A passed application enters the finance system's project library (项目库) at the approved amount
   * with its targets; a failed one does not (Inner Mongolia 000: 评估不通过就不能入库). Elsewhere *(ours)*.
   */
  projectLibrary: z.boolean().default(true),
  /**
   * When each industry's core indicators (核心指标) must be among an application's: 'atLibraryEntry',
   * when the project enters the project library (Inner Mongolia 000: 项目入库前必须先维护核心指标; the
   * finance system refuses the entry), or already 'atSubmission' (the API refuses it, naming the field)
   * *(ours: atLibraryEntry)*.
   */
  coreIndicators: z.enum(['atLibraryEntry', 'atSubmission']).default('atLibraryEntry'),
  /**
   * Where a report passed after revision goes on as a notice, for the budget (a group key; null: nowhere):
   * the budget division (Wuhai 004: 修改后的评估报告直接由预算科应用到预算安排环节); elsewhere *(ours)*.
   */
  revisedReportsTo: z.string().min(1).nullable().default('finance_budget@FIN'),
  /**
   * Which approved targets are the important ones (重要绩效目标) that go with the draft budget to the
   * People's Congress and the government (004): 'core', each project's core indicators (核心指标), or
   * 'keyProjects', every target of the projects of key-assessment size and the others' core indicators
   * *(ours: core; no seed says which targets are important)*.
   */
  importantTargets: z.enum(['core', 'keyProjects']).default('core'),
  /**
   * The indicator library's past cases (案例库) the finance system holds: how many past projects, over
   * how many industries (Wuhai 004: 61 project cases over 8 functional classes, 一般公共服务支出、教育支出等
   * 8 大功能类科目); elsewhere *(ours: 40 over every industry)*.
   */
  caseLibrary: z
    .object({ count: z.number().int().min(0).max(10_000), industries: z.number().int().min(1).max(100) })
    .default({ count: 40, industries: 23 }),
  /** Days a reviewer has for a review *(ours)*. */
  reviewDueDays: z.number().int().positive(),
  /** Days before the due date the reviewer is reminded *(ours)*; 0: no reminder. */
  reminderBeforeDays: z.number().int().nonnegative(),
  /**
   * Rounds of return for revision (退回修改) before the application fails *(ours: no seed limits
   * them; Wuhai 004 shows revising is the normal path, under half pass the first time)*.
   */
  maxRevisions: z.number().int().min(0).max(20).default(5),
  /**
   * The five aspects' scale (004 names the aspects and gives findings, not points): points per aspect
   * *(ours: 20, so five make 100)*; null: findings only, no score.
   */
  aspectMaxPoints: z.number().int().positive().max(100).nullable().default(20),
  /**
   * Target review (绩效目标审核) of an application that needs no pre-assessment: the competent
   * department first, then finance on 002's four criteria. `financeBy`: the performance division
   * *(ours)* or the business division (业务处); 'none': the department alone. Continuing projects below
   * `financeFromFen` stay with the department *(ours: the bulk threshold; 002 has finance review every
   * department's targets; Wuhai 0, 004: every department's targets)*; a new project's targets always
   * reach finance.
   */
  targetReview: z
    .object({
      financeBy: z.enum(['performance', 'business', 'none']).default('performance'),
      financeFromFen: Fen.default(100_000_000),
    })
    .default({ financeBy: 'performance', financeFromFen: 100_000_000 }),
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
