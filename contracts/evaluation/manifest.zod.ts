// Evaluation (绩效评价) as a process module: the annual self-evaluation cycle with one child per
// department (forms filled, signed, reviewed, filed), and the checks of a year's self-evaluations
// (the seeded draw, checks that may open rectification, re-evaluation).
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, UNIT_PREPARERS, type Holders } from '../humanTask/holders.zod';
import {
  CheckTask,
  ConfirmDrawTask,
  DepartmentReviewTask,
  EvaluationChecksInput,
  EvaluationCycleInput,
  EvaluationDepartmentInput,
  FinanceFileTask,
  ReEvaluateTask,
  SelfEvaluateTask,
  UnitSignTask,
} from './evaluation.zod';

/** The unit's head, who signs the unit's report (单位负责人). */
const UNIT_HEADS: Holders = { roles: ['unit_head'], scope: 'unit', leads: ['unit_head'] };

export const evaluation = defineProcess({
  name: 'evaluation',
  label: { zh: '绩效评价', en: 'Performance evaluation' },
  workflows: ['evaluationCycle', 'evaluationDepartment', 'evaluationChecks'],
  taskTypes: [
    // the unit fills and its head signs its own report: no segregation, within the unit
    { def: SelfEvaluateTask, holders: { holders: [UNIT_PREPARERS], segregation: false } },
    { def: UnitSignTask, holders: { holders: [UNIT_HEADS], segregation: false } },
    // the department and finance review what the unit submitted: never the unit itself
    { def: DepartmentReviewTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true } },
    { def: FinanceFileTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: ConfirmDrawTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: false } },
    { def: CheckTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: ReEvaluateTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
  ],
  schemas: { EvaluationCycleInput, EvaluationDepartmentInput, EvaluationChecksInput },
  searchAttributes: { JixiaoProcess: 'Keyword', JixiaoDeptId: 'Keyword', JixiaoStage: 'Keyword', JixiaoOpenTasks: 'Int' },
  profile: ['evaluation', 'rectification'],
  startedBy: ['hand', 'process'],
  stages: {
    selfEvaluation: { zh: '自评中', en: 'Self-evaluating' },
    filed: { zh: '已备案', en: 'Filed' },
    drawing: { zh: '抽取中', en: 'Drawing' },
    confirming: { zh: '名单确认中', en: 'Draw being confirmed' },
    checking: { zh: '抽查复核中', en: 'Checking' },
    done: { zh: '已完成', en: 'Done' },
  },
  conclusions: {
    filed: { zh: '自评已备案', en: 'Self-evaluations filed' },
    checked: { zh: '抽查复核完成', en: 'Checks done' },
  },
});
