// A department's part of a round: pages through its project expenditure at the cut-off (never the
// whole department in memory), starts a batch workflow per page, sends the department one digest mail
// listing its units' forms (not one per project), and adds up the batches' counts. Its batches report
// their counts by signal, so a department with many batches continues as new (cursor, counts and
// the batches done carried) without touching them; superseded (finance re-ran it), it tells them to
// close their open forms and ends; told its round is cancelled, it tells them to close theirs as
// cancelled, waits until each has and confirms to the round. Done, it reports its counts by signal to
// its round's id (the round may have continued as new meanwhile). Failed for good (its own error, a
// batch that could not start or that failed), it closes its other batches' open forms (each unit told:
// whatever they did on them would be thrown away by finance's re-run, which opens the department's
// forms again, or by a cancellation of the round), tells the department, then tells the round why
// before failing: the round lists it until finance re-runs the department. Cancelled by a Temporal
// cancellation request of its own (the UI, the CLI; its board and batches are shielded from it), it
// has its batches close their forms, tells the round the same way (a department ended for good) and
// ends cancelled.
import {
  ApplicationFailure,
  CancellationScope,
  type TemporalFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { BATCH_DONE_SIGNAL, BATCH_FAILED_SIGNAL, DEPARTMENT_DONE_SIGNAL, DEPARTMENT_FAILED_SIGNAL, MONITORING_BATCH_WORKFLOW, STOPPED_SIGNAL, SUPERSEDED_SIGNAL, batchWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringDepartmentInput, RoundSettings, RoundTotals, StopRequest } from '../../contracts/monitoring/round.zod';
import type { BatchFailed, PartFailed, PartStopped } from '../../contracts/monitoring/messages';
import { addTotals, emptyTotals } from '../../contracts/monitoring/rules';
import { TaskBoard } from '../humanTask';
import type { monitoringBatch } from './batch';
import { CANCEL_REQUEST_NOTE, FAILED_DEPARTMENT_CLOSES, PART_CANCEL_REQUEST, REPORT_FAILURES, ROUND_CANCEL, STOP_CONFIRM_BOUND, failsForGood, reasonOf } from './failures';

const { monitoringPage } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '60s', retry: { maximumInterval: '10s' } });
const batchDone = defineSignal<[{ batch: number; totals: RoundTotals }]>(BATCH_DONE_SIGNAL);
const superseded = defineSignal<[StopRequest]>(SUPERSEDED_SIGNAL);
const batchFailed = defineSignal<[BatchFailed]>(BATCH_FAILED_SIGNAL);
const stoppedSignal = defineSignal<[PartStopped]>(STOPPED_SIGNAL);

type Parsed = {
  settings: RoundSettings; round: string; deptId: string; deptName: string; cursor: string | null; batches: number; totals: Record<string, number>; units: Record<string, number>; done: number[]; digestSent: boolean; continued: boolean;
  stop: StopRequest | null; failedBatch: { batch: number; reason: string; cancelled?: boolean } | null; boardSeq: number; cancelAware: boolean;
};

/** What the part's body leaves for its ending: the batches still running, and how to close their forms. */
interface Held {
  open: () => number[];
  /** Its batches close their open forms because this part failed (null: before its handlers, or a part from before). */
  closeOnFailure: ((reason: string) => Promise<number[]>) | null;
  /** Its batches close their open forms after a Temporal cancellation request of this part, and whoever waits hears it (null: a part from before). */
  onCancel: (() => Promise<void>) | null;
}

export async function monitoringDepartment(raw: MonitoringDepartmentInput): Promise<RoundTotals> {
  const held: Held = { open: () => [], closeOnFailure: null, onCancel: null };
  try {
    return await runDepartment(raw, held);
  } catch (e) {
    // a Temporal cancellation request of this part (the UI, the CLI): its batches close their open forms,
    // the round hears it (a department it shows failed, until finance re-runs it), and this ends cancelled
    const onCancel = held.onCancel;
    if (isCancellation(e) && onCancel) {
      await CancellationScope.nonCancellable(onCancel);
      throw e;
    }
    if (!failsForGood(e) || !patched(REPORT_FAILURES)) throw e;
    // failed for good: its other batches close their open forms (what a unit did on them would be
    // thrown away by finance's re-run, which opens the department's forms again), then the round hears
    // why and which batches did not confirm they closed, and this fails
    const reason = reasonOf(e);
    let open = held.open();
    const close = held.closeOnFailure;
    if (close && patched(FAILED_DEPARTMENT_CLOSES)) open = await CancellationScope.nonCancellable(() => close(reason));
    const parent = workflowInfo().parent;
    const report: PartFailed = { deptId: typeof raw?.deptId === 'string' ? raw.deptId : '', workflowId: workflowInfo().workflowId, reason, open };
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(DEPARTMENT_FAILED_SIGNAL, report).catch(() => undefined);
    throw e;
  }
}

