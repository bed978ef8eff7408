// A monitoring round (绩效运行监控), read top to bottom: its id is the year and the period (the cut-off),
// so a second start is refused and changes nothing; it starts a part per department (or again for the
// one finance re-runs), keeps its row with progress for the round page, and closes when every part has.
// Its parts report their counts by signal to the round's id, so a round over a province's departments
// continues as new when its history grows (the departments, their runs and counts carried), its parts
// running on untouched and none started twice. A part that fails for good closes its forms and says
// why: the round lists it, tells finance, and does not close until finance re-runs that department. Finance may cancel the
// round (作废, an Update; a Temporal cancellation request does the same): every part still running
// closes its open forms as cancelled and confirms, and the round records who, why and when, and ends.
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { DEPARTMENT_DONE_SIGNAL, DEPARTMENT_FAILED_SIGNAL, MONITORING_DEPARTMENT_WORKFLOW, STOPPED_SIGNAL, SUPERSEDED_SIGNAL, batchWorkflowId, departmentWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringRoundInput, RoundSettings, RoundTotals, StopRequest } from '../../contracts/monitoring/round.zod';
import { ROUND_REFUSALS, cancelRefusal, cancelRoundUpdate, type CancelRoundResult, type DepartmentFailure, type PartFailed, type PartStopped, type RoundCancellation } from '../../contracts/monitoring/messages';
import { addTotals, emptyTotals, rerunDepartmentSignal, roundStatusQuery, type RoundStatus } from '../../contracts/monitoring/rules';
import { SA } from '../../contracts/searchAttributes';
import { TaskBoard } from '../humanTask';
import type { monitoringDepartment } from './department';
import { REPORT_FAILURES, ROUND_CANCEL, STOP_CONFIRM_BOUND, spanText } from './failures';

const { monitoringDepartments, monitoringSaveRound } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });

const departmentDone = defineSignal<[{ deptId: string; workflowId: string; totals: RoundTotals }]>(DEPARTMENT_DONE_SIGNAL);
const departmentFailed = defineSignal<[PartFailed]>(DEPARTMENT_FAILED_SIGNAL);
const partStopped = defineSignal<[PartStopped]>(STOPPED_SIGNAL);
/** The round's parts are started shielded from a cancellation request of the round, which cleans up through them instead. */
const SHIELDED_PARTS = 'jixiao.monitoring.round-shields-parts';
/** Who hears that a department's part failed (finance's performance division runs the rounds). */
const FINANCE_NOTICE = 'finance_performance@FIN';

type Dept = { id: string; name: string };
/** What a round carries across continue-as-new (a province's departments: a few hundred at most). */
interface Carried {
  openedAt: string;
  depts: Dept[];
  /** Per department: its current run (0, or the re-runs by finance). */
  runs: Array<[string, number]>;
  /** The departments whose current run has been started. */
  started: string[];
  /** The departments whose current run is done, with its counts. */
  results: Array<[string, RoundTotals]>;
  continued: number;
  /** Departments whose part failed for good, until finance re-runs them (absent: a run from before). */
  failures?: Array<[string, DepartmentFailure]>;
  /** The event sequence of the round's board (its audit keys stay unique across runs). */
  boardSeq?: number;
  /** Its parts were started shielded from a cancellation request (absent: a run from before). */
  shielded?: boolean;
}
type Parsed = RoundSettings & { deptIds?: string[]; roundMaxHistoryEvents?: number; restore?: Carried };

/**
 * The row's close: a closed round records when it closed, workflow time of the save that closes it
 * (a retried save carries the same input; the row keeps the first close time written).
 */
const closing = (stage: RoundStatus['stage']): { closed: boolean; closedAt?: string } =>
  stage === 'closed' ? { closed: true, closedAt: new Date(Date.now()).toISOString() } : { closed: false };

