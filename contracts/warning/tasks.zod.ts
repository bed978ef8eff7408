// The warning's task types (预警核实): the department's verification and proposal, finance's decision,
// the reclaim approval by a finance director who did not verify, and a person's task when the finance
// system refuses a money movement.
import { z } from 'zod';
import { Fen } from '../common.zod';
import { CommentForm, defineTaskType } from '../humanTask/taskTypes.zod';
import { LibraryTarget } from '../finance/finance.zod';

import { WARNING_TASKS } from './names';

export { WARNING_TASKS };

const Evidence = z.array(z.object({ name: z.string().min(1).max(200), url: z.string().max(1000).optional() })).max(50).default([]);
const Verification = {
  /** Can the year's targets still be met (能否完成绩效目标)? */
  targetsAchievable: z.boolean(),
  reasons: z.string().trim().min(1).max(5000),
  evidence: Evidence,
};

/** The competent department verifies (000) and proposes resume, adjust or reclaim. */
export const VerifyTask = defineTaskType({
  type: WARNING_TASKS.verify,
  label: { zh: '预警核实', en: 'Verify the warning' },
  outcomes: {
    resume: {
      label: { zh: '建议恢复支付', en: 'Propose resuming' },
      style: 'primary',
      // 002: a deviation without a justified reason is suspended or stopped; the reason's length is checked by the workflow per profile
      form: z.object({ ...Verification, justification: z.string().trim().min(1).max(5000) }),
    },
    adjust: {
      label: { zh: '建议调整目标或预算', en: 'Propose adjusting' },
      form: z.object({
        ...Verification,
        /** The project's targets from now on, as the finance system keeps them (a new target version on acceptance). */
        newTargets: z.array(LibraryTarget).max(100).default([]),
        deltaFen: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).optional(),
        adjustReason: z.string().trim().min(1).max(5000),
      }),
    },
    reclaim: {
      label: { zh: '建议收回资金', en: 'Propose reclaiming' },
      style: 'danger',
      form: z.object({ ...Verification, amountFen: Fen.refine((v) => v > 0, 'must be positive').optional(), closeProject: z.boolean().default(false) }),
    },
  },
});

/** Finance decides on the department's proposal: accept it, or reject it back with comments. */
export const DecideTask = defineTaskType({
  type: WARNING_TASKS.decide,
  label: { zh: '预警处理决定', en: 'Decide on the warning' },
  outcomes: {
    accept: { label: { zh: '同意建议', en: 'Accept the proposal' }, style: 'primary', form: CommentForm },
    reject: { label: { zh: '退回部门', en: 'Reject back to the department' }, style: 'danger', form: z.object({ comment: z.string().trim().min(1).max(2000) }) },
  },
});

/** A reclaim is approved by a finance director who is not the verifier (segregation of duties). */
export const ApproveReclaimTask = defineTaskType({
  type: WARNING_TASKS.approveReclaim,
  label: { zh: '收回资金审批', en: 'Approve the reclaim' },
  outcomes: {
    approve: { label: { zh: '批准收回', en: 'Approve' }, style: 'primary', form: CommentForm },
    reject: { label: { zh: '不批准', en: 'Reject' }, style: 'danger', form: z.object({ comment: z.string().trim().min(1).max(2000) }) },
  },
});

/** The finance system refused a movement (e.g. the year's budget is closed): a person decides. */
export const FinanceRefusedTask = defineTaskType({
  type: WARNING_TASKS.financeRefused,
  label: { zh: '财政系统拒绝处理', en: 'Finance system refused' },
  outcomes: {
    retry: { label: { zh: '重试', en: 'Retry' }, style: 'primary', form: CommentForm },
    stay: { label: { zh: '保持暂停', en: 'Leave suspended' }, style: 'danger', form: z.object({ comment: z.string().trim().min(1).max(2000) }) },
  },
});
