// A batch of a department's projects in a round (at most settings.batchSize, so every history and
// payload stays small), read top to bottom: the data rule is evaluated on finance's execution at the
// cut-off as the batch opens, and a deviation gets the region's response at once (a warning never waits
// for the form); each project's monitoring form (监控表) opens in its unit's inbox with the data filled
// in, due in working days, with reminders and escalation; a submitted form is evaluated on the form
// rules, reasons and measures are required when behind, and the department reviews it and may return
// it. From the form a unit may instead ask for a target adjustment (002): finance approves it (a new
// version of the targets in the finance system, which the form then shows) or refuses it. A form still
// open after the escalation is flagged overdue (working days on the region's calendar); at the round's
// close it is closed as not submitted. Every project's result is stored for the evaluation stage. A
// batch whose history grows long continues as new with its open tasks and each project's state; one
// superseded (finance re-ran its department) closes its open tasks and ends; one told the round is
// cancelled, or that its department failed, closes them as cancelled, confirms and ends. A batch that
// fails for good closes its open forms and tells its department why before failing; one cancelled by a
// Temporal cancellation request of its own (its board and the warnings it starts are shielded from it)
// closes them as cancelled, tells its department (which fails with it) and ends cancelled.
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  defineSignal,
  isCancellation,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import type { FinanceActivities } from '../../activities/finance';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES, MONITORING_TYPES_BEFORE_REASON_BOUND } from '../../contracts/monitoring/schemas';
import { ADJUSTMENT_KINDS, revisionReason } from '../../contracts/monitoring/adjustment';
import { BATCH_DONE_SIGNAL, BATCH_FAILED_SIGNAL, MONITORING_RESULT_RECORD, MONITORING_TASKS, STOPPED_SIGNAL, SUPERSEDED_SIGNAL } from '../../contracts/monitoring/names';
import type { MonitoringBatchInput, MonitoringForm, ProjectResult, RoundProject, RoundSettings, RoundTotals, RuleHit, StopRequest, TargetAdjustmentRequest } from '../../contracts/monitoring/round.zod';
import type { BatchFailed, PartStopped } from '../../contracts/monitoring/messages';
import { emptyTotals, executionLagHit, formHits, isBehind, missingReasons, timeProgressBp } from '../../contracts/monitoring/rules';
import { shanghaiDate, workingDays } from '../../contracts/calendar';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { monitoring as manifest } from '../../contracts/monitoring/manifest.zod';
import { TaskBoard, type BoardSnapshot } from '../humanTask';
import { WARNINGS_BY_ACTIVITY, WARNINGS_START_APART, pushToRectification, suspendThenStart, warn, warnAll } from './respond';
import { CANCEL_REQUEST_NOTE, PART_CANCEL_REQUEST, REPORT_FAILURES, ROUND_CANCEL, closedWhy, failsForGood, reasonOf } from './failures';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;

const { monitoringSaveResults } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });
const { financeReviseTargets } = proxyActivities<FinanceActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });

type Parsed = { settings: RoundSettings; round: string; deptId: string; batch: number; projects: RoundProject[]; restore?: Carried };

/** Where one project's monitoring stands: the task it waits on and what the next one needs. */
interface Loop {
  phase: 'form' | 'review' | 'adjust';
  rev: number;
  returnReason: string | null;
  /** The task awaited now (after a restore: the one to resume). */
  key: string | null;
  submittedBy: string | null;
  request: TargetAdjustmentRequest | null;
  /** The project's targets after an approved adjustment in this round. */
  targets: RoundProject['targets'] | null;
}

/** What a batch carries across continue-as-new. */
interface Carried {
  board: BoardSnapshot;
  results: ProjectResult[];
  loops: Array<[string, Loop]>;
  running: string[];
  started: number;
  flagged: boolean;
  hits: Array<[string, RuleHit]>;
  runs: number;
  /** Results ride the board's writes (absent: a run from before, which saved them by activity). */
  resultsRide?: boolean;
  /** Reminders in working days (absent: a run from before, in 24-hour days). */
  workingReminders?: boolean;
  /** Units heard of their first forms in one digest (absent: a run from before, one mail per form). */
  unitDigest?: boolean;
  /** A stop that arrived while this run handed over: the next run acts on it at once. */
  stop?: StopRequest;
  /** The adjustment's reason is bounded to fit the finance system (absent: a run from before, which validates the looser form). */
  reasonBound?: boolean;
  /** Its board and responses are shielded from a Temporal cancellation request, which it cleans up after (absent: a run from before). */
  cancelAware?: boolean;
}

