// Rectification follow-up (整改) as a process module: a notice (整改通知书) to a department with the
// problems a monitoring round, a warning, a check or an evaluation found (or finance by hand), the
// department's plan and report with evidence, the head's sign-off, finance's verification per
// problem, reminders, escalation, extensions, and accountability (问责) for what stays open.
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, type Holders } from '../humanTask/holders.zod';
import { ProblemReport, RectificationInput } from './problems.zod';
import { AccountabilityTask, ExtensionTask, PlanTask, ReportTask, SignOffTask, VerifyTask } from './tasks.zod';

/** The department head (部门负责人) signs the department's report. */
const DEPARTMENT_HEAD: Holders = { roles: ['competent_head'], scope: 'department', leads: ['competent_head'] };

export const rectification = defineProcess({
  name: 'rectification',
  label: { zh: '整改跟踪', en: 'Rectification follow-up' },
  workflows: ['rectification'],
  taskTypes: [
    // the department answers for itself and its units: no segregation
    { def: PlanTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: false } },
    { def: ReportTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: false } },
    { def: SignOffTask, holders: { holders: [DEPARTMENT_HEAD], segregation: false } },
    // finance verifies, decides extensions and accountability: never the department's own people
    { def: VerifyTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: ExtensionTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
    { def: AccountabilityTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
  ],
  schemas: { RectificationInput, ProblemReport },
  searchAttributes: {
    JixiaoProcess: 'Keyword',
    JixiaoDeptId: 'Keyword',
    JixiaoUnitId: 'Keyword',
    JixiaoStage: 'Keyword',
    JixiaoOpenTasks: 'Int',
  },
  profile: ['rectification'],
  startedBy: ['hand', 'process'],
  stages: {
    plan: { zh: '制定整改方案', en: 'Planning' },
    report: { zh: '整改中', en: 'Rectifying' },
    signOff: { zh: '部门签发', en: 'Head’s sign-off' },
    verify: { zh: '财政核验', en: 'Verification' },
    extension: { zh: '延期审核', en: 'Extension request' },
    done: { zh: '已完成', en: 'Done' },
  },
  conclusions: {
    closed: { zh: '按期整改', en: 'Rectified on time' },
    closedLate: { zh: '逾期整改', en: 'Rectified late' },
    accountability: { zh: '已问责', en: 'Held to account' },
  },
});
