// Evaluation (绩效评价): the workflows' inputs and the task types people answer, with the forms each
// outcome needs. The score of a self-evaluation is never typed: the workflow computes it from the
// form (scoring.ts).
import { z } from 'zod';
import { Id } from '../common.zod';
import type { EvaluationProfile } from './profile.zod';
import type { RectificationProfile } from '../rectification/profile.zod';
import { CommentForm, defineTaskType } from '../humanTask/taskTypes.zod';
import { EVALUATION_TASKS } from './names';

const SendBack = z.object({ comment: z.string().trim().min(1, 'say what is to be corrected').max(2000) });

/** One indicator as the unit reports it (实际完成值), by the pre-filled indicator's name. */
export const ReportedIndicator = z.object({
  name: z.string().min(1).max(200),
  /** The target: only for an indicator pre-filled without one (from the library); an approved target stands. */
  target: z.string().min(1).max(100).optional(),
  actual: z.string().trim().min(1, 'the actual value is required').max(100),
  /** For a qualitative target (not a number): how far it was met, 0–100. */
  completionPct: z.number().min(0).max(100).optional(),
  /** An indicator of the unit's own beyond the pre-filled ones: its part and direction (with its target). */
  kind: z.enum(['output', 'benefit', 'satisfaction']).optional(),
  direction: z.enum(['>=', '<=', '=']).optional(),
  /** Why the target was missed (偏差原因), when it was. */
  gapReason: z.string().max(2000).optional(),
});

export const SelfEvaluationForm = z.object({
  indicators: z.array(ReportedIndicator).min(1, 'report every indicator').max(100),
  /** Measures against the gaps (改进措施). */
  measures: z.string().trim().min(1, 'state the measures').max(5000),
  summary: z.string().max(5000).default(''),
});
export type SelfEvaluationForm = z.infer<typeof SelfEvaluationForm>;

export const SelfEvaluateTask = defineTaskType({
  type: EVALUATION_TASKS.fill,
  label: { zh: '项目绩效自评', en: 'Project self-evaluation' },
  outcomes: { submit: { label: { zh: '提交单位负责人', en: 'Submit to the unit head' }, style: 'primary', form: SelfEvaluationForm } },
});

/** The department's overall self-evaluation: its own indicators (kind, direction, target, actual), the score computed. */
export const OverallSelfEvaluateTask = defineTaskType({
  type: EVALUATION_TASKS.overall,
  label: { zh: '部门整体绩效自评', en: 'Department-wide overall self-evaluation' },
  outcomes: { submit: { label: { zh: '报送财政', en: 'Submit to finance' }, style: 'primary', form: SelfEvaluationForm } },
});

/** A transfer payment to lower levels, self-evaluated by the department that pays it. */
export const TransferSelfEvaluateTask = defineTaskType({
  type: EVALUATION_TASKS.transfer,
  label: { zh: '转移支付绩效自评', en: 'Self-evaluation of a transfer payment' },
  outcomes: { submit: { label: { zh: '报送财政', en: 'Submit to finance' }, style: 'primary', form: SelfEvaluationForm } },
});

export const DepartmentEvaluateTask = defineTaskType({
  type: EVALUATION_TASKS.departmentEvaluate,
  label: { zh: '部门评价', en: 'Department evaluation of a project' },
  outcomes: { submit: { label: { zh: '提交评价结果', en: 'Submit the evaluation' }, style: 'primary', form: z.object({ score: z.number().min(0).max(100), findings: z.string().trim().min(1, 'the findings are required').max(5000) }) } },
});

export const DepartmentReportTask = defineTaskType({
  type: EVALUATION_TASKS.departmentReport,
  label: { zh: '部门评价报告', en: 'Department evaluation report' },
  outcomes: { submit: { label: { zh: '提交报告', en: 'Submit the report' }, style: 'primary', form: z.object({ summary: z.string().trim().min(1, 'the report needs its conclusions').max(10000) }) } },
});