const superseded = defineSignal<[StopRequest]>(SUPERSEDED_SIGNAL);

/** The form's adjustment reason is bounded so that "<kind>：<reason>" fits the finance system (contracts/monitoring/adjustment.ts). */
const REASON_BOUND = 'jixiao.monitoring.adjustment-reason-bound';

/** Items by their unit, in the order they first appear. */
function byUnit<T>(items: T[], unitOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const list = out.get(unitOf(it));
    if (list) list.push(it);
    else out.set(unitOf(it), [it]);
  }
  return out;
}

/** What the batch's body leaves for its ending: its board, and how it cleans up after a cancellation request. */
interface Held {
  board: TaskBoard<Tasks> | null;
  /** Closes the open forms and tells whoever waits, after a Temporal cancellation request (null: a batch from before). */
  onCancel: (() => Promise<void>) | null;
}

export async function monitoringBatch(raw: MonitoringBatchInput): Promise<RoundTotals> {
  const held: Held = { board: null, onCancel: null };
  try {
    return await runBatch(raw, held);
  } catch (e) {
    // a Temporal cancellation request of this batch (the UI, the CLI): its open forms close as cancelled,
    // its department hears it (a part the round then shows failed) or whoever asked it to stop does, and
    // it ends cancelled
    const onCancel = held.onCancel;
    if (isCancellation(e) && onCancel) {
      await CancellationScope.nonCancellable(onCancel);
      throw e;
    }
    if (!failsForGood(e) || !patched(REPORT_FAILURES)) throw e;
    // failed for good: its open forms close (nothing could decide them any more) and its department
    // hears why before this fails; finance's re-run of the department opens them again
    const reason = reasonOf(e);
    const board = held.board;
    if (board) {
      for (const key of board.openKeys()) board.cancel(key, `监控批次处理失败：${reason}`);
      await board.drain();
    }
    const parent = workflowInfo().parent;
    const failed: BatchFailed = { batch: typeof raw?.batch === 'number' ? raw.batch : -1, workflowId: workflowInfo().workflowId, reason };
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(BATCH_FAILED_SIGNAL, failed).catch(() => undefined);
    throw e;
  }
}

