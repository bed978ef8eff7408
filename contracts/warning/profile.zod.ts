// Warning, verify, then resume, adjust or reclaim (预警核实): its part of the region profile
// (config/regions/<region>/warning.json). Values a seed states carry their file and phrase in the
// file's "$sources"; the rest are ours.
import { z } from 'zod';

/** What happens when the verification (or a decision) is still open at final expiry. Never reclaim automatically. */
export const WarningExpiryAction = z.enum(['stay_suspended_escalate', 'stay_suspended']);
export type WarningExpiryAction = z.infer<typeof WarningExpiryAction>;

/** Who may raise a warning: a monitoring round's rule, a submitted monitoring form's rule, finance by hand. */
export const WarningSource = z.enum(['round', 'form', 'hand']);
export type WarningSource = z.infer<typeof WarningSource>;

const DEFAULTS = {
  raisedBy: ['round', 'form', 'hand'] as WarningSource[],
  verifyDueDays: 10,
  decideDueDays: 5,
  approveDueDays: 5,
  remindDaysBefore: [3, 1],
  escalateAfterDays: 0,
  expiryDaysAfterDue: 5,
  expiryAction: 'stay_suspended_escalate' as const,
  verifierRole: 'competent_reviewer' as const,
  deciderRole: 'finance_performance' as const,
  resumeReasonMinChars: 10,
};

// The roles are among the holders the manifest declares for each task type
// (contracts/warning/manifest.zod.ts): a role outside them would open a task nobody may be handed.
// A reclaim is always approved by a finance director (DOMAIN, ours) and escalations go to the
// department's head (competent_head) and finance's division head (division_head): fixed, not profile values.
export const WarningProfile = z
  .object({
    /**
     * Who raises warnings in this region. A region whose rounds push deviations to rectification
     * instead (monitoring.response 'rectification', Xinjiang 003) leaves out 'round' and 'form'. *(ours by default)*
     */
    raisedBy: z.array(WarningSource).min(1).default(DEFAULTS.raisedBy),
    /** Days the competent department has to verify and propose. *(ours)* */
    verifyDueDays: z.number().int().min(1).max(365).default(DEFAULTS.verifyDueDays),
    /** Days finance has to decide on a proposal (and on a refusal by the finance system). *(ours)* */
    decideDueDays: z.number().int().min(1).max(365).default(DEFAULTS.decideDueDays),
    /** Days a finance director has to approve a reclaim. *(ours)* */
    approveDueDays: z.number().int().min(1).max(365).default(DEFAULTS.approveDueDays),
    /** Reminders this many days before each deadline (verification, decision, reclaim approval). *(ours)* */
    remindDaysBefore: z.array(z.number().int().min(0).max(365)).default(DEFAULTS.remindDaysBefore),
    /**
     * Days after a missed deadline until the task escalates: the verification to the department's
     * head, the decision and a refusal to finance's division head, a reclaim approval to every
     * finance director (no one below a director may approve it). *(ours)*
     */
    escalateAfterDays: z.number().int().min(0).max(365).default(DEFAULTS.escalateAfterDays),
    /** Days after a missed deadline until final expiry (the department head and finance told). *(ours)* */
    expiryDaysAfterDue: z.number().int().min(0).max(365).default(DEFAULTS.expiryDaysAfterDue),
    /** Final expiry action; default stay suspended and escalate. *(ours)* */
    expiryAction: WarningExpiryAction.default(DEFAULTS.expiryAction),
    /** Who verifies: a role of the competent department (000: 主管部门予以跟进核实). */
    verifierRole: z.enum(['competent_reviewer', 'competent_head']).default(DEFAULTS.verifierRole),
    /** Who decides: finance's performance division, or its business division (业务处室, DOMAIN: fund adjustments). *(ours)* */
    deciderRole: z.enum(['finance_performance', 'finance_business']).default(DEFAULTS.deciderRole),
    /** A resume proposal needs a justified reason of at least this many characters (002: 无正当理由 → 暂缓或停止). *(ours)* */
    resumeReasonMinChars: z.number().int().min(1).max(2000).default(DEFAULTS.resumeReasonMinChars),
  })
  .default(DEFAULTS);
export type WarningProfile = z.infer<typeof WarningProfile>;
