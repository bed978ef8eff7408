// Warning, verify, then resume, adjust or reclaim (预警核实): its part of the region profile
// (config/regions/<region>/warning.json, optional). Values a seed states carry their file and
// phrase in the file's "$sources"; the rest are ours.
import { z } from 'zod';

/** What happens when the verification (or a decision) is still open at final expiry. Never reclaim automatically. */
export const WarningExpiryAction = z.enum(['stay_suspended_escalate', 'stay_suspended']);
export type WarningExpiryAction = z.infer<typeof WarningExpiryAction>;

export const WarningProfile = z
  .object({
    /** Days the competent department has to verify and propose. *(ours)* */
    verifyDueDays: z.number().int().min(1).max(365).default(10),
    /** Days finance has to decide on a proposal. *(ours)* */
    decideDueDays: z.number().int().min(1).max(365).default(5),
    /** Reminders this many days before a deadline. *(ours)* */
    remindDaysBefore: z.array(z.number().int().min(0).max(365)).default([3, 1]),
    /** Days after a missed deadline until final expiry (after escalation to the head and finance). *(ours)* */
    expiryDaysAfterDue: z.number().int().min(0).max(365).default(5),
    /** Final expiry action; default stay suspended and escalate. *(ours)* */
    expiryAction: WarningExpiryAction.default('stay_suspended_escalate'),
    /** Who verifies: the competent department's reviewer group role. *(ours)* */
    verifierRole: z.string().min(1).default('competent_reviewer'),
    /** Who decides: finance's performance division. *(ours)* */
    deciderRole: z.string().min(1).default('finance_performance'),
    /** Who approves a reclaim: a finance director, never the verifier. *(ours)* */
    reclaimApproverRole: z.string().min(1).default('finance_director'),
    /** A resume proposal needs a justified reason of at least this many characters (002: 无正当理由 → 暂缓或停止). *(ours)* */
    resumeReasonMinChars: z.number().int().min(1).max(2000).default(10),
  })
  .default({
    verifyDueDays: 10,
    decideDueDays: 5,
    remindDaysBefore: [3, 1],
    expiryDaysAfterDue: 5,
    expiryAction: 'stay_suspended_escalate',
    verifierRole: 'competent_reviewer',
    deciderRole: 'finance_performance',
    reclaimApproverRole: 'finance_director',
    resumeReasonMinChars: 10,
  });
export type WarningProfile = z.infer<typeof WarningProfile>;
