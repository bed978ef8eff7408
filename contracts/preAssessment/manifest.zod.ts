// Pre-assessment and target review (事前绩效评估 / 绩效目标审核) as a process module.
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, UNIT_PREPARERS, type Holders } from '../humanTask/holders.zod';
import { FinanceTargetReviewTask, PreAssessmentInput, ReviewTask, ReviseTask, SignOffTask, TargetReviewTask } from './application.zod';

/** Who signs a finding off: the division head and the director (the profile's signers). */
/** Finance's business division (业务处), for a profile that gives it the target review. */
const FINANCE_BUSINESS: Holders = { roles: ['finance_business', 'division_head'], scope: 'finance', leads: ['division_head', 'finance_director'] };
const FINANCE_HEADS: Holders = { roles: ['division_head', 'finance_director'], scope: 'finance', leads: ['finance_director'] };

export const preAssessment = defineProcess({
  name: 'preAssessment',
  label: { zh: '事前绩效评估', en: 'Pre-assessment' },
  workflows: ['preAssessment'],
  taskTypes: [
    // a general review is the department's, a key assessment finance's (reviewGroup in rules.ts)
    { def: ReviewTask, holders: { holders: [DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE], segregation: true } },
    // a continuing project's target review below the profile's threshold may be approved in bulk (bulkTargetReview in rules.ts)
    { def: TargetReviewTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true }, bulk: { outcomes: ['approve'] } },
    // then finance on 002's four criteria (financeTargetReview in rules.ts): the performance division, or the business division by profile
    { def: FinanceTargetReviewTask, holders: { holders: [FINANCE_PERFORMANCE, FINANCE_BUSINESS], segregation: true } },
    // the unit revises its own application: no segregation, but it stays within the unit
    { def: ReviseTask, holders: { holders: [UNIT_PREPARERS], segregation: false } },
    // the finding's sign-off (会签/或签, preAssessment.signOff in the profile): finance's heads
    { def: SignOffTask, holders: { holders: [FINANCE_HEADS], segregation: true } },
  ],
  schemas: { PreAssessmentInput },
  searchAttributes: {
    JixiaoProcess: 'Keyword',
    JixiaoProjectId: 'Keyword',
    JixiaoDeptId: 'Keyword',
    JixiaoUnitId: 'Keyword',
    JixiaoStage: 'Keyword',
    JixiaoAmountFen: 'Int',
    JixiaoOpenTasks: 'Int',
  },
  profile: ['preAssessment'],
  startedBy: ['hand'],
  stages: {
    review: { zh: '评审中', en: 'In review' },
    financeReview: { zh: '财政审核中', en: 'In finance review' },
    revision: { zh: '修改中', en: 'Being revised' },
    signOff: { zh: '签批中', en: 'Being signed off' },
    done: { zh: '已完成', en: 'Done' },
  },
  conclusions: {
    passed: { zh: '通过', en: 'Passed' },
    passedReduced: { zh: '核减后通过', en: 'Passed, reduced' },
    failed: { zh: '未通过', en: 'Failed' },
    withdrawn: { zh: '已撤回', en: 'Withdrawn' },
    abandoned: { zh: '已放弃', en: 'Abandoned' },
    delayed: { zh: '缓批', en: 'Budget delayed' },
    cancelled: { zh: '取消预算', en: 'Budget cancelled' },
  },
});