export async function monitoringRound(raw: MonitoringRoundInput): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringRoundInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  if (parsed.value.restore || patched('jixiao.monitoring.round-continue-as-new')) return await roundBySignal(raw, parsed.value);
  const { deptIds, roundMaxHistoryEvents: _max, restore: _r, ...settings } = parsed.value;
  const round = workflowInfo().workflowId;
  const openedAt = new Date(Date.now()).toISOString();
  const status: RoundStatus = { round, stage: 'opening', departments: 0, departmentsDone: 0, totals: emptyTotals() };
  setHandler(roundStatusQuery, () => status);
  // a round from before rounds could be cancelled: its parts are its children, ended with it (terminate)
  setHandler(cancelRoundUpdate, (): Promise<CancelRoundResult> => Promise.reject(new Error('unreachable: the validator refuses')), {
    validator: (_req) => {
      throw ApplicationFailure.nonRetryable('this round started before rounds could be cancelled: terminate it instead (its parts end with it)', ROUND_REFUSALS.unsupported);
    },
  });
  const save = () =>
    monitoringSaveRound({ round, year: settings.year, cutoff: settings.cutoff, name: settings.name, stage: status.stage, startedBy: settings.startedBy, departments: status.departments, totals: status.totals, at: openedAt, ...closing(status.stage), version: Date.now() });
  upsertSearchAttributes([{ key: SA.JixiaoProcess, value: 'monitoring' }, { key: SA.JixiaoRoundId, value: round }, { key: SA.JixiaoStage, value: 'opening' }]);
  await save();

  const depts = await monitoringDepartments(deptIds);
  status.departments = depts.length;
  const results = new Map<string, RoundTotals>();
  const runs = new Map<string, number>();
  const pending = new Set<string>();
  const start = async (d: { id: string; name: string }) => {
    const run = runs.get(d.id) ?? 0;
    pending.add(d.id);
    const h: ChildWorkflowHandle<typeof monitoringDepartment> = await startChild<typeof monitoringDepartment>(MONITORING_DEPARTMENT_WORKFLOW, {
      workflowId: departmentWorkflowId(round, d.id, run),
      args: [{ settings, round, deptId: d.id, deptName: d.name }],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
    });
    void h.result().then(
      (t) => {
        if ((runs.get(d.id) ?? 0) !== run) return; // a re-run superseded it
        results.set(d.id, t);
        pending.delete(d.id);
      },
      () => undefined, // failed: the round page shows the department still open
    );
  };
  setHandler(rerunDepartmentSignal, ({ deptId, by }) => {
    const d = depts.find((x) => x.id === deptId);
    if (!d || status.stage === 'closed') return;
    const previous = departmentWorkflowId(round, deptId, runs.get(deptId) ?? 0);
    // the superseded part is cancelled: its open forms close, so no project has two
    if (patched('jixiao.monitoring.rerun-supersedes')) void getExternalWorkflowHandle(previous).signal(SUPERSEDED_SIGNAL, { by: by ?? 'finance' }).catch(() => undefined);
    runs.set(deptId, (runs.get(deptId) ?? 0) + 1);
    results.delete(deptId);
    void start(d);
  });
  // every department's part starts in one workflow task (one command each), not one task per department
  if (patched('jixiao.monitoring.round-starts-at-once')) await Promise.all(depts.map((d) => start(d)));
  else for (const d of depts) await start(d);
  status.stage = 'open';
  upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'open' }]);
  await save();

  await condition(() => pending.size === 0);
  status.departmentsDone = results.size;
  status.totals = [...results.values()].reduce((a, t) => addTotals(a, t), emptyTotals());
  status.stage = 'closed';
  upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'closed' }]);
  await save();
  return status.totals;
}

/**
 * The round as it runs today: every department's part starts in one workflow task, abandoned (not
 * terminated) when this run continues as new, and reports its counts by signal to the round's id,
 * which reaches whichever run is current. Past the history threshold (or when Temporal suggests it)
 * the run hands the departments, their runs, which were started and which are done to a new run,
 * once no start or signal of its own is in flight; the new run starts only what was not started.
 * A part that failed for good is listed (the round stays open) until finance re-runs it; a cancelled
 * round tells every part still running to close its forms, waits until each has, and ends.
 */