async function runBatch(raw: MonitoringBatchInput, held: Held): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringBatchInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const { settings: s, round, projects } = parsed.value;
  const me = { deptId: parsed.value.deptId, batch: parsed.value.batch };
  const carried = parsed.value.restore;
  const profile = s.profile;
  const batchId = workflowInfo().workflowId;
  // a batch from before the adjustment's reason was bounded keeps its looser form: its board re-checks
  // the moves it accepted when they replay (the API refuses a longer reason for every batch)
  const reasonBound = carried ? carried.reasonBound === true : patched(REASON_BOUND);
  // a Temporal cancellation request of the batch is cleaned up after: the board's writes and timers, and
  // the warnings and rectifications it starts, are shielded from it (a warning already raised stays)
  const cancelAware = carried ? carried.cancelAware === true : patched(PART_CANCEL_REQUEST);
  const shield = <T>(fn: () => Promise<T>): Promise<T> => (cancelAware ? CancellationScope.nonCancellable(fn) : fn());
  const boardOptions = { process: 'monitoring', types: reasonBound ? MONITORING_TYPES : MONITORING_TYPES_BEFORE_REASON_BOUND, calendar: s.calendar, urgeWindowMs: s.urgeWindowMs, restore: carried?.board };
  let made: TaskBoard<Tasks> | null = null;
  void shield(async () => void (made = new TaskBoard<Tasks>(boardOptions)));
  const board = made as unknown as TaskBoard<Tasks>;
  held.board = board;
  let stop: StopRequest | null = carried?.stop ?? null;
  const tp = timeProgressBp(s.year, s.cutoff);
  const openedAt = new Date(Date.now()).toISOString();
  const day = s.dayMs;
  const dueWorkingDays = profile.rounds.find((r) => r.cutoff === s.cutoff)?.dueWorkingDays ?? profile.rounds[0].dueWorkingDays;
  const dueMs = s.formDueMs;
  // Deadlines in working days on the region's calendar (review due, escalation, overdue, close); tests
  // that shorten the form's due date (formDueMs) keep their relative durations.
  const onCalendar = !dueMs && (carried ? true : patched('jixiao.monitoring.working-days'));
  const canContinue = carried ? true : patched('jixiao.monitoring.batch-continue-as-new');

  const results = new Map<string, ProjectResult>();
  const dirty = new Set<string>();
  if (carried) {
    for (const r of carried.results) results.set(r.projectId, r);
  } else {
    for (const p of projects) {
      results.set(p.id, {
        round, projectId: p.id, projectName: p.name, deptId: p.deptId, unitId: p.unitId, transferId: p.transferId, batchId,
        stage: 'form', overdue: false, availableFen: p.availableFen, paidFen: p.paidFen, executionRateBp: p.executionRateBp,
        timeProgressBp: tp, form: null, hits: [], responseRef: null, version: Date.now(),
      });
    }
  }
  // a result rides the board's next write (an Update's answer, or its projection) instead of an activity of its own
  const rides = carried ? carried.resultsRide === true : patched('jixiao.monitoring.results-ride-projection');
  const touch = (id: string, change: Partial<ProjectResult>) => {
    const r = results.get(id) as ProjectResult;
    Object.assign(r, change, { version: Date.now() });
    if (rides) board.keep(MONITORING_RESULT_RECORD, id, r);
    else dirty.add(id);
  };
  const save = async () => {
    const rows = [...dirty].map((id) => results.get(id) as ProjectResult);
    dirty.clear();
    for (let i = 0; i < rows.length; i += 100) await monitoringSaveResults(rows.slice(i, i + 100));
  };
  if (cancelAware) {
    held.onCancel = async () => {
      // asked to stop already (the round cancelled, the department failed or was cancelled): that cleanup, confirmed to whoever asked
      const asked = stop?.reason === 'cancelled' ? stop : null;
      const totals = await closeForms(asked ?? { by: 'temporal', byName: 'Temporal', reason: 'cancelled', kind: 'batchCancelled', note: CANCEL_REQUEST_NOTE });
      if (asked?.replyTo) return await confirm(asked.replyTo, totals);
      // else its department hears it as a batch that ended for good: it fails with it and the round shows it
      const parent = workflowInfo().parent;
      const failed: BatchFailed = { batch: me.batch, workflowId: batchId, reason: `监控批次已取消，其监控表已关闭：${CANCEL_REQUEST_NOTE}`, cancelled: true };
      if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(BATCH_FAILED_SIGNAL, failed).catch(() => undefined);
    };
  }
  /** Monitoring loops doing something other than waiting for a person (continue-as-new waits for none). */
  let busy = 0;
  const working = async <T>(fn: () => Promise<T>): Promise<T> => {
    busy++;
    try {
      return await fn();
    } finally {
      busy--;
    }
  };

  // 1. The data rule on finance's execution at the cut-off, and the region's response at once.
  const hits = new Map<string, RuleHit>(carried?.hits ?? []);
  if (!carried) {
    for (const p of projects) {
      const h = executionLagHit(p, tp, profile, openedAt);
      if (h) hits.set(p.id, h);
    }
  }
  /** A project's loop that failed (a refused finance call), or a warnings' start refused for good: the batch fails with it, never closes as if done. */
  let fatal: unknown = null;
  /** Warnings' starts in flight (WARNINGS_START_APART). */
  let starting = 0;
  /** Before the batch ends or hands over: a warning whose payments were stopped must be started. */
  const warningsStarted = async (): Promise<void> => {
    if (starting > 0) await condition(() => starting === 0);
    if (fatal) throw fatal;
  };
  const respond = (items: Array<{ p: RoundProject; hits: RuleHit[] }>): Promise<void> => shield(async () => {
    if (!items.length) return;
    if (profile.response === 'warning' && patched(WARNINGS_BY_ACTIVITY) && patched(WARNINGS_START_APART)) {
      const { ids, start } = await suspendThenStart(s, round, items.map(({ p, hits: hs }) => ({ p, hit: hs[0] })));
      items.forEach(({ p }, i) => touch(p.id, { responseRef: ids[i] }));
      // apart: the forms and the Updates do not wait for the server to start them (busy: no hand-over meanwhile)
      starting++;
      void shield(() => working(start))
        .catch((e) => void (fatal ??= e))
        .finally(() => starting--);
    } else if (profile.response === 'warning' && patched(WARNINGS_BY_ACTIVITY)) {
      const refs = await warnAll(s, round, items.map(({ p, hits: hs }) => ({ p, hit: hs[0] })));
      items.forEach(({ p }, i) => touch(p.id, { responseRef: refs[i] }));
    } else if (profile.response === 'warning') {
      await Promise.all(items.map(async ({ p, hits: hs }) => touch(p.id, { responseRef: await warn(s, round, p, hs[0]) })));
    } else {
      await Promise.all([...byUnit(items, (it) => it.p.unitId)].map(async ([unitId, its]) => {
        const ref = await pushToRectification(s, round, unitId, its, new Date(Date.now()).toISOString());
        for (const it of its) touch(it.p.id, { responseRef: ref });
      }));
    }
  });
  let responding: Promise<void> = Promise.resolve();
  if (!carried) {
    for (const p of projects) if (hits.has(p.id)) touch(p.id, { hits: [hits.get(p.id) as RuleHit] });
    responding = respond(projects.filter((p) => hits.has(p.id)).map((p) => ({ p, hits: [hits.get(p.id) as RuleHit] })));
  }

  // 2. The forms, each in its unit's inbox with finance's data (and its current targets) filled in.
  const openMs = carried?.started ?? Date.now();
  const cal = workingDays(s.calendar);
  const formDueAt = onCalendar ? cal.add(openMs, dueWorkingDays) : 0;
  const formDue = dueMs ? { dueInMs: dueMs } : { due: { workingDays: dueWorkingDays } };
  // the reminder N working days before the due date (before: N × 24 h)
  const workingReminders = onCalendar && (carried ? carried.workingReminders === true : patched('jixiao.monitoring.working-day-reminders'));
  const remind = dueMs
    ? [Math.max(1, Math.floor(dueMs / 2))]
    : profile.reminderBeforeDays <= 0
      ? []
      : workingReminders
        ? [formDueAt - cal.subtract(formDueAt, profile.reminderBeforeDays)]
        : [profile.reminderBeforeDays * day];
  const escalateAfterMs = dueMs ? dueMs : onCalendar ? cal.add(formDueAt, profile.escalateAfterDays) - formDueAt : profile.escalateAfterDays * day;
  const reviewDue = onCalendar ? { due: { workingDays: profile.reviewDueWorkingDays } } : { dueInMs: 5 * day };
  const adjustmentDue = dueMs ? { dueInMs: 5 * day } : { due: { workingDays: profile.adjustmentDueWorkingDays } };

  const byId = new Map(projects.map((p) => [p.id, p]));
  const unitDigest = carried ? carried.unitDigest === true : patched('jixiao.monitoring.unit-digest');
  const loops = new Map<string, Loop>(carried?.loops ?? projects.map((p) => [p.id, { phase: 'form', rev: 0, returnReason: null, key: null, submittedBy: null, request: null, targets: null }]));

  async function monitor(p: RoundProject, resume: boolean): Promise<void> {
    const st = loops.get(p.id) as Loop;
    const ref = { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.availableFen };
    const data = { executionRatePct: p.executionRateBp / 100, timeProgressPct: tp / 100, availableFen: p.availableFen, paidFen: p.paidFen, cutoff: `${s.year}-${s.cutoff}`, round: s.name };
    const wait = <T>(key: string, ask: () => Promise<T>): Promise<T> => {
      st.key = key;
      if (resume) {
        resume = false;
        return board.resume(key) as Promise<T>;
      }
      return ask();
    };
    for (;;) {
      const rev = st.rev;
      if (st.phase === 'form') {
        if (!resume) touch(p.id, { stage: 'form' });
        const targets = st.targets ?? p.targets ?? null;
        const indicators = targets
          ? targets.indicators.map((t, i) => ({ code: t.code ?? `T${i + 1}`, name: t.name, core: t.isCore, target: t.target, unit: t.unit, direction: t.direction }))
          : p.indicators.map((i) => ({ ...i, core: true }));
        const f: { outcome: string; form: unknown; decidedBy: string } = await wait(`form-${p.id}-${rev}`, () =>
          board.ask({
            key: `form-${p.id}-${rev}`,
            type: MONITORING_TASKS.form,
            title: `绩效监控表（${s.name}）：${p.name}`,
            project: ref,
            candidateGroups: [`unit_preparer@${p.unitId}`],
            ...formDue,
            remindBeforeMs: remind,
            escalation: { afterMs: escalateAfterMs, to: { group: `unit_head@${p.unitId}` }, lateDecision: 'allow' },
            // a unit hears of its first forms in one digest (below); a form sent back is mailed on its own
            ...(unitDigest && rev === 0 ? { notifyAssigned: false } : {}),
            context: { execution: data, indicators, warned: hits.has(p.id), returnReason: st.returnReason, revision: rev, ...(targets ? { targetsVersion: targets.version } : {}) },
          }),
        );
        if (f.outcome === 'adjust') {
          st.phase = 'adjust';
          st.request = f.form as TargetAdjustmentRequest;
          st.submittedBy = f.decidedBy;
          continue;
        }
        if (f.outcome !== 'submit') return; // returned by the unit itself: it stays unsubmitted
        const form = f.form as MonitoringForm;
        const fh = formHits(form, profile, new Date(Date.now()).toISOString());
        if (isBehind(form, [...(hits.has(p.id) ? [hits.get(p.id) as RuleHit] : []), ...fh]) && missingReasons(form).length) {
          st.returnReason = `项目存在偏差，请填写：${missingReasons(form).map((m) => (m === 'deviationReason' ? '偏差原因' : '纠偏措施')).join('、')}`;
          board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.formIncomplete', projectId: p.id, reason: st.returnReason });
          st.rev++;
          continue;
        }
        const r = results.get(p.id) as ProjectResult;
        const fresh = fh.filter((h) => !r.hits.some((x) => x.rule.id === h.rule.id && x.source === 'form'));
        touch(p.id, { stage: 'review', form, hits: [...r.hits, ...fresh] });
        if (fresh.length) await working(() => respond([{ p, hits: fresh }]));
        st.phase = 'review';
        st.submittedBy = f.decidedBy;
        continue;
      }
      if (st.phase === 'review') {
        const form = (results.get(p.id) as ProjectResult).form;
        const review: { outcome: string; comment: string | null } = await wait(`review-${p.id}-${rev}`, () =>
          board.ask({
            key: `review-${p.id}-${rev}`,
            type: MONITORING_TASKS.review,
            title: `审核绩效监控表（${s.name}）：${p.name}`,
            project: ref,
            candidateGroups: [`competent_reviewer@${p.deptId}`],
            submittedBy: st.submittedBy,
            ...reviewDue,
            context: { execution: data, form, hits: (results.get(p.id) as ProjectResult).hits, revision: rev },
            notifySubmitter: true,
            // a form no rule fired on may be approved in bulk (批量审核); one that warned is looked at on its own
            bulkApprovable: (results.get(p.id) as ProjectResult).hits.length === 0,
          }),
        );
        if (review.outcome === 'approve') {
          touch(p.id, { stage: 'approved' });
          return;
        }
        if (review.outcome === 'withdrawn') return;
        st.returnReason = review.comment ?? '退回修改';
        st.phase = 'form';
        st.rev++;
        continue;
      }
      // st.phase === 'adjust': finance approves or refuses the unit's target adjustment (002)
      const request = st.request as TargetAdjustmentRequest;
      const current = st.targets ?? p.targets ?? null;
      const d: { outcome: string; form: { comment?: string; reason?: string } | null; comment: string | null; decidedBy: string } = await wait(`adjust-${p.id}-${rev}`, () =>
        board.ask({
          key: `adjust-${p.id}-${rev}`,
          type: MONITORING_TASKS.adjustment,
          title: `绩效目标调整申请（${ADJUSTMENT_KINDS[request.kind]}）：${p.name}`,
          project: ref,
          candidateGroups: ['finance_performance@FIN'],
          submittedBy: st.submittedBy,
          ...adjustmentDue,
          context: { execution: data, request, currentTargets: current?.indicators ?? p.indicators, currentVersion: current?.version ?? 0, round: s.name },
          notifySubmitter: true,
        }),
      );
      if (d.outcome === 'approve') {
        // "<kind>：<reason>", within the finance system's limit (a request under the looser form is cut, its full reason stays ours)
        const financeReason = revisionReason(request.kind, request.reason);
        const v = await working(() =>
          financeReviseTargets({
            step: `targets-${p.id}-${rev}`,
            projectId: p.id,
            year: s.year,
            indicators: request.indicators,
            reason: financeReason.text,
            source: 'monitoring',
            by: d.decidedBy,
            ref: batchId,
          }),
        );
        st.targets = { version: v.version, indicators: v.indicators };
        st.returnReason = `绩效目标已调整（第${v.version}版），请按调整后的目标填报`;
        board.record({ actorId: d.decidedBy, actorName: d.decidedBy, action: 'monitoring.targetsRevised', projectId: p.id, reason: request.reason, detail: { version: v.version, kind: request.kind, ...(financeReason.truncated ? { financeReason: financeReason.text } : {}) } });
      } else if (d.outcome === 'refuse') {
        st.returnReason = `绩效目标调整未获批准：${d.form?.reason ?? d.comment ?? ''}`;
      } else {
        st.returnReason = d.outcome === 'withdrawn' ? '已撤回目标调整申请，请填报监控表' : `绩效目标调整申请被退回：${d.comment ?? ''}`;
      }
      st.request = null;
      st.phase = 'form';
      st.rev++;
    }
  }

  // the responses start before the forms: a warning's suspension does not wait for the task that
  // opens the batch's hundreds of forms (its local activities finish first; children, before
  // WARNINGS_BY_ACTIVITY, in a workflow task of their own)
  if (!carried && patched('jixiao.monitoring.respond-before-forms')) await responding;
  const running = new Set(carried?.running ?? projects.map((p) => p.id));
  const all = [...running].map((id) =>
    monitor(byId.get(id) as RoundProject, !!carried)
      .finally(() => running.delete(id))
      .catch((e: unknown) => void (fatal ??= e)),
  );
  void all;
  if (unitDigest && !carried) {
    // one mail per unit for the batch's forms, not one per form (a unit has a dozen projects or more)
    const dueText = dueMs ? shanghaiDate(openMs + dueMs) : shanghaiDate(formDueAt);
    for (const [unitId, ps] of byUnit(projects, (p) => p.unitId)) {
      const names = ps.slice(0, 10).map((p) => p.name).join('、') + (ps.length > 10 ? ` 等 ${ps.length} 个项目` : '');
      board.notify({ kind: 'assigned', to: [`unit_preparer@${unitId}`], title: `${s.year}年${s.name}：${ps.length} 张绩效监控表待填报`, reason: `请于 ${dueText} 前填报：${names}` });
    }
  }
  await responding;
  await save();

  // 3. Overdue beyond escalation: flagged (still open for a late submission); the round's close ends the rest.
  const started = carried?.started ?? (onCalendar ? openMs : Date.now());
  const overdueAt = dueMs ? started + 2 * dueMs : onCalendar ? formDueAt + escalateAfterMs : started + dueWorkingDays * day + escalateAfterMs;
  const closeAt = dueMs ? started + dueMs * 3 : onCalendar ? cal.add(formDueAt, profile.closeAfterDays) : started + dueWorkingDays * day + profile.closeAfterDays * day;
  if (onCalendar && !carried) board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.batchOpened', detail: { batchId, projects: projects.length, formDueAt: new Date(formDueAt).toISOString(), overdueAt: new Date(overdueAt).toISOString(), closeAt: new Date(closeAt).toISOString() } });
  let flagged = carried?.flagged ?? false;
  if (canContinue) setHandler(superseded, (req) => void (stop ??= req));
  /** Every running project waits on an open task: the state a new run can resume from. */
  const quiet = () => {
    if (busy > 0) return false;
    const open = new Set(board.openKeys());
    for (const id of running) {
      const k = (loops.get(id) as Loop).key;
      if (!k || !open.has(k)) return false;
    }
    return true;
  };
  const tooLong = () => {
    if (!canContinue) return false;
    const info = workflowInfo();
    return board.continueAsNewAdvised(s.maxUpdatesPerRun) || info.historyLength > s.maxHistoryEvents || (info.historySize ?? 0) > s.maxHistoryBytes;
  };
  for (;;) {
    const until = flagged ? closeAt : overdueAt;
    const settled = await condition(() => running.size === 0 || dirty.size > 0 || tooLong() || !!stop || !!fatal, Math.max(1, until - Date.now()));
    if (fatal) throw fatal;
    if (stop) {
      const req: StopRequest = stop;
      await warningsStarted(); // a warning raised stays, whatever becomes of the batch
      if (req.reason === 'cancelled' && patched(ROUND_CANCEL)) return await cancelled(req);
      // finance re-ran the department: this batch's open tasks close, the new part opens its own
      for (const key of board.openKeys()) board.cancel(key, '重新监控：已由新的监控任务取代');
      await board.drain();
      return emptyTotals();
    }
    await save();
    if (running.size === 0) break;
    if (canContinue && tooLong()) {
      // hand the open tasks and each project's state to a new run, once every loop waits on a task
      for (;;) {
        await condition(() => quiet() || !!fatal);
        if (fatal) throw fatal;
        await save();
        await board.drain();
        await condition(allHandlersFinished);
        if (quiet() && dirty.size === 0) break;
      }
      const next: Carried = {
        board: board.snapshot(), results: [...results.values()], loops: [...loops].filter(([id]) => running.has(id)), running: [...running], started, flagged, hits: [...hits], runs: (carried?.runs ?? 0) + 1, resultsRide: rides, workingReminders, unitDigest,
        // the next run starts on today's code: it validates the bounded form whatever this run did
        reasonBound: true,
        cancelAware,
        ...(stop ? { stop } : {}),
      };
      return await continueAsNew<typeof monitoringBatch>({ ...raw, restore: next });
    }
    if (settled) continue;
    if (!flagged) {
      flagged = true;
      for (const id of running) if ((results.get(id) as ProjectResult).stage === 'form') touch(id, { overdue: true });
      continue;
    }
    for (const id of running) {
      const r = results.get(id) as ProjectResult;
      for (const key of board.openKeys().filter((k) => k.includes(`-${id}-`))) board.cancel(key, '监控已结束');
      touch(id, { stage: r.stage === 'form' ? 'notSubmitted' : r.stage });
    }
    break;
  }
  if (fatal) throw fatal;
  await warningsStarted();
  await save();
  await board.drain();

  const totals = counts();
  // the department may have continued as new meanwhile: it counts its batches by this signal
  const parent = workflowInfo().parent;
  if (parent && (carried ? true : patched('jixiao.monitoring.batch-done-signal'))) {
    await getExternalWorkflowHandle(parent.workflowId)
      .signal(BATCH_DONE_SIGNAL, { batch: parsed.value.batch, totals })
      .catch(() => undefined); // a department already gone (re-run, terminated) needs no count
  }
  // told to stop as it closed by itself: whoever asked (the round, for a failed department's batch) hears it ended
  const late = stop as StopRequest | null; // set by its signal handler meanwhile
  if (late?.replyTo && late.replyTo !== parent?.workflowId) await confirm(late.replyTo, totals);
  return totals;

  function counts(): RoundTotals {
    const t = emptyTotals();
    for (const r of results.values()) {
      t.projects++;
      if (r.form) t.submitted++;
      if (r.stage === 'approved') t.approved++;
      if (r.overdue) t.overdue++;
      if (r.stage === 'notSubmitted') t.notSubmitted++;
      if (r.hits.length) t.warned++;
      if (r.stage === 'cancelled') t.cancelled = (t.cancelled ?? 0) + 1;
    }
    return t;
  }

  async function confirm(to: string, totals: RoundTotals): Promise<void> {
    const stopped: PartStopped = { workflowId: batchId, deptId: me.deptId, batch: me.batch, totals };
    await getExternalWorkflowHandle(to).signal(STOPPED_SIGNAL, stopped).catch(() => undefined); // whoever asked is gone: nobody waits
  }

  /**
   * The round is cancelled (作废), or the department's part failed or was cancelled (req.kind): every
   * open task closes as cancelled (out of the inboxes), results say so, and whoever asked hears it.
   */
  async function cancelled(req: StopRequest): Promise<RoundTotals> {
    const totals = await closeForms(req);
    if (req.replyTo) await confirm(req.replyTo, totals);
    return totals;
  }

  /** Every open task closes as cancelled (req says why), the open results say so, each unit told once; the counts after. */
  async function closeForms(req: StopRequest): Promise<RoundTotals> {
    const why = closedWhy(req);
    for (const key of board.openKeys()) board.cancel(key, why);
    const open = [...results.values()].filter((r) => r.stage === 'form' || r.stage === 'review');
    for (const r of open) touch(r.projectId, { stage: 'cancelled' });
    // each unit hears it once per batch (its forms left its inbox), as it heard of them
    const what = !req.kind || req.kind === 'round' ? '已作废' : '';
    for (const [unitId, rs] of byUnit(open, (r) => r.unitId)) {
      board.notify({ kind: 'notice', to: [`unit_preparer@${unitId}`], title: `${s.year}年${s.name}${what}：${rs.length} 张绩效监控表已关闭`, reason: why });
    }
    await save();
    await board.drain();
    return counts();
  }
}
