// Warning, verify, then resume, adjust or reclaim (预警核实), read top to bottom (000, 002):
// payments stop at once; the competent department verifies and proposes; finance decides; money moves
// only by that decision, exactly once (finance calls keyed `<workflowId>/<step>`); a reclaim needs a
// finance director who did not verify; a refusal by the finance system gives a person a task.
// Every task has its deadline, reminders and escalation from the profile; an adjustment's new targets
// become the project's next target version in the finance system (what later rounds and the evaluation read).
import { ActivityFailure, ApplicationFailure, condition, defineQuery, defineSignal, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { FinanceActivities } from '../../activities/finance';
import { SA } from '../../contracts/searchAttributes';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { ProjectRef, TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { warning as manifest } from '../../contracts/warning/manifest.zod';
import { WARNING_SCHEMAS, WARNING_TYPES } from '../../contracts/warning/schemas';
import { WARNING_TASKS, WARNING_TRIGGER_SIGNAL } from '../../contracts/warning/names';
import type { WarningInput, WarningTrigger } from '../../contracts/warning/trigger.zod';
import type { WarningProfile } from '../../contracts/warning/profile.zod';
import { TaskBoard } from '../humanTask';
import { COMMITTED_PROJECTION, ANSWER_CARRIES_PROJECTION } from '../humanTask/outbox';
import { generation } from '../generation';
import { warningRaiseUpdate, type WarningRaised } from '../../contracts/warning/messages';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
const DAY = 24 * 60 * 60 * 1000;
/** A reclaim is approved by a finance director (the manifest's holders of warning.approveReclaim). */
const RECLAIM_APPROVERS = 'finance_director@FIN';

/** Retried through outages (idempotent by key); a business refusal (422) is not retried. */
const finance = proxyActivities<FinanceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * The suspension at once: a local activity, run in the workflow task that starts the warning (no
 * round trip through the server's activity queue). Safe for money: a worker dying before the task is
 * recorded runs it again under the same key, and the finance system answers that key once.
 */
const financeAtOnce = proxyLocalActivities<FinanceActivities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

const SUSPEND_AT_ONCE = 'jixiao.warning.suspend-at-once';
const APPROVAL_DEADLINES = 'jixiao.warning.approval-deadlines';
const REVISE_TARGETS = 'jixiao.warning.revise-targets';
/**
 * A warning started under this generation has every patch before it in effect with one marker (see
 * workflows/generation.ts): its first workflow task upserted TemporalChangeVersion three times before.
 * Under it, a warning whose payments the raiser stopped publishes its stage once, at verification.
 */
export const WARNING_GENERATION_2 = 'jixiao.warning.generation-2';

export const warningTriggerSignal = defineSignal<[WarningTrigger]>(WARNING_TRIGGER_SIGNAL);

export type WarningConclusion = 'resumed' | 'adjusted' | 'reclaimed' | 'staySuspended';
export type WarningStage = 'suspending' | 'verification' | 'decision' | 'reclaimApproval' | 'moving' | 'refused' | 'expired' | 'done';

export interface TimelineEntry {
  at: string;
  kind: 'trigger' | 'suspension' | 'verification' | 'refusal' | 'decision' | 'approval' | 'money' | 'financeRefused' | 'reminder' | 'expiry';
  by: string;
  detail: Record<string, unknown>;
}

export interface WarningStatus {
  workflowId: string;
  stage: WarningStage;
  project: WarningTrigger['project'];
  year: number;
  triggers: WarningTrigger[];
  suspendedAt: string | null;
  /** Trigger → suspension, ms. */
  suspensionMs: number | null;
  verifiedBy: string | null;
  proposal: { outcome: string; form: Record<string, unknown> } | null;
  conclusion: WarningConclusion | null;
  /** Adjusted targets, for later rounds and the evaluation. */
  adjustedTargets: unknown[] | null;
  /** The finance system's target version the adjustment made (null: none made). */
  targetsVersion: number | null;
  timeline: TimelineEntry[];
}

export const warningStatusQuery = defineQuery<WarningStatus>('warning.status');

export interface WarningResult {
  conclusion: WarningConclusion;
  suspensionMs: number | null;
  ledgerSteps: string[];
}

const zh = (type: string): string => WARNING_TYPES[type].label.zh;

/** The failure a finance activity ended with: the business rule's name when the system refused. */
function refusalOf(e: unknown): { type: string; message: string } | null {
  const cause = e instanceof ActivityFailure ? e.cause : e;
  if (cause instanceof ApplicationFailure && cause.nonRetryable && cause.type) return { type: cause.type, message: cause.message };
  return null;
}

export async function warning(rawInput: WarningInput): Promise<WarningResult> {
  const parsed = check<WarningInput>(WARNING_SCHEMAS.WarningInput, rawInput);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const gen = generation(WARNING_GENERATION_2, [COMMITTED_PROJECTION, ANSWER_CARRIES_PROJECTION, SUSPEND_AT_ONCE, APPROVAL_DEADLINES, REVISE_TARGETS]);
  const patched = gen.patched;
  const profile: WarningProfile = input.profile;
  // a region whose rounds push deviations to rectification (Xinjiang, 003) raises no warning from them
  if (!profile.raisedBy.includes(input.trigger.source)) {
    throw ApplicationFailure.nonRetryable(`trigger.source: this region raises warnings by ${profile.raisedBy.join(', ')} only, not by ${input.trigger.source}`, 'NotRaisedHere');
  }
  const day = input.dayMs ?? DAY;
  /** Reminders before a deadline of dueMs, from the profile. */
  const remindersFor = (dueMs: number): number[] => profile.remindDaysBefore.map((d) => d * day).filter((ms) => ms > 0 && ms < dueMs);
  const escalateAfterMs = (profile.escalateAfterDays ?? 0) * day;
  const FINANCE_HEAD = 'division_head@FIN';
  const wfId = workflowInfo().workflowId;
  const t0 = input.trigger;
  const board = new TaskBoard<Tasks>({ process: 'warning', types: WARNING_TYPES, urgeWindowMs: input.urgeWindowMs, patched });
  const now = (): string => new Date(Date.now()).toISOString();
  const ledgerSteps: string[] = [];

  const status: WarningStatus = {
    workflowId: wfId,
    stage: 'suspending',
    project: t0.project,
    year: t0.year,
    triggers: [t0],
    suspendedAt: null,
    suspensionMs: null,
    verifiedBy: null,
    proposal: null,
    conclusion: null,
    adjustedTargets: null,
    targetsVersion: null,
    timeline: [{ at: t0.triggeredAt, kind: 'trigger', by: t0.triggeredBy, detail: { source: t0.source, ref: t0.ref ?? null, trace: t0.trace } }],
  };
  setHandler(warningStatusQuery, () => status);
  // One open warning per project: a second trigger attaches here, with its own trace.
  const attach = (t: WarningTrigger): boolean => {
    // the start delivers the starting trigger as a signal (or raise) too: the same trigger attaches once
    if (status.triggers.some((x) => x.triggeredAt === t.triggeredAt && x.triggeredBy === t.triggeredBy && x.trace.rule.id === t.trace.rule.id)) return false;
    if (!profile.raisedBy.includes(t.source)) return false; // as at the start: not a source this region warns from
    status.triggers.push(t);
    status.timeline.push({ at: t.triggeredAt, kind: 'trigger', by: t.triggeredBy, detail: { source: t.source, ref: t.ref ?? null, trace: t.trace, attached: true } });
    board.record({ actorId: t.triggeredBy, actorName: t.triggeredBy, action: 'warning.attached', projectId: t.project.id, detail: { trace: t.trace, source: t.source } });
    return true;
  };
  setHandler(warningTriggerSignal, (t: WarningTrigger) => void attach(t));
  // A raiser's start (update-with-start): the answer carries the first inbox rows, which the raiser
  // writes and, its activity retried, writes again under the same Update id. A new warning thus needs
  // no projection activity, nor the workflow task its completion brings. The hold comes first, in the
  // handler's synchronous step: the outbox's loop must not take the rows from under the answer.
  setHandler(
    warningRaiseUpdate,
    async (t: WarningTrigger): Promise<WarningRaised> => {
      board.holdProjection();
      const attached = attach(t);
      await condition(() => status.stage !== 'suspending'); // a new warning: its verification asked
      const projection = board.handOver();
      return { workflowId: wfId, attached, ...(projection ? { projection } : {}) };
    },
    {
      validator: (t: WarningTrigger) => {
        const c = check<WarningTrigger>(WARNING_SCHEMAS.WarningTrigger, t);
        if (!c.ok) throw ApplicationFailure.nonRetryable(describeIssues(c.issues), 'InvalidInput');
        if (t.project.id !== t0.project.id || t.year !== t0.year) throw ApplicationFailure.nonRetryable(`trigger.project: this is the warning of ${t0.project.id} in ${t0.year}`, 'InvalidInput');
      },
    },
  );

  const project = (): ProjectRef => ({ id: t0.project.id, name: t0.project.name, code: t0.project.id, deptId: t0.project.deptId, unitId: t0.project.unitId, amountFen: t0.project.amountFen ?? 0 });
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'warning' },
      { key: SA.JixiaoProjectId, value: t0.project.id },
      { key: SA.JixiaoDeptId, value: t0.project.deptId },
      { key: SA.JixiaoUnitId, value: t0.project.unitId },
      { key: SA.JixiaoStage, value: status.stage },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({
      projectId: t0.project.id,
      projectName: t0.project.name,
      deptId: t0.project.deptId,
      unitId: t0.project.unitId,
      stage: status.stage,
      status: status.stage === 'done' ? 'completed' : 'running',
      startedBy: t0.triggeredBy,
      summary: { year: t0.year, conclusion: status.conclusion, suspendedAt: status.suspendedAt, suspensionMs: status.suspensionMs, triggers: status.triggers.length },
    });
  };
  // stopped by the raiser: the stage goes to verification in this same task, published then
  if (!(gen.current && input.suspended)) publish();
  board.record({ actorId: t0.triggeredBy, actorName: t0.triggeredBy, action: 'warning.triggered', projectId: t0.project.id, detail: { trace: t0.trace, source: t0.source } });

  /**
   * One money movement through the finance boundary, keyed `<workflowId>/<step>`: retried through
   * outages; a refusal (422) opens a task for finance (retry with a new key, or leave it suspended).
   */
  async function move<R>(step: string, call: (step: string) => Promise<R>, alreadyDone?: string): Promise<R | 'done' | 'stay'> {
    for (let attempt = 0; ; attempt++) {
      const key = attempt === 0 ? step : `${step}-retry${attempt}`;
      try {
        const r = await call(key);
        ledgerSteps.push(key);
        status.timeline.push({ at: now(), kind: 'money', by: 'system', detail: { step: key, result: r as unknown } });
        board.record({ actorId: 'system', actorName: '系统', action: `warning.${step}`, projectId: t0.project.id, detail: { key: `${wfId}/${key}` } });
        return r;
      } catch (e) {
        const refusal = refusalOf(e);
        if (!refusal) throw e;
        if (alreadyDone && refusal.type === alreadyDone) {
          status.timeline.push({ at: now(), kind: 'money', by: 'system', detail: { step: key, alreadyInPlace: refusal.type } });
          return 'done';
        }
        const before = status.stage;
        status.stage = 'refused';
        status.timeline.push({ at: now(), kind: 'financeRefused', by: 'finance', detail: { step: key, rule: refusal.type, message: refusal.message } });
        publish();
        const r = await board.ask({
          key: `refused-${key}`,
          type: WARNING_TASKS.financeRefused,
          title: `${zh(WARNING_TASKS.financeRefused)}：${t0.project.name}`,
          project: project(),
          candidateGroups: [`${profile.deciderRole}@FIN`],
          dueInMs: profile.decideDueDays * day,
          ...(patched(APPROVAL_DEADLINES)
            ? { remindBeforeMs: remindersFor(profile.decideDueDays * day), escalation: { afterMs: escalateAfterMs, to: { group: FINANCE_HEAD }, lateDecision: 'allow' as const } }
            : {}),
          context: { step, rule: refusal.type, message: refusal.message },
        });
        status.stage = before;
        publish();
        if (r.outcome !== 'retry') {
          status.timeline.push({ at: now(), kind: 'decision', by: r.decidedBy, detail: { step, leftSuspended: true, comment: r.comment ?? null } });
          return 'stay';
        }
      }
    }
  }

  // 1. Payments stop at once.
  const atOnce = patched(SUSPEND_AT_ONCE);
  // stopped already by the process that raised it, at detection (its key on the ledger): recorded, not repeated
  const before = input.suspended;
  if (before) {
    ledgerSteps.push(before.key);
    status.timeline.push({ at: before.at, kind: 'money', by: 'system', detail: { step: 'suspend', key: before.key, ledgerSeq: before.ledgerSeq, byRaiser: true } });
    board.record({ actorId: 'system', actorName: '系统', action: 'warning.suspend', projectId: t0.project.id, detail: { key: before.key, ledgerSeq: before.ledgerSeq, byRaiser: true } });
  }
  const suspended = before
    ? null
    : await move('suspend', (step) => (atOnce ? financeAtOnce : finance).financeSuspendPayments({ step, projectId: t0.project.id, reason: `预警：${t0.trace.rule.label}`, ref: wfId }), 'ALREADY_SUSPENDED');
  // when: the ledger's time (a local activity's retries all fall in one workflow task, whose clock stands still)
  const ledgerAt = before ? before.at : atOnce && typeof suspended === 'object' && suspended !== null ? suspended.at : null;
  status.suspendedAt = ledgerAt ?? now();
  status.suspensionMs = Date.parse(status.suspendedAt) - Date.parse(t0.triggeredAt);
  status.timeline.push({ at: status.suspendedAt, kind: 'suspension', by: 'system', detail: { suspensionMs: status.suspensionMs, applied: suspended !== 'done' && suspended !== 'stay' } });
  board.notify({ kind: 'notice', to: [`unit_head@${t0.project.unitId}`, `competent_head@${t0.project.deptId}`], title: `项目预警，暂停支付：${t0.project.name}`, projectName: t0.project.name, reason: t0.trace.rule.label });

  let returnComment: string | null = null;
  let round = 0;
  for (;;) {
    // 2. The competent department verifies and proposes.
    round++;
    status.stage = 'verification';
    publish();
    const dueMs = profile.verifyDueDays * day;
    const lastComment: string | null = returnComment;
    const verifyAsk: Promise<TaskResultOf<Tasks, typeof WARNING_TASKS.verify, 'returned'>> = board.ask({
      key: `verify-${round}`,
      type: WARNING_TASKS.verify,
      title: `${zh(WARNING_TASKS.verify)}：${t0.project.name}`,
      project: project(),
      candidateGroups: [`${profile.verifierRole}@${t0.project.deptId}`],
      dueInMs: dueMs,
      remindBeforeMs: remindersFor(dueMs),
      escalation: { afterMs: escalateAfterMs, to: { group: `competent_head@${t0.project.deptId}` }, lateDecision: 'allow' },
      context: { triggers: status.triggers, returnComment: lastComment, round, resumeReasonMinChars: profile.resumeReasonMinChars },
      notifySubmitter: false,
    });
    const v: TaskResultOf<Tasks, typeof WARNING_TASKS.verify, 'returned'> = await untilExpiry(verifyAsk, dueMs);
    if (v.outcome === 'returned') {
      returnComment = v.comment ?? null;
      continue;
    }
    status.verifiedBy = v.decidedBy;
    status.proposal = { outcome: v.outcome, form: v.form as Record<string, unknown> };
    status.timeline.push({ at: now(), kind: 'verification', by: v.decidedBy, detail: { proposal: v.outcome, form: v.form } });
    if (v.outcome === 'resume' && v.form.justification.trim().length < profile.resumeReasonMinChars) {
      // 002: a deviation without a justified reason is suspended or stopped — no resume without one.
      returnComment = `恢复支付须说明正当理由（至少 ${profile.resumeReasonMinChars} 字）`;
      status.timeline.push({ at: now(), kind: 'refusal', by: 'system', detail: { reason: returnComment } });
      board.record({ actorId: 'system', actorName: '系统', action: 'warning.resumeRefused', projectId: t0.project.id, reason: returnComment });
      continue;
    }

    // 3. Finance decides (not the verifier).
    status.stage = 'decision';
    publish();
    const decideMs = profile.decideDueDays * day;
    const d = await untilExpiry(
      board.ask({
        key: `decide-${round}`,
        type: WARNING_TASKS.decide,
        title: `${zh(WARNING_TASKS.decide)}：${t0.project.name}`,
        project: project(),
        candidateGroups: [`${profile.deciderRole}@FIN`],
        excludeUsers: [v.decidedBy],
        dueInMs: decideMs,
        remindBeforeMs: remindersFor(decideMs),
        escalation: { afterMs: escalateAfterMs, to: { group: FINANCE_HEAD }, lateDecision: 'allow' },
        context: { proposal: status.proposal, verifiedBy: v.decidedBy, triggers: status.triggers },
      }),
      decideMs,
    );
    status.timeline.push({ at: now(), kind: 'decision', by: d.decidedBy, detail: { outcome: d.outcome, comment: d.comment ?? null } });
    if (d.outcome === 'reject' || d.outcome === 'returned') {
      returnComment = (d.outcome === 'reject' ? d.form.comment : d.comment) ?? '退回';
      continue; // back to the department with comments
    }

    status.stage = 'moving';
    publish();
    if (v.outcome === 'resume') {
      const r = await move('resume', (step) => finance.financeResumePayments({ step, projectId: t0.project.id, reason: v.form.justification.slice(0, 500), ref: wfId }), 'NOT_SUSPENDED');
      return finish(r === 'stay' ? 'staySuspended' : 'resumed');
    }
    if (v.outcome === 'adjust') {
      const f = v.form;
      if (f.deltaFen !== undefined && f.deltaFen !== 0) {
        const delta = f.deltaFen;
        const a = await move('adjust', (step) => finance.financeAdjustBudget({ step, projectId: t0.project.id, deltaFen: delta, reason: f.adjustReason.slice(0, 500), ref: wfId }));
        if (a === 'stay') return finish('staySuspended');
      }
      status.adjustedTargets = f.newTargets;
      if (f.newTargets.length && patched(REVISE_TARGETS)) {
        // the adjusted targets become the project's next version in the finance system (002: 调整绩效目标)
        const indicators = f.newTargets;
        const t = await move('targets', (step) =>
          finance.financeReviseTargets({ step, projectId: t0.project.id, year: t0.year, indicators, reason: f.adjustReason.slice(0, 2000), source: 'warning', by: d.decidedBy, ref: wfId }),
        );
        if (t === 'stay') return finish('staySuspended');
        if (t !== 'done') status.targetsVersion = t.version;
      }
      const r = await move('resume', (step) => finance.financeResumePayments({ step, projectId: t0.project.id, reason: f.adjustReason.slice(0, 500), ref: wfId }), 'NOT_SUSPENDED');
      return finish(r === 'stay' ? 'staySuspended' : 'adjusted');
    }
    // reclaim: a finance director who is not the verifier approves
    status.stage = 'reclaimApproval';
    publish();
    const approvalDeadlines = patched(APPROVAL_DEADLINES);
    const approveMs = approvalDeadlines ? (profile.approveDueDays ?? profile.decideDueDays) * day : decideMs;
    const approveAsk = board.ask({
      key: `approveReclaim-${round}`,
      type: WARNING_TASKS.approveReclaim,
      title: `${zh(WARNING_TASKS.approveReclaim)}：${t0.project.name}`,
      project: project(),
      candidateGroups: [RECLAIM_APPROVERS],
      excludeUsers: [v.decidedBy],
      dueInMs: approveMs,
      // no one below a director approves a reclaim: an overdue approval escalates to every director
      ...(approvalDeadlines ? { remindBeforeMs: remindersFor(approveMs), escalation: { afterMs: escalateAfterMs, to: { group: RECLAIM_APPROVERS }, lateDecision: 'allow' as const } } : {}),
      context: { proposal: status.proposal, verifiedBy: v.decidedBy, decidedBy: d.decidedBy },
    });
    const ap = approvalDeadlines ? await untilExpiry(approveAsk, approveMs) : await approveAsk;
    status.timeline.push({ at: now(), kind: 'approval', by: ap.decidedBy, detail: { outcome: ap.outcome, comment: ap.comment ?? null } });
    if (ap.outcome === 'reject' || ap.outcome === 'returned') {
      returnComment = (ap.outcome === 'reject' ? ap.form.comment : ap.comment) ?? '收回未获批准';
      continue;
    }
    status.stage = 'moving';
    publish();
    const amountFen = v.form.amountFen;
    const r = await move('reclaim', (step) => finance.financeReclaimFunds({ step, projectId: t0.project.id, ...(amountFen ? { amountFen } : {}), reason: v.form.reasons.slice(0, 500), ref: wfId }));
    return finish(r === 'stay' ? 'staySuspended' : 'reclaimed'); // the project stays suspended
  }

  /**
   * Waits for a task; at final expiry (due + expiryDaysAfterDue) takes the profile's action — by
   * default stays suspended and escalates to finance — and keeps waiting: never reclaims by itself.
   */
  async function untilExpiry<T>(task: Promise<T>, dueMs: number): Promise<T> {
    let result: T | undefined;
    let done = false;
    void task.then((r) => {
      result = r;
      done = true;
    });
    const expired = !(await condition(() => done, dueMs + profile.expiryDaysAfterDue * day));
    if (expired) {
      const before = status.stage;
      status.stage = 'expired';
      status.timeline.push({ at: now(), kind: 'expiry', by: 'system', detail: { action: profile.expiryAction, stage: before } });
      board.record({ actorId: 'system', actorName: '系统', action: 'warning.expired', projectId: t0.project.id, detail: { action: profile.expiryAction, stage: before } });
      if (profile.expiryAction === 'stay_suspended_escalate') {
        board.notify({ kind: 'escalated', to: [`division_head@FIN`, `competent_head@${t0.project.deptId}`], title: `预警逾期未处理，保持暂停：${t0.project.name}`, projectName: t0.project.name, reason: before });
      }
      publish();
      await condition(() => done);
      status.stage = before;
    }
    return result as T;
  }

  async function finish(conclusion: WarningConclusion): Promise<WarningResult> {
    status.conclusion = conclusion;
    status.stage = 'done';
    publish();
    board.record({ actorId: 'system', actorName: '系统', action: 'warning.concluded', projectId: t0.project.id, detail: { conclusion, ledgerSteps } });
    await board.drain();
    return { conclusion, suspensionMs: status.suspensionMs, ledgerSteps };
  }
}
