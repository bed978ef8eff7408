// Pre-assessment and target review (事前绩效评估 / 绩效目标审核): the application, the routing rule,
// the review form with its five aspects, and the messages of the process.
import { z } from 'zod';
import { Fen, Id } from '../common.zod';
import type { RegionProfile } from '../region.zod';
import { PRE_ASSESSMENT_TASKS } from './names';
import { CommentForm, defineTaskType } from '../humanTask/taskTypes.zod';

export const IndicatorKind = z.enum(['output', 'benefit', 'satisfaction']);

/** One performance indicator (绩效指标) of the targets. */
export const Indicator = z.object({
  /** The indicator library's code (e.g. edu.01) of a common or industry indicator; absent: a custom one. */
  code: z.string().trim().min(1).max(50).optional(),
  /** Why a custom indicator (no library code) is used. */
  customReason: z.string().trim().min(1).max(500).optional(),
  /** A past case of the indicator library (案例库) this indicator follows (its target set like that project's); must be the library's. */
  caseId: z.string().trim().min(1).max(50).optional(),
  kind: IndicatorKind,
  /** Second-level category, e.g. 数量指标, 质量指标, 社会效益指标. */
  category: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  target: z.string().min(1).max(100),
  unit: z.string().max(20).default(''),
  direction: z.enum(['>=', '<=', '=']),
  core: z.boolean().default(false),
});
export type Indicator = z.infer<typeof Indicator>;

export const ProjectApplication = z
  .object({
    /** 项目编码: the unit's code for the project; the workflow id derives from it. */
    projectCode: Id,
    name: z.string().trim().min(2).max(200),
    deptId: Id,
    unitId: Id,
    amountFen: Fen.refine((v) => v > 0, 'must be positive'),
    /** Industry type (行业类型) of the indicator library. */
    industry: z.string().min(1).max(50),
    isNew: z.boolean(),
    kind: z.enum(['project', 'policy']),
    /** A mid-year addition (年中追加) rather than the annual request (年初预算申报). */
    midYear: z.boolean().default(false),
    /** A new major project of 事业发展类 (Altay 001: the only mid-year additions that need a pre-assessment). */
    majorDevelopment: z.boolean().default(false),
    year: z.number().int().min(2000).max(2100),
    summary: z.string().max(5000).default(''),
    indicators: z.array(Indicator).min(1, 'at least one performance indicator (绩效指标) is required'),
  })
  .refine((a) => a.indicators.some((i) => i.kind === 'output'), {
    path: ['indicators'],
    message: 'targets need at least one output indicator (产出指标)',
  });
export type ProjectApplication = z.infer<typeof ProjectApplication>;

const AspectFinding = z.object({
  /** Points on the profile's scale (preAssessment.aspectMaxPoints, ours: 20); none when the region gives findings only (004). */
  score: z.number().min(0).max(100).optional(),
  finding: z.string().trim().min(1, 'each aspect needs a finding').max(2000),
});
/** The five aspects (004): necessity, economy, targets, feasibility, financing; each with a finding, points only on the profile's scale (ours). */
export const FiveAspects = z.object({
  necessity: AspectFinding, // 立项必要性
  economy: AspectFinding, // 投入经济性
  targets: AspectFinding, // 绩效目标合理性
  feasibility: AspectFinding, // 实施方案可行性
  financing: AspectFinding, // 筹资合规性
});

export const ReviewTask = defineTaskType({
  type: PRE_ASSESSMENT_TASKS.review,
  label: { zh: '事前绩效评估审核', en: 'Pre-assessment review' },
  outcomes: {
    pass: { label: { zh: '通过', en: 'Pass' }, style: 'primary', form: z.object({ aspects: FiveAspects, comment: z.string().max(2000).optional() }) },
    passReduced: {
      label: { zh: '核减后通过', en: 'Pass with reduced amount' },
      form: z.object({ aspects: FiveAspects, approvedAmountFen: Fen, comment: z.string().max(2000).optional() }),
    },
    fail: { label: { zh: '不通过', en: 'Fail' }, style: 'danger', form: z.object({ aspects: FiveAspects, comment: z.string().min(1).max(2000) }) },
  },
});