async function roundBySignal(raw: MonitoringRoundInput, value: Parsed): Promise<RoundTotals> {
  const { deptIds, roundMaxHistoryEvents, restore: carried, ...settings } = value;
  const round = workflowInfo().workflowId;
  const openedAt = carried?.openedAt ?? new Date(Date.now()).toISOString();
  const status: RoundStatus = { round, stage: carried ? 'open' : 'opening', departments: 0, departmentsDone: 0, totals: emptyTotals() };
  setHandler(roundStatusQuery, () => status);
  const failures = new Map<string, DepartmentFailure>(carried?.failures ?? []);
  /** Set once finance cancels the round (or Temporal asks it to cancel): never carried, a cancelled round does not continue as new. */
  let cancel: RoundCancellation | null = null;
  /** The cancelled round's row is written: the Update answers (the caller reads its own write). */
  let cancelSaved = false;
  const save = () =>
    monitoringSaveRound({
      round, year: settings.year, cutoff: settings.cutoff, name: settings.name, stage: status.stage, startedBy: settings.startedBy, departments: status.departments, totals: status.totals, at: openedAt, ...closing(status.stage), version: Date.now(),
      failures: [...failures.values()], ...(status.cancelled ? { cancelled: status.cancelled } : {}), ...(status.unconfirmed ? { unconfirmed: status.unconfirmed } : {}),
    });

  const runs = new Map<string, number>(carried?.runs ?? []);
  const started = new Set<string>(carried?.started ?? []);
  const results = new Map<string, RoundTotals>(carried?.results ?? []);
  /** The counts of the parts that stopped when the round was cancelled, by workflow id. */
  const stoppedTotals = new Map<string, RoundTotals>();
  /** Batches that their departments, stopping, reported as not confirmed within their bound. */
  const lateBatches = new Set<string>();
  const progress = () => {
    status.departmentsDone = results.size;
    status.totals = [...results.values(), ...stoppedTotals.values()].reduce((a, t) => addTotals(a, t), emptyTotals());
    status.failed = [...failures.values()];
  };
  const current = (deptId: string) => departmentWorkflowId(round, deptId, runs.get(deptId) ?? 0);
  /** Parts (a department's run, or a failed one's batch) that ended or stopped: what a cancellation waits for. */
  const finished = new Set<string>();
  // a part's counts, once per part and only from its current run (a superseded one is not counted)
  setHandler(departmentDone, ({ deptId, workflowId, totals }) => {
    if (!started.has(deptId) || current(deptId) !== workflowId) return;
    results.set(deptId, totals);
    finished.add(workflowId);
    progress();
  });
  /** The row changed outside the main flow (a failure, a re-run of a failed part): the main flow saves it. */
  let rowDirty = false;
  // the round's audit events and finance's notices ride a board of its own, made when first needed,
  // its writes shielded from a cancellation request (they must still go out)
  const held: { board: TaskBoard | null; dirty: boolean } = { board: null, dirty: false };
  const boardOf = (): TaskBoard => {
    if (!held.board) {
      void CancellationScope.nonCancellable(async () => {
        held.board = new TaskBoard({ process: 'monitoring', types: MONITORING_TYPES, restore: { tasks: [], timers: {}, seq: carried?.boardSeq ?? 0 } });
      });
    }
    held.dirty = true;
    return held.board as unknown as TaskBoard;
  };
  const deptName = (deptId: string) => depts.find((d) => d.id === deptId)?.name ?? deptId;
  // a part failed for good: listed with its reason (the round does not close meanwhile), finance told
  setHandler(departmentFailed, ({ deptId, workflowId, reason, open }) => {
    if (!started.has(deptId) || current(deptId) !== workflowId || results.has(deptId) || failures.has(deptId) || !patched(REPORT_FAILURES)) return;
    const failure: DepartmentFailure = { deptId, workflowId, reason, at: new Date(Date.now()).toISOString(), open };
    failures.set(deptId, failure);
    finished.add(workflowId);
    progress();
    const board = boardOf();
    board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.departmentFailed', reason, detail: { round, deptId, workflowId, open } });
    board.notify({
      kind: 'notice',
      to: [FINANCE_NOTICE],
      title: `${settings.year}年${settings.name}：${deptName(deptId)}的监控任务失败`,
      reason: `${reason}。排除原因后请对该部门重新监控；在此之前本轮监控不会结束。`,
    });
    rowDirty = true;
    // cancelling: its batches still running close their forms too
    if (cancel) for (const b of open) void track(tell(batchWorkflowId(workflowId, b)));
  });
  setHandler(partStopped, ({ workflowId, totals, unconfirmed }) => {
    if (finished.has(workflowId) && stoppedTotals.has(workflowId)) return;
    for (const b of unconfirmed ?? []) lateBatches.add(b);
    stoppedTotals.set(workflowId, totals);
    finished.add(workflowId);
    progress();
  });
  /** Starts and signals of this run not yet resolved: a new run is handed the state only without them. */
  let inFlight = 0;
  const track = async (p: Promise<unknown>) => {
    inFlight++;
    try {
      await p;
    } finally {
      inFlight--;
    }
  };
  // parts started shielded: a cancellation request of the round cleans up through them, never cancels them half-way
  const shielded = carried ? carried.shielded === true : patched(SHIELDED_PARTS);
  const start = async (d: Dept) => {
    if (cancel) return; // a cancelled round starts nothing
    const run = runs.get(d.id) ?? 0;
    started.add(d.id);
    const child = () =>
      startChild<typeof monitoringDepartment>(MONITORING_DEPARTMENT_WORKFLOW, {
        workflowId: departmentWorkflowId(round, d.id, run),
        args: [{ settings, round, deptId: d.id, deptName: d.name }],
        // it outlives this run when the round continues as new; it reports by signal to the round's id
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    await track(shielded ? CancellationScope.nonCancellable(child) : child());
  };

  let depts: Dept[] = carried?.depts ?? [];
  setHandler(rerunDepartmentSignal, ({ deptId, by }) => {
    const d = depts.find((x) => x.id === deptId);
    if (!d || status.stage === 'closed' || !started.has(deptId) || cancel) return;
    const previous = current(deptId);
    const failed = failures.get(deptId);
    if (failed) {
      // the failed part is gone: its batches still running close their forms; the new part opens its own
      for (const b of failed.open) void track(getExternalWorkflowHandle(batchWorkflowId(failed.workflowId, b)).signal(SUPERSEDED_SIGNAL, { by: by ?? 'finance' } satisfies StopRequest).catch(() => undefined));
      failures.delete(deptId);
      rowDirty = true;
    } else {
      // the superseded part is cancelled: its open forms close, so no project has two
      void track(getExternalWorkflowHandle(previous).signal(SUPERSEDED_SIGNAL, { by: by ?? 'finance' }).catch(() => undefined));
    }
    runs.set(deptId, (runs.get(deptId) ?? 0) + 1);
    results.delete(deptId);
    progress();
    void start(d);
  });

  // finance cancels the round (作废本轮监控): refused before anything is recorded when it is closed or
  // already cancelled; answered once every part still running has closed its forms
  setHandler(
    cancelRoundUpdate,
    async (req): Promise<CancelRoundResult> => {
      if (!cancel && patched(ROUND_CANCEL)) cancel = { by: req.by, byName: req.byName || req.by, reason: req.reason.trim(), at: new Date(Date.now()).toISOString() };
      await CancellationScope.nonCancellable(() => condition(() => cancelSaved));
      return { round, stage: 'cancelled', cancelled: status.cancelled as RoundCancellation, departments: status.departments, stopped: stoppedTotals.size, totals: status.totals, ...(status.unconfirmed ? { unconfirmed: status.unconfirmed } : {}) };
    },
    {
      validator: (req) => {
        if (!req || typeof req.by !== 'string' || !req.by || typeof req.reason !== 'string' || !req.reason.trim()) throw ApplicationFailure.nonRetryable('give who cancels the round and why (by, reason)', ROUND_REFUSALS.invalid);
        const refusal = cancelRefusal(cancel && status.stage !== 'cancelled' ? 'cancelling' : status.stage, status.cancelled ?? cancel);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
      },
    },
  );

  /** The parts told to stop, and those of them that took the signal (the others had ended). */
  const told = new Set<string>();
  const waitFor = new Set<string>();
  const tell = async (workflowId: string) => {
    if (told.has(workflowId)) return;
    told.add(workflowId);
    const c = cancel as RoundCancellation;
    try {
      await getExternalWorkflowHandle(workflowId).signal(SUPERSEDED_SIGNAL, { by: c.by, byName: c.byName, reason: 'cancelled', note: c.reason, replyTo: round } satisfies StopRequest);
      waitFor.add(workflowId);
    } catch {
      // already ended: it has no open form left
    }
  };
  /**
   * The cancellation, shielded from a cancellation request: recorded (stage cancelling), then every
   * part still running is told to close its open forms (a failed department's batches directly), the
   * round waits until each has confirmed or ended, at most stopConfirmMs (a timer: a part that never
   * answers does not hold the round for ever; those that did not confirm are recorded, audited and
   * told to finance), records stage cancelled with who, why and when, and ends.
   */
  const stopRound = () =>
    CancellationScope.nonCancellable(async (): Promise<RoundTotals> => {
      const c = cancel as RoundCancellation;
      status.stage = 'cancelling';
      status.cancelled = c;
      upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'cancelling' }]);
      await save();
      // a start or a signal in flight resolves first: which parts run is then known
      await condition(() => inFlight === 0);
      const parts = depts.filter((d) => started.has(d.id) && !results.has(d.id));
      await Promise.all(parts.flatMap((d) => {
        const f = failures.get(d.id);
        return f ? f.open.map((b) => track(tell(batchWorkflowId(f.workflowId, b)))) : [track(tell(current(d.id)))];
      }));
      const confirmed = () => inFlight === 0 && [...waitFor].every((w) => finished.has(w));
      const bounded = patched(STOP_CONFIRM_BOUND);
      if (bounded) await condition(confirmed, settings.stopConfirmMs);
      else await condition(confirmed);
      progress();
      status.stage = 'cancelled';
      upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'cancelled' }]);
      // the parts that did not confirm in time, and the batches their departments could not get an answer from
      const unconfirmed = bounded ? [...new Set([...[...waitFor].filter((w) => !finished.has(w)), ...lateBatches])].sort() : [];
      if (bounded) status.unconfirmed = unconfirmed;
      if (unconfirmed.length) {
        const board = boardOf();
        const why = `${unconfirmed.length} 个监控任务未在 ${spanText(settings.stopConfirmMs)}内确认已关闭监控表，本轮仍记为已作废：${unconfirmed.join('、')}`;
        board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.partsUnconfirmed', reason: why, detail: { round, unconfirmed, stopConfirmMs: settings.stopConfirmMs } });
        board.notify({ kind: 'notice', to: [FINANCE_NOTICE], title: `${settings.year}年${settings.name}已作废：${unconfirmed.length} 个监控任务未确认关闭`, reason: `${why}。请核查这些工作流（Temporal）及其监控表是否已关闭。` });
      }
      boardOf().record({ actorId: c.by, actorName: c.byName, action: 'monitoring.roundCancelled', reason: c.reason, detail: { round, departments: depts.length, stopped: waitFor.size, failed: [...failures.keys()], totals: status.totals, ...(unconfirmed.length ? { unconfirmed } : {}) } });
      await (held.board as unknown as TaskBoard).drain();
      await save();
      cancelSaved = true;
      await condition(allHandlersFinished);
      return status.totals;
    });

  try {
    if (!carried) {
      upsertSearchAttributes([{ key: SA.JixiaoProcess, value: 'monitoring' }, { key: SA.JixiaoRoundId, value: round }, { key: SA.JixiaoStage, value: 'opening' }]);
      await save();
      depts = await monitoringDepartments(deptIds);
    }
    status.departments = depts.length;
    progress();
    // every department's part not yet started starts in one workflow task (one command each)
    await Promise.all(depts.filter((d) => !started.has(d.id)).map((d) => start(d)));
    if (!carried && !cancel) {
      status.stage = 'open';
      upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'open' }]);
      await save();
    }

    const maxEvents = roundMaxHistoryEvents ?? settings.maxHistoryEvents;
    const tooLong = () => {
      const info = workflowInfo();
      return info.continueAsNewSuggested || info.historyLength > maxEvents || (info.historySize ?? 0) > settings.maxHistoryBytes;
    };
    const allDone = () => depts.every((d) => results.has(d.id));
    for (;;) {
      await condition(() => (allDone() && inFlight === 0) || tooLong() || !!cancel || rowDirty);
      if (cancel) return await stopRound();
      if (rowDirty) {
        rowDirty = false;
        await save();
        continue;
      }
      if (allDone() && inFlight === 0) break;
      // hand over once no start, signal or handler of this run is in flight (and the board has written)
      await condition(() => (inFlight === 0 && allHandlersFinished()) || !!cancel);
      if (cancel) return await stopRound();
      if (held.board && held.dirty) {
        held.dirty = false;
        await held.board.drain();
        continue;
      }
      if (rowDirty) continue;
      const next: Carried = {
        openedAt, depts, runs: [...runs], started: [...started], results: [...results], continued: (carried?.continued ?? 0) + 1,
        failures: [...failures], boardSeq: held.board ? held.board.snapshot().seq : (carried?.boardSeq ?? 0), shielded,
      };
      return await continueAsNew<typeof monitoringRound>({ ...raw, restore: next });
    }
    progress();
    status.stage = 'closed';
    upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'closed' }]);
    await save();
    return status.totals;
  } catch (e) {
    // a Temporal cancellation request of the round (client.handle.cancel): the same cleanup as finance's
    // cancellation, shielded from the request, then the round ends as cancelled
    if (!isCancellation(e) || !patched(ROUND_CANCEL)) throw e;
    cancel ??= { by: 'temporal', byName: 'Temporal', reason: '工作流收到取消请求（Temporal cancellation request）', at: new Date(Date.now()).toISOString() };
    await stopRound();
    throw e;
  }
}
