// Monitoring rounds (绩效运行监控, stage 2) as a process module: a round per cut-off of the region
// profile, on a Temporal Schedule; a part per department; batches of projects, each a TaskBoard of
// monitoring forms (监控表) the units fill in and their department reviews.
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, UNIT_PREPARERS } from '../humanTask/holders.zod';
import { AdjustmentTask, FormTask, MonitoringBatchInput, MonitoringDepartmentInput, MonitoringRoundInput, ReviewTask } from './round.zod';

export const monitoring = defineProcess({
  name: 'monitoring',
  label: { zh: '绩效运行监控', en: 'Performance monitoring' },
  workflows: ['monitoringScheduled', 'monitoringRound', 'monitoringDepartment', 'monitoringBatch'],
  taskTypes: [
    // the unit fills in its own project's form: no segregation, it stays within the unit
    { def: FormTask, holders: { holders: [UNIT_PREPARERS], segregation: false } },
    // the competent department reviews it and may return it (退回) when incomplete; forms no rule
    // fired on may be approved in bulk (the batch marks them bulkApprovable)
    { def: ReviewTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true }, bulk: { outcomes: ['approve'] } },
    // finance's performance division approves or refuses a target adjustment asked for from the form (002)
    { def: AdjustmentTask, holders: { holders: [FINANCE_PERFORMANCE], segregation: true } },
  ],
  schemas: { MonitoringRoundInput, MonitoringDepartmentInput, MonitoringBatchInput },
  searchAttributes: {
    JixiaoProcess: 'Keyword',
    JixiaoDeptId: 'Keyword',
    JixiaoStage: 'Keyword',
    JixiaoOpenTasks: 'Int',
    JixiaoRoundId: 'Keyword',
  },
  profile: ['monitoring', 'calendar'],
  startedBy: ['schedule', 'hand'],
  stages: {
    opening: { zh: '启动中', en: 'Opening' },
    open: { zh: '填报中', en: 'Forms open' },
    closed: { zh: '已结束', en: 'Closed' },
    cancelling: { zh: '作废中', en: 'Being cancelled' },
    cancelled: { zh: '已作废', en: 'Cancelled' },
  },
  conclusions: {
    closed: { zh: '监控结束', en: 'Round closed' },
    cancelled: { zh: '本轮监控已作废', en: 'Round cancelled' },
  },
});