export const TargetReviewTask = defineTaskType({
  type: PRE_ASSESSMENT_TASKS.targetReview,
  label: { zh: '绩效目标审核', en: 'Target review' },
  outcomes: {
    approve: { label: { zh: '审核通过', en: 'Approve' }, style: 'primary', form: CommentForm },
  },
});

const CriterionFinding = z.object({ finding: z.string().trim().min(1, 'each criterion needs a finding').max(2000) });
/**
 * Finance's four criteria of a target review (002 绩效目标审核): relevance of the targets to the
 * department's functions, feasibility of the measures, scientific indicator design, reasonableness
 * of the funding; each with a finding.
 */
export const FourCriteria = z.object({
  relevance: CriterionFinding, // 绩效目标与部门职能的相关性
  feasibility: CriterionFinding, // 实现绩效目标采取措施的可行性
  indicators: CriterionFinding, // 绩效指标设置的科学性
  funding: CriterionFinding, // 完成绩效目标所需资金的合理性
});

/**
 * Finance's target review after the department's (002; 004: node by node): approve, return for
 * revision (the board's 退回), cut the amount (削减, 004: targets unclear or not matching the funds),
 * or delay or cancel the budget (缓批或取消, 002).
 */
export const FinanceTargetReviewTask = defineTaskType({
  type: PRE_ASSESSMENT_TASKS.financeTargetReview,
  label: { zh: '财政绩效目标审核', en: 'Finance target review' },
  outcomes: {
    approve: { label: { zh: '审核通过', en: 'Approve' }, style: 'primary', form: z.object({ criteria: FourCriteria, comment: z.string().max(2000).optional() }) },
    cut: {
      label: { zh: '削减预算', en: 'Cut the amount' },
      form: z.object({ criteria: FourCriteria, approvedAmountFen: Fen.refine((v) => v > 0, 'must be positive'), comment: z.string().trim().min(1).max(2000) }),
    },
    delayOrCancel: {
      label: { zh: '缓批或取消预算', en: 'Delay or cancel the budget' },
      style: 'danger',
      form: z.object({ criteria: FourCriteria, decision: z.enum(['delay', 'cancel']), comment: z.string().trim().min(1).max(2000) }),
    },
  },
});

/** The finding's sign-off (结论签批), countersigned when the region profile asks (preAssessment.signOff). */
export const SignOffTask = defineTaskType({
  type: PRE_ASSESSMENT_TASKS.signOff,
  label: { zh: '评估结论签批', en: 'Sign-off of the finding' },
  outcomes: {
    approve: { label: { zh: '同意', en: 'Approve' }, style: 'primary', form: CommentForm },
    reject: { label: { zh: '不同意', en: 'Reject' }, style: 'danger', form: z.object({ comment: z.string().min(1).max(2000) }) },
  },
});

export const ReviseTask = defineTaskType({
  type: PRE_ASSESSMENT_TASKS.revise,
  label: { zh: '修改后重新申报', en: 'Revise and resubmit' },
  outcomes: {
    resubmit: {
      label: { zh: '重新提交', en: 'Resubmit' },
      style: 'primary',
      form: z.object({
        amountFen: Fen.optional(),
        summary: z.string().max(5000).optional(),
        indicators: z.array(Indicator).min(1).optional(),
        comment: z.string().max(2000).optional(),
      }),
    },
    abandon: { label: { zh: '放弃申报', en: 'Abandon' }, style: 'danger', form: CommentForm },
  },
});

export const PreAssessmentInput = z.object({
  application: ProjectApplication,
  submittedBy: Id,
  submittedByName: z.string(),
  profile: z.custom<RegionProfile['preAssessment']>(),
  /** The region profile's inbox.urgeWindowHours in ms: one urge (催办) per task in this window. Absent: no limit. */
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /** Enter a passed application into the finance system's project library (the profile's projectLibrary). Absent: not (runs from before). */
  projectLibrary: z.boolean().optional(),
  /** Durations, overridable so tests can shorten them. */
  reviewDueMs: z.number().int().positive().optional(),
  /** Overrides the profile's maxRevisions (tests); absent: the profile's, or 5 for runs whose profile predates it. */
  maxRevisions: z.number().int().min(0).max(20).optional(),
});
export type PreAssessmentInput = z.input<typeof PreAssessmentInput>;

