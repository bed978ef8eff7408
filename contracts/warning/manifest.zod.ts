// Warning, verify, then resume, adjust or reclaim (预警核实) as a process module.
import { defineProcess } from '../manifest.zod';
import { DEPARTMENT_REVIEWERS, FINANCE_PERFORMANCE, type Holders } from '../humanTask/holders.zod';
import { WarningInput, WarningTrigger } from './trigger.zod';
import { WARNING_TASK_QUEUE } from './names';
import { ApproveReclaimTask, DecideTask, FinanceRefusedTask, VerifyTask } from './tasks.zod';

/** A finance director (局领导) approves a reclaim. */
const FINANCE_DIRECTORS: Holders = { roles: ['finance_director'], scope: 'finance', leads: ['finance_director'] };
/** Finance's business division (业务处室), when the region's profile has it decide (warning.deciderRole). */
const FINANCE_BUSINESS: Holders = { roles: ['finance_business', 'division_head'], scope: 'finance', leads: ['division_head', 'finance_director'] };

export const warning = defineProcess({
  name: 'warning',
  label: { zh: '预警核实', en: 'Warning and verification' },
  workflows: ['warning'],
  taskTypes: [
    { def: VerifyTask, holders: { holders: [DEPARTMENT_REVIEWERS], segregation: true } },
    { def: DecideTask, holders: { holders: [FINANCE_PERFORMANCE, FINANCE_BUSINESS], segregation: true } },
    { def: ApproveReclaimTask, holders: { holders: [FINANCE_DIRECTORS], segregation: true } },
    { def: FinanceRefusedTask, holders: { holders: [FINANCE_PERFORMANCE, FINANCE_BUSINESS], segregation: false } },
  ],
  schemas: { WarningInput, WarningTrigger },
  searchAttributes: {
    JixiaoProcess: 'Keyword',
    JixiaoProjectId: 'Keyword',
    JixiaoDeptId: 'Keyword',
    JixiaoUnitId: 'Keyword',
    JixiaoStage: 'Keyword',
    JixiaoOpenTasks: 'Int',
  },
  profile: ['warning'],
  startedBy: ['hand', 'process'],
  ownTaskQueue: WARNING_TASK_QUEUE,
  stages: {
    suspending: { zh: '暂停支付中', en: 'Suspending' },
    verification: { zh: '核实中', en: 'Being verified' },
    decision: { zh: '财政决定中', en: 'Being decided' },
    reclaimApproval: { zh: '收回审批中', en: 'Reclaim approval' },
    moving: { zh: '资金处理中', en: 'Moving money' },
    refused: { zh: '财政系统拒绝', en: 'Refused by finance' },
    expired: { zh: '已逾期', en: 'Expired' },
    done: { zh: '已完成', en: 'Done' },
  },
  conclusions: {
    resumed: { zh: '恢复支付', en: 'Resumed' },
    adjusted: { zh: '调整后恢复', en: 'Adjusted and resumed' },
    reclaimed: { zh: '收回资金', en: 'Reclaimed' },
    staySuspended: { zh: '保持暂停', en: 'Stays suspended' },
  },
});