export const EvaluationDepartmentEvaluationInput = z.object({
  year: z.number().int().min(2000).max(2100),
  deptId: Id,
  /** The projects of its units the department chose to evaluate. */
  projects: z.array(z.object({ projectId: Id, name: z.string().min(1).max(200), unitId: Id, amountFen: z.number().int().nonnegative() })).min(1).max(500),
  grades: z.custom<EvaluationProfile['grades']>((v) => Array.isArray(v)),
  openedBy: Id,
  dueInMs: z.number().int().positive().optional(),
});
export type EvaluationDepartmentEvaluationInput = z.input<typeof EvaluationDepartmentEvaluationInput>;

export const UnitSignTask = defineTaskType({
  type: EVALUATION_TASKS.sign,
  label: { zh: '自评报告签字', en: 'Sign the self-evaluation' },
  outcomes: {
    sign: { label: { zh: '签字', en: 'Sign' }, style: 'primary', form: CommentForm },
    sendBack: { label: { zh: '退回修改', en: 'Send back' }, style: 'danger', form: SendBack },
  },
});

export const DepartmentReviewTask = defineTaskType({
  type: EVALUATION_TASKS.departmentReview,
  label: { zh: '自评部门审核', en: 'Department review of a self-evaluation' },
  outcomes: {
    submit: { label: { zh: '审核通过，报送财政', en: 'Approve and submit to finance' }, style: 'primary', form: CommentForm },
    sendBack: { label: { zh: '退回单位', en: 'Return to the unit' }, style: 'danger', form: SendBack },
  },
});

export const FinanceFileTask = defineTaskType({
  type: EVALUATION_TASKS.file,
  label: { zh: '自评财政审核备案', en: 'Finance review and filing' },
  outcomes: {
    file: { label: { zh: '审核备案', en: 'File' }, style: 'primary', form: CommentForm },
    sendBack: { label: { zh: '退回', en: 'Return' }, style: 'danger', form: SendBack },
  },
});

export const ConfirmDrawTask = defineTaskType({
  type: EVALUATION_TASKS.confirmDraw,
  label: { zh: '抽查名单确认', en: 'Confirm the check draw' },
  outcomes: {
    send: { label: { zh: '确认并下发', en: 'Confirm and send' }, style: 'primary', form: CommentForm },
    redraw: { label: { zh: '重新抽取', en: 'Draw again' }, form: z.object({ comment: z.string().trim().min(1).max(2000) }) },
  },
});

const Finding = z.object({ description: z.string().trim().min(1).max(2000), measures: z.string().max(2000).optional() });
export const CheckTask = defineTaskType({
  type: EVALUATION_TASKS.check,
  label: { zh: '自评抽查复核', en: 'Check of a self-evaluation' },
  outcomes: {
    confirm: {
      label: { zh: '复核完成', en: 'Check done' },
      style: 'primary',
      form: z.object({
        /** The checker's score, when the self score does not stand. */
        adjustedScore: z.number().min(0).max(100).optional(),
        findings: z.string().trim().min(1, 'the findings are required').max(5000),
        /** Problems found: each opens (or joins) the unit's rectification notice (整改通知书). */
        problems: z.array(Finding).max(50).default([]),
      }),
    },
  },
});

export const ReEvaluateTask = defineTaskType({
  type: EVALUATION_TASKS.reEvaluate,
  label: { zh: '绩效再评价', en: 'Re-evaluation' },
  outcomes: {
    submit: {
      label: { zh: '提交再评价结果', en: 'Submit the re-evaluation' },
      style: 'primary',
      form: z.object({ score: z.number().min(0).max(100), findings: z.string().trim().min(1).max(5000) }),
    },
  },
});

export const ConfirmReEvaluationDrawTask = defineTaskType({
  type: EVALUATION_TASKS.confirmReEvaluationDraw,
  label: { zh: '再评价名单确认', en: 'Confirm the re-evaluation draw' },
  outcomes: {
    send: { label: { zh: '确认并下发', en: 'Confirm and send' }, style: 'primary', form: CommentForm },
    redraw: { label: { zh: '重新抽取', en: 'Draw again' }, form: z.object({ comment: z.string().trim().min(1).max(2000) }) },
  },
});