async function runDepartment(raw: MonitoringDepartmentInput, held: Held): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const v = parsed.value;
  const { settings: s, round, deptId, deptName } = v;
  const me = workflowInfo().workflowId;
  // a continued run goes on with its predecessor's event sequence: its audit keys do not repeat theirs
  // a Temporal cancellation request of this part is cleaned up after: its board's writes and its batches are shielded from it
  const cancelAware = v.continued ? v.cancelAware : patched(PART_CANCEL_REQUEST);
  const shield = <T>(fn: () => Promise<T>): Promise<T> => (cancelAware ? CancellationScope.nonCancellable(fn) : fn());
  let made: TaskBoard | null = null;
  void shield(async () => void (made = new TaskBoard({ process: 'monitoring', types: MONITORING_TYPES, ...(v.boardSeq ? { restore: { tasks: [], timers: {}, seq: v.boardSeq } } : {}) })));
  const board = made as unknown as TaskBoard;
  const bySignal = v.continued || patched('jixiao.monitoring.department-continue-as-new');
  const units = new Map<string, number>(Object.entries(v.units));
  const batches: Array<Promise<RoundTotals>> = [];
  let started = v.batches;
  let cursor: string | null = v.cursor;
  let paged = v.continued && cursor === null;
  const done = new Map<number, RoundTotals>();
  let doneTotals = { ...emptyTotals(), ...v.totals } as RoundTotals;
  for (const b of v.done) done.set(b, emptyTotals()); // counted in doneTotals already
  setHandler(batchDone, ({ batch, totals }) => {
    if (done.has(batch)) return; // counted once
    done.set(batch, totals);
    doneTotals = addTotals(doneTotals, totals);
  });
  let stop: StopRequest | null = v.stop ?? null;
  if (bySignal) setHandler(superseded, (req) => void (stop ??= req));
  // a batch that failed for good (it said why before failing): this part fails with it
  const failedBatches = new Map<number, string>(v.failedBatch ? [[v.failedBatch.batch, v.failedBatch.reason]] : []);
  /** Those of them that ended on a Temporal cancellation request of their own. */
  const cancelledBatches = new Set<number>(v.failedBatch?.cancelled ? [v.failedBatch.batch] : []);
  /** Batches that closed their forms when told the round is cancelled, with their counts. */
  const stoppedBatches = new Map<number, RoundTotals>();
  if (bySignal) {
    setHandler(batchFailed, ({ batch, reason, cancelled: byRequest }) => {
      if (done.has(batch) || failedBatches.has(batch)) return;
      failedBatches.set(batch, reason);
      if (byRequest) cancelledBatches.add(batch);
    });
    setHandler(stoppedSignal, ({ batch, totals }) => void (typeof batch === 'number' && stoppedBatches.set(batch, totals)));
  }
  /** Batches whose start failed (the id was taken): none of ours runs under it. */
  const notStarted = new Set<number>();
  held.open = () => Array.from({ length: started }, (_, b) => b).filter((b) => !done.has(b) && !failedBatches.has(b) && !notStarted.has(b));
  const tooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > s.maxHistoryEvents || (info.historySize ?? 0) > s.maxHistoryBytes;
  };
  const carryOn = async () => {
    await board.drain();
    await condition(allHandlersFinished);
    const failed = [...failedBatches][0];
    return continueAsNew<typeof monitoringDepartment>({
      settings: raw.settings, round, deptId, deptName, cursor, batches: started, totals: doneTotals, units: Object.fromEntries(units),
      done: [...done.keys()], digestSent: v.digestSent, continued: true,
      stop, failedBatch: failed ? { batch: failed[0], reason: failed[1], ...(cancelledBatches.has(failed[0]) ? { cancelled: true } : {}) } : null, boardSeq: board.snapshot().seq,
      cancelAware,
    });
  };

  // the next page is read while the batch of this one starts (both in one workflow task)
  const pipelined = bySignal && (v.continued || patched('jixiao.monitoring.department-pipelined-pages'));
  const starting: Array<Promise<unknown>> = [];
  /** A batch that could not start (kept, not left an unhandled rejection while the next page is read). */
  let startFailure: TemporalFailure | Error | null = null;
  const started$ = async () => {
    await Promise.all(starting);
    if (startFailure) throw startFailure;
  };
  if (bySignal && cancelAware) {
    held.onCancel = async () => {
      await Promise.all(starting); // a start in flight is known before its batch is told
      // asked to stop already by a cancelled round: that cleanup, confirmed to it; else a cancellation of this part
      const asked = stop?.reason === 'cancelled' ? stop : null;
      const req: StopRequest = asked ?? { by: 'temporal', byName: 'Temporal', reason: 'cancelled', kind: 'departmentCancelled', note: CANCEL_REQUEST_NOTE };
      const { told, unconfirmed, left } = await closeBatches(req);
      let totals = doneTotals;
      for (const [b, t] of stoppedBatches) if (!done.has(b)) totals = addTotals(totals, t);
      board.record({ actorId: req.by, actorName: req.byName ?? req.by, action: 'monitoring.departmentCancelled', reason: req.note ?? null, detail: { round, deptId, batches: started, stopped: told.size, cancellationRequest: true, ...(unconfirmed.length ? { unconfirmed } : {}) } });
      if (started) {
        board.notify(asked
          ? { kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}已作废：${deptName}所属单位的绩效监控表已关闭`, reason: `本轮监控已作废${asked.note ? `：${asked.note}` : ''}` }
          : { kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}：${deptName}的监控任务已取消，所属单位的绩效监控表已关闭`, reason: `${CANCEL_REQUEST_NOTE}。财政重新监控后将重新下发。` });
      }
      await board.drain();
      if (asked?.replyTo) {
        const stopped: PartStopped = { workflowId: me, deptId, totals, ...(unconfirmed.length ? { unconfirmed } : {}) };
        await getExternalWorkflowHandle(asked.replyTo).signal(STOPPED_SIGNAL, stopped).catch(() => undefined);
        return;
      }
      // the round lists it as a department that ended for good, and does not close until finance re-runs it
      const parent = workflowInfo().parent;
      const report: PartFailed = { deptId, workflowId: me, reason: `部门监控任务已取消，所属监控表已关闭：${CANCEL_REQUEST_NOTE}`, open: left };
      if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(DEPARTMENT_FAILED_SIGNAL, report).catch(() => undefined);
    };
  }
  if (bySignal) {
    held.closeOnFailure = async (reason) => {
      await Promise.all(starting); // a start in flight is known before its batch is told
      const { told, unconfirmed, left } = await closeBatches({ by: 'system', byName: '系统', reason: 'cancelled', kind: 'departmentFailed', note: reason });
      board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.departmentFormsClosed', reason, detail: { round, deptId, batches: started, closed: told.size, ...(unconfirmed.length ? { unconfirmed } : {}) } });
      if (told.size) board.notify({ kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}：${deptName}的监控任务失败，所属单位的绩效监控表已关闭`, reason: `${reason}。财政重新监控后将重新下发。` });
      await board.drain();
      return left;
    };
  }
  while (!paged && !stop && !failedBatches.size) {
    const page: Awaited<ReturnType<MonitoringActivities['monitoringPage']>> = await monitoringPage({ year: s.year, cutoff: s.cutoff, deptId, cursor, limit: s.batchSize });
    cursor = page.nextCursor;
    if (!page.projects.length) break;
    for (const p of page.projects) units.set(p.unitId, (units.get(p.unitId) ?? 0) + 1);
    const input = { settings: s, round, deptId, batch: started, projects: page.projects };
    if (bySignal) {
      const child = shield(() => startChild<typeof monitoringBatch>(MONITORING_BATCH_WORKFLOW, { workflowId: batchWorkflowId(me, started), args: [input], parentClosePolicy: ParentClosePolicy.ABANDON }));
      const b = started;
      if (pipelined) {
        starting.push(child.catch((e: Error) => {
          notStarted.add(b);
          startFailure ??= e;
        }));
      } else await child;
    } else {
      batches.push(executeChild<typeof monitoringBatch>(MONITORING_BATCH_WORKFLOW, { workflowId: batchWorkflowId(me, started), args: [input], parentClosePolicy: ParentClosePolicy.TERMINATE }));
    }
    started++;
    if (!cursor) break;
    if (bySignal && tooLong()) {
      await started$();
      return await carryOn();
    }
  }
  await started$();
  paged = true;

  if (units.size && !v.digestSent && !stop) {
    const lines = [...units].map(([u, n]) => `${u}：${n} 张`).join('；');
    board.notify({ kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}：${deptName}所属单位绩效监控表已下发`, reason: `共 ${[...units.values()].reduce((a, b) => a + b, 0)} 张：${lines}` });
    board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.departmentOpened', detail: { round, deptId, units: units.size, batches: started } });
    v.digestSent = true;
  }
  if (!bySignal) {
    let totals = emptyTotals();
    for (const t of await Promise.all(batches)) totals = addTotals(totals, t);
    await board.drain();
    return totals;
  }
  await condition(() => done.size >= started || !!stop || tooLong() || failedBatches.size > 0);
  if (stop) {
    const req: StopRequest = stop;
    if (req.reason === 'cancelled' && patched(ROUND_CANCEL)) return await cancelled(req);
    // re-run by finance: every batch still open closes its forms; the new part opens its own
    for (let b = 0; b < started; b++) if (!done.has(b)) await getExternalWorkflowHandle(batchWorkflowId(me, b)).signal(SUPERSEDED_SIGNAL, { by: req.by }).catch(() => undefined);
    board.record({ actorId: req.by, actorName: req.by, action: 'monitoring.departmentSuperseded', detail: { round, deptId, batches: started } });
    await board.drain();
    return doneTotals;
  }
  if (failedBatches.size && patched(REPORT_FAILURES)) {
    const [b, reason] = [...failedBatches][0];
    if (cancelledBatches.has(b)) throw ApplicationFailure.nonRetryable(`监控批次 b${b} 已取消：${reason}`, 'BatchCancelled');
    throw ApplicationFailure.nonRetryable(`监控批次 b${b} 失败：${reason}`, 'BatchFailed');
  }
  if (done.size < started) return await carryOn();
  await board.drain();
  // the round may have continued as new meanwhile: it counts its departments by this signal
  const parent = workflowInfo().parent;
  if (parent && patched('jixiao.monitoring.department-done-signal')) {
    await getExternalWorkflowHandle(parent.workflowId)
      .signal(DEPARTMENT_DONE_SIGNAL, { deptId, workflowId: me, totals: doneTotals })
      .catch(() => undefined); // a round already gone (terminated) needs no count
  }
  return doneTotals;

  /**
   * The round is cancelled (作废): every batch still running closes its open forms as cancelled and
   * confirms; then this part records it and confirms to whoever asked (the round), with its counts.
   */
  async function cancelled(req: StopRequest): Promise<RoundTotals> {
    const { told, unconfirmed } = await closeBatches(req);
    let totals = doneTotals;
    for (const [b, t] of stoppedBatches) if (!done.has(b)) totals = addTotals(totals, t);
    board.record({ actorId: req.by, actorName: req.byName ?? req.by, action: 'monitoring.departmentCancelled', reason: req.note ?? null, detail: { round, deptId, batches: started, stopped: told.size, ...(unconfirmed.length ? { unconfirmed } : {}) } });
    if (started) board.notify({ kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}已作废：${deptName}所属单位的绩效监控表已关闭`, reason: `本轮监控已作废${req.note ? `：${req.note}` : ''}` });
    await board.drain();
    const stopped: PartStopped = { workflowId: me, deptId, totals, ...(unconfirmed.length ? { unconfirmed } : {}) };
    if (req.replyTo) await getExternalWorkflowHandle(req.replyTo).signal(STOPPED_SIGNAL, stopped).catch(() => undefined);
    return totals;
  }

  /**
   * Tells every batch still running to close its open forms (req says why) and waits until each has
   * confirmed, ended or failed: at most half the round's bound (stopConfirmMs), so the round hears in
   * time which did not (left, and their workflow ids: unconfirmed).
   */
  async function closeBatches(req: StopRequest): Promise<{ told: Set<number>; unconfirmed: string[]; left: number[] }> {
    const told = new Set<number>();
    await Promise.all(
      held.open().map(async (b) => {
        try {
          await getExternalWorkflowHandle(batchWorkflowId(me, b)).signal(SUPERSEDED_SIGNAL, { ...req, replyTo: me } satisfies StopRequest);
          told.add(b);
        } catch {
          // already ended: it has no open form left
        }
      }),
    );
    const answered = (b: number) => done.has(b) || stoppedBatches.has(b) || failedBatches.has(b);
    const bounded = patched(STOP_CONFIRM_BOUND);
    if (bounded) await condition(() => [...told].every(answered), Math.max(1, Math.floor(s.stopConfirmMs / 2)));
    else await condition(() => [...told].every(answered));
    const left = [...told].filter((b) => !answered(b));
    return { told, unconfirmed: left.map((b) => batchWorkflowId(me, b)), left };
  }
}
