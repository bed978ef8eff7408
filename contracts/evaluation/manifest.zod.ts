// Evaluation (绩效评价) as a process module: the annual self-evaluation cycle with one child per
// department and one grandchild per page of its projects (forms filled, signed, reviewed, filed), and the checks of a year's self-evaluations
// (the seeded draw, checks that may open rectification, re-evaluation).
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, UNIT_PREPARERS, type Holders } from '../humanTask/holders.zod';
import {
  AcceptReportTask,
  AgencyReportTask,
  ExpertOpinionTask,
  EvaluationKeyEvaluationInput,
  CheckTask,
  ClosePeerReviewTask,
  ConfirmPeerReviewTask,
  EvaluationPeerReviewInput,
  PeerReviewTask,
  ReviseReportTask,
  ConfirmDrawTask,
  DepartmentReviewTask,
  EvaluationChecksInput,
  EvaluationCycleInput,
  EvaluationDepartmentInput,
  EvaluationBatchInput,
  FinanceFileTask,
  ReEvaluateTask,
  ConfirmReEvaluationDrawTask,
  SelfEvaluateTask,
  UnitSignTask,
  OverallSelfEvaluateTask,
  DepartmentEvaluateTask,
  DepartmentReportTask,
  EvaluationDepartmentEvaluationInput,
  TransferSelfEvaluateTask,
} from './evaluation.zod';

/** The unit's head, who signs the unit's report (单位负责人). */
const UNIT_HEADS: Holders = { roles: ['unit_head'], scope: 'unit', leads: ['unit_head'] };
/**
 * Third-party agencies and the expert library (第三方机构, 专家): outside the government's orgs, each
 * in its own scope: a task given to an agency (or the expert panel) is held only by that org's own
 * staff, never finance's nor another agency's; finance's division head (who commissions them) leads.
 */
const AGENCIES: Holders = { roles: ['agency_evaluator', 'expert'], scope: 'agency', leads: ['division_head'] };

export const evaluation = defineProcess({
  name: 'evaluation',
  label: { zh: '绩效评价', en: 'Performance evaluation' },
  workflows: ['evaluationCycle', 'evaluationDepartment', 'evaluationBatch', 'evaluationChecks', 'evaluationPeerReview', 'evaluationKeyEvaluation', 'evaluationDepartmentEvaluation'],
  taskTypes: [
    // the unit fills and its head signs its own report: no segregation, within the unit
    { def: SelfEvaluateTask, holders: { holders: [UNIT_PREPARERS], segregation: false } },
    { def: UnitSignTask, holders: { holders: [UNIT_HEADS], segregation: false } },
    // the department and finance review what the unit submitted: never the unit itself
    { def: DepartmentReviewTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true } },
    { def: FinanceFileTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    // the department's overall self-evaluation and its transfer payments' (部门整体自评, 转移支付自评)
    { def: OverallSelfEvaluateTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: false } },
    { def: TransferSelfEvaluateTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: false } },
    // department evaluation (部门评价): the department evaluates its units' projects, never the unit itself
    { def: DepartmentEvaluateTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true } },
    { def: DepartmentReportTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: false } },
    { def: ConfirmDrawTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    { def: CheckTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: ReEvaluateTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: ConfirmReEvaluationDrawTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    // circular cross peer review (互审互评): the rotation confirmed and closed by finance, reviewed by another agency
    { def: ConfirmPeerReviewTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    { def: PeerReviewTask, holders: { holders: [AGENCIES], segregation: false } },
    { def: ReviseReportTask, holders: { holders: [AGENCIES], segregation: false } },
    { def: ClosePeerReviewTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    // key evaluation (重点评价): the commissioned agency reports through its own inbox, finance accepts or returns
    { def: AgencyReportTask, holders: { holders: [AGENCIES], segregation: false } },
    { def: AcceptReportTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    // each drawn expert's fieldwork opinion, in the expert's own inbox
    { def: ExpertOpinionTask, holders: { holders: [AGENCIES], segregation: false } },
  ],
  schemas: { EvaluationDepartmentEvaluationInput, EvaluationCycleInput, EvaluationDepartmentInput, EvaluationBatchInput, EvaluationChecksInput, EvaluationPeerReviewInput, EvaluationKeyEvaluationInput },
  searchAttributes: { JixiaoProcess: 'Keyword', JixiaoDeptId: 'Keyword', JixiaoStage: 'Keyword', JixiaoOpenTasks: 'Int' },
  profile: ['evaluation', 'rectification'],
  startedBy: ['hand', 'process'],
  stages: {
    selfEvaluation: { zh: '自评中', en: 'Self-evaluating' },
    filed: { zh: '已备案', en: 'Filed' },
    drawing: { zh: '抽取中', en: 'Drawing' },
    confirming: { zh: '名单确认中', en: 'Draw being confirmed' },
    checking: { zh: '抽查复核中', en: 'Checking' },
    reviewing: { zh: '互审中', en: 'Peer reviewing' },
    fieldwork: { zh: '评价实施中', en: 'Fieldwork' },
    acceptance: { zh: '报告验收中', en: 'Report in acceptance' },
    done: { zh: '已完成', en: 'Done' },
  },
  conclusions: {
    filed: { zh: '自评已备案', en: 'Self-evaluations filed' },
    checked: { zh: '抽查复核完成', en: 'Checks done' },
    reviewed: { zh: '互审完成', en: 'Peer review closed' },
    accepted: { zh: '报告已验收', en: 'Report accepted' },
  },
});