/** The rest of a rectification notice's input (RectificationInput without its report). */
export const RectificationOptions = z.object({
  profile: z.custom<RectificationProfile>((v) => typeof v === 'object' && v !== null),
  urgeWindowMs: z.number().int().nonnegative().optional(),
  dayMs: z.number().int().positive().optional(),
});
export type RectificationOptions = z.input<typeof RectificationOptions>;

const Profile = z.custom<EvaluationProfile>((v) => typeof v === 'object' && v !== null);

export const EvaluationCycleInput = z.object({
  year: z.number().int().min(2000).max(2100),
  profile: Profile,
  /** Departments to open; absent: every department finance lists. */
  deptIds: z.array(Id).max(500).optional(),
  openedBy: Id,
  openedByName: z.string().max(100),
  /** Overrides the profile's due date (tests). */
  dueInMs: z.number().int().positive().optional(),
  urgeWindowMs: z.number().int().nonnegative().optional(),
});
export type EvaluationCycleInput = z.input<typeof EvaluationCycleInput>;

/** How often a batch may report its counts to its department, in milliseconds (absent: 5,000, ours). */
const ReportEveryMs = z.number().int().min(0).max(3_600_000).optional();

export const EvaluationDepartmentInput = z.object({
  year: z.number().int().min(2000).max(2100),
  deptId: Id,
  profile: Profile,
  dueInMs: z.number().int().positive(),
  openedBy: Id,
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /** Projects per page, each page a batch of its own (ours): 300 open forms carry ~1 M JSON characters across continue-as-new, under continueCarryLimit (500 did not: ~1.7 M). */
  pageSize: z.number().int().min(1).max(500).default(300),
  /**
   * A run continues as new once its history passes this many events (or Temporal suggests it),
   * carrying every open form; tests set it tiny. Default 5,000 (ours: well under Temporal's 10,240-event warning).
   */
  continueAfterEvents: z.number().int().min(1).max(50_000).optional(),
  /**
   * The most a continue-as-new may carry (JSON characters; default 1,500,000, under Temporal's 2 MB
   * payload limit): a department with more open forms than that carries on in this run and tries
   * again later, when fewer are open, instead of failing its workflow task for good.
   */
  continueCarryLimit: z.number().int().min(1).max(1_900_000).optional(),
  /** Each batch reports its counts to the department at most once per this many milliseconds (ours: 5,000), coalescing the decisions meanwhile; its first and last reports go at once. */
  reportEveryMs: ReportEveryMs,
  /** What the previous run carried (continue-as-new): the board's open tasks, the department's status, each open form's place. */
  restore: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null).optional(),
});
export type EvaluationDepartmentInput = z.input<typeof EvaluationDepartmentInput>;

/** A project of a batch's page as the batch takes it: finance's summary and its year-end execution (a project finance holds otherwise fails the batch: InvalidInput). */
export const BatchProject = z.object({
  id: Id,
  name: z.string().min(1).max(500),
  deptId: Id,
  unitId: Id,
  industry: Id,
  originalFen: z.number().int().nonnegative(),
  execution: z.object({ availableFen: z.number().int(), paidFen: z.number().int(), executionRateBp: z.number().int() }).nullable(),
});
export type BatchProject = z.infer<typeof BatchProject>;

