// Rectification's task types (整改): the department's plan (整改方案, 004) and report with evidence
// per problem, the department head's sign-off, finance's verification problem by problem, its answer
// to an extension request, and the accountability case (问责, 002) for what stays open.
import { z } from 'zod';
import { defineTaskType } from '../humanTask/taskTypes.zod';
import { RECTIFICATION_TASKS } from './names';

const Comment = z.string().min(1).max(2000);
/** An extension request (申请延期): why, and by how many days. */
const ExtensionForm = z.object({ reason: Comment, days: z.number().int().positive().max(365) });

export const PlanTask = defineTaskType({
  type: RECTIFICATION_TASKS.plan,
  label: { zh: '整改方案', en: 'Rectification plan' },
  outcomes: {
    submit: {
      label: { zh: '提交整改方案', en: 'Submit the plan' },
      style: 'primary',
      form: z.object({
        /** Per problem: the measures the department will take, who is responsible, by when. */
        measures: z.array(z.object({ key: z.string().min(1).max(200), measures: z.string().min(1).max(2000), responsible: z.string().max(100).optional(), by: z.string().max(40).optional() })).min(1),
        comment: z.string().max(2000).optional(),
      }),
    },
    requestExtension: { label: { zh: '申请延期', en: 'Request an extension' }, form: ExtensionForm },
  },
});

export const ReportTask = defineTaskType({
  type: RECTIFICATION_TASKS.report,
  label: { zh: '整改报告', en: 'Rectification report' },
  outcomes: {
    submit: {
      label: { zh: '提交整改报告', en: 'Submit the report' },
      style: 'primary',
      form: z.object({
        /** Per problem: what was done, and the evidence (attachments uploaded to this task). */
        problems: z.array(z.object({ key: z.string().min(1).max(200), done: z.string().min(1).max(4000), attachmentIds: z.array(z.number().int().positive()).max(50).default([]) })).min(1),
        comment: z.string().max(2000).optional(),
      }),
    },
    requestExtension: { label: { zh: '申请延期', en: 'Request an extension' }, form: ExtensionForm },
  },
});

export const SignOffTask = defineTaskType({
  type: RECTIFICATION_TASKS.signOff,
  label: { zh: '整改报告签发', en: 'Rectification report sign-off' },
  outcomes: {
    approve: { label: { zh: '同意报送', en: 'Sign and send' }, style: 'primary', form: z.object({ comment: z.string().max(2000).optional() }) },
    return: { label: { zh: '退回修改', en: 'Return for revision' }, style: 'danger', form: z.object({ comment: Comment }) },
  },
});

export const Verdict = z.enum(['accepted', 'partly', 'returned']);

export const VerifyTask = defineTaskType({
  type: RECTIFICATION_TASKS.verify,
  label: { zh: '整改核验', en: 'Rectification verification' },
  outcomes: {
    verify: {
      label: { zh: '提交核验意见', en: 'Record the verification' },
      style: 'primary',
      form: z.object({
        /** Per problem reported: accepted (closed), partly accepted or returned (another round), with comments. */
        verdicts: z.array(z.object({ key: z.string().min(1).max(200), verdict: Verdict, comment: z.string().max(2000).optional() })).min(1),
        comment: z.string().max(2000).optional(),
      }),
    },
  },
});

export const ExtensionTask = defineTaskType({
  type: RECTIFICATION_TASKS.extension,
  label: { zh: '整改延期申请', en: 'Rectification extension request' },
  outcomes: {
    grant: { label: { zh: '同意延期', en: 'Grant' }, style: 'primary', form: z.object({ days: z.number().int().positive().max(365).optional(), comment: z.string().max(2000).optional() }) },
    refuse: { label: { zh: '不同意延期', en: 'Refuse' }, style: 'danger', form: z.object({ comment: Comment }) },
  },
});

export const AccountabilityTask = defineTaskType({
  type: RECTIFICATION_TASKS.accountability,
  label: { zh: '整改问责', en: 'Accountability case' },
  outcomes: {
    hold: { label: { zh: '启动问责', en: 'Hold to account' }, style: 'danger', form: z.object({ comment: Comment }) },
    waive: { label: { zh: '不予问责', en: 'No accountability' }, form: z.object({ comment: Comment }) },
  },
});