/** A department's batch of project forms (evaluationBatch): one page of its projects, each with its year-end execution. */
export const EvaluationBatchInput = z.object({
  year: z.number().int().min(2000).max(2100),
  deptId: Id,
  /** Its number in the department (0, 1, …): its workflow id's and its reports'. */
  batch: z.number().int().min(0),
  profile: Profile,
  dueInMs: z.number().int().positive(),
  openedBy: Id,
  urgeWindowMs: z.number().int().nonnegative().optional(),
  /** The page's projects (a transfer's county projects are not the department's); empty in a run that continued as new. */
  projects: z.array(BatchProject).max(500),
  /** As the department's (EvaluationDepartmentInput): when a run continues as new, and the most it may carry. */
  continueAfterEvents: z.number().int().min(1).max(50_000).optional(),
  continueCarryLimit: z.number().int().min(1).max(1_900_000).optional(),
  /** As the department's: at most one count report per this many milliseconds (patched 'jixiao.evaluation.batch-report-throttle'). */
  reportEveryMs: ReportEveryMs,
  /**
   * Finance's re-run of a batch that failed for good (projects then empty): the projects whose forms
   * were not filed, read again from finance (the cause may have been removed there) and opened again;
   * the forms already filed, kept as they were.
   */
  rerun: z
    .object({
      of: z.string().min(1).max(300),
      projectIds: z.array(Id).max(500),
      filed: z.array(z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null)).max(500),
      by: Id,
    })
    .optional(),
  /** What the previous run carried (continue-as-new). */
  restore: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null).optional(),
});
export type EvaluationBatchInput = z.input<typeof EvaluationBatchInput>;

export const EvaluationChecksInput = z.object({
  year: z.number().int().min(2000).max(2100),
  profile: Profile,
  /** The draw's seed: chosen by finance, or by the workflow (recorded either way). */
  seed: z.number().int().min(0).max(4294967295).optional(),
  /** Key projects (重点项目) named by finance: checked in full where the profile says so (Wuhai). */
  keyProjectIds: z.array(Id).max(5000).default([]),
  deptIds: z.array(Id).max(500).optional(),
  openedBy: Id,
  openedByName: z.string().max(100),
  checkDueMs: z.number().int().positive().optional(),
  /** What a rectification notice opened by a check starts with (the region's rectification slice and options). */
  rectification: RectificationOptions,
});
export type EvaluationChecksInput = z.input<typeof EvaluationChecksInput>;

const QualityRubric = z.object({
  /** 评价依据与方法 / 数据与证据 / 结论与建议 / 报告规范: 25 points each (ours). */
  method: z.number().min(0).max(25),
  evidence: z.number().min(0).max(25),
  conclusions: z.number().min(0).max(25),
  form: z.number().min(0).max(25),
});

export const ConfirmPeerReviewTask = defineTaskType({
  type: EVALUATION_TASKS.confirmPeerReview,
  label: { zh: '互审分配确认', en: 'Confirm the peer-review rotation' },
  outcomes: { send: { label: { zh: '确认并下发', en: 'Confirm and send' }, style: 'primary', form: CommentForm } },
});

export const PeerReviewTask = defineTaskType({
  type: EVALUATION_TASKS.peerReview,
  label: { zh: '评价报告互审', en: 'Peer review of an evaluation report' },
  outcomes: {
    submit: { label: { zh: '提交评审意见', en: 'Submit the review' }, style: 'primary', form: z.object({ rubric: QualityRubric, comment: z.string().trim().min(1, 'the review needs comments').max(5000) }) },
  },
});

export const ReviseReportTask = defineTaskType({
  type: EVALUATION_TASKS.reviseReport,
  label: { zh: '根据互审意见修改报告', en: 'Revise the report after the review' },
  outcomes: { resubmit: { label: { zh: '提交修改后报告', en: 'Resubmit the report' }, style: 'primary', form: z.object({ changes: z.string().trim().min(1).max(5000) }) } },
});

export const ClosePeerReviewTask = defineTaskType({
  type: EVALUATION_TASKS.closePeerReview,
  label: { zh: '互审定分', en: 'Close the review with the final score' },
  outcomes: { close: { label: { zh: '确定最终得分', en: 'Set the final score' }, style: 'primary', form: z.object({ finalScore: z.number().min(0).max(100), comment: z.string().max(2000).optional() }) } },
});

export const EvaluationPeerReviewInput = z.object({
  batchId: Id,
  /** The batch of key-evaluation reports, each by its agency (an org of the directory, e.g. AG1). */
  reports: z.array(z.object({ reportId: Id, agencyId: Id, title: z.string().min(1).max(200), deptId: Id, unitId: Id })).min(1).max(500),
  openedBy: Id,
  dueInMs: z.number().int().positive().optional(),
});
export type EvaluationPeerReviewInput = z.input<typeof EvaluationPeerReviewInput>;

/** The key evaluation's dimensions (economy, efficiency, effectiveness, results, sustainability), 20 points each (ours). */
const Dimensions = z.object({
  economy: z.number().min(0).max(20),
  efficiency: z.number().min(0).max(20),
  effectiveness: z.number().min(0).max(20),
  results: z.number().min(0).max(20),
  sustainability: z.number().min(0).max(20),
});

export const AgencyReportTask = defineTaskType({
  type: EVALUATION_TASKS.agencyReport,
  label: { zh: '提交重点评价报告', en: 'Submit the key-evaluation report' },
  outcomes: {
    submit: { label: { zh: '提交报告', en: 'Submit the report' }, style: 'primary', form: z.object({ summary: z.string().trim().min(1, 'the report needs its findings').max(10000), scores: Dimensions, attachmentIds: z.array(z.number().int().positive()).max(50).default([]) }) },
  },
});

export const AcceptReportTask = defineTaskType({
  type: EVALUATION_TASKS.acceptReport,
  label: { zh: '重点评价报告验收', en: 'Accept the key-evaluation report' },
  outcomes: {
    accept: { label: { zh: '验收通过', en: 'Accept' }, style: 'primary', form: CommentForm },
    sendBack: { label: { zh: '退回修改', en: 'Return for revision' }, style: 'danger', form: SendBack },
  },
});

/** A drawn expert's fieldwork opinion (专家评审意见): what the expert found, seen by the agency and by finance at acceptance. */
export const ExpertOpinionTask = defineTaskType({
  type: EVALUATION_TASKS.expertOpinion,
  label: { zh: '专家评审意见', en: 'Expert’s fieldwork opinion' },
  outcomes: { submit: { label: { zh: '提交评审意见', en: 'Submit the opinion' }, style: 'primary', form: z.object({ opinion: z.string().trim().min(1, 'the opinion needs its findings').max(5000) }) } },
});

export const EvaluationKeyEvaluationInput = z.object({
  /** What is evaluated: a project, a department's overall spending, a policy, a transfer payment, a mid-term evaluation or a special bond. */
  subject: z.object({ kind: z.enum(['project', 'department', 'policy', 'transfer', 'midTerm', 'specialBond']), ref: Id, title: z.string().min(1).max(200), deptId: Id, unitId: Id }),
  agencyId: Id,
  /** The agency register's entries (机构库): the departments or units each declared a conflict with. */
  agencies: z.array(z.object({ id: Id, conflicts: z.array(Id).max(500).default([]) })).min(1).max(200),
  /** The expert library (专家库) to draw from, with declared conflicts. */
  experts: z.array(z.object({ id: Id, fields: z.array(z.string().min(1).max(50)).max(20), conflicts: z.array(Id).max(500).default([]) })).max(2000).default([]),
  expertFields: z.array(z.string().min(1).max(50)).max(20).default([]),
  expertCount: z.number().int().min(0).max(20).default(3),
  expertSeed: z.number().int().min(0).max(4294967295).optional(),
  /** Finance staff joining the fieldwork. */
  financeStaff: z.array(Id).max(20).default([]),
  grades: z.custom<EvaluationProfile['grades']>((v) => Array.isArray(v)),
  openedBy: Id,
  maxRevisions: z.number().int().min(0).max(20).default(5),
  dueInMs: z.number().int().positive().optional(),
});
export type EvaluationKeyEvaluationInput = z.input<typeof EvaluationKeyEvaluationInput>;
