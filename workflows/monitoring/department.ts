// A department's part of a round: pages through its project expenditure at the cut-off (never the
// whole department in memory), starts a batch workflow per page, sends the department one digest mail
// listing its units' forms (not one per project), and adds up the batches' counts. Its batches report
// their counts by signal, so a department with many batches continues as new (cursor, counts and
// the batches done carried) without touching them; superseded (finance re-ran it), it tells them to
// close their open forms and ends. Done, it reports its counts by signal to its round's id (the
// round may have continued as new meanwhile).
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { BATCH_DONE_SIGNAL, DEPARTMENT_DONE_SIGNAL, MONITORING_BATCH_WORKFLOW, SUPERSEDED_SIGNAL, batchWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringDepartmentInput, RoundSettings, RoundTotals } from '../../contracts/monitoring/round.zod';
import { addTotals, emptyTotals } from '../../contracts/monitoring/rules';
import { TaskBoard } from '../humanTask';
import type { monitoringBatch } from './batch';

const { monitoringPage } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '60s', retry: { maximumInterval: '10s' } });
const batchDone = defineSignal<[{ batch: number; totals: RoundTotals }]>(BATCH_DONE_SIGNAL);
const superseded = defineSignal<[{ by: string }]>(SUPERSEDED_SIGNAL);

type Parsed = { settings: RoundSettings; round: string; deptId: string; deptName: string; cursor: string | null; batches: number; totals: Record<string, number>; units: Record<string, number>; done: number[]; digestSent: boolean; continued: boolean };

export async function monitoringDepartment(raw: MonitoringDepartmentInput): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const v = parsed.value;
  const { settings: s, round, deptId, deptName } = v;
  const me = workflowInfo().workflowId;
  const board = new TaskBoard({ process: 'monitoring', types: MONITORING_TYPES });
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
  let supersededBy: string | null = null;
  if (bySignal) setHandler(superseded, ({ by }) => void (supersededBy ??= by));
  const tooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > s.maxHistoryEvents || (info.historySize ?? 0) > s.maxHistoryBytes;
  };
  const carryOn = async () => {
    await board.drain();
    await condition(allHandlersFinished);
    return continueAsNew<typeof monitoringDepartment>({
      settings: raw.settings, round, deptId, deptName, cursor, batches: started, totals: doneTotals, units: Object.fromEntries(units),
      done: [...done.keys()], digestSent: v.digestSent, continued: true,
    });
  };

  // the next page is read while the batch of this one starts (both in one workflow task)
  const pipelined = bySignal && (v.continued || patched('jixiao.monitoring.department-pipelined-pages'));
  const starting: Array<Promise<unknown>> = [];
  while (!paged && !supersededBy) {
    const page: Awaited<ReturnType<MonitoringActivities['monitoringPage']>> = await monitoringPage({ year: s.year, cutoff: s.cutoff, deptId, cursor, limit: s.batchSize });
    cursor = page.nextCursor;
    if (!page.projects.length) break;
    for (const p of page.projects) units.set(p.unitId, (units.get(p.unitId) ?? 0) + 1);
    const input = { settings: s, round, deptId, batch: started, projects: page.projects };
    if (bySignal) {
      const child = startChild<typeof monitoringBatch>(MONITORING_BATCH_WORKFLOW, { workflowId: batchWorkflowId(me, started), args: [input], parentClosePolicy: ParentClosePolicy.ABANDON });
      if (pipelined) starting.push(child);
      else await child;
    } else {
      batches.push(executeChild<typeof monitoringBatch>(MONITORING_BATCH_WORKFLOW, { workflowId: batchWorkflowId(me, started), args: [input], parentClosePolicy: ParentClosePolicy.TERMINATE }));
    }
    started++;
    if (!cursor) break;
    if (bySignal && tooLong()) {
      await Promise.all(starting);
      return await carryOn();
    }
  }
  await Promise.all(starting);
  paged = true;

  if (units.size && !v.digestSent && !supersededBy) {
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
  await condition(() => done.size >= started || !!supersededBy || tooLong());
  if (supersededBy) {
    // re-run by finance: every batch still open closes its forms; the new part opens its own
    for (let b = 0; b < started; b++) if (!done.has(b)) await getExternalWorkflowHandle(batchWorkflowId(me, b)).signal(SUPERSEDED_SIGNAL, { by: supersededBy }).catch(() => undefined);
    board.record({ actorId: supersededBy, actorName: supersededBy, action: 'monitoring.departmentSuperseded', detail: { round, deptId, batches: started } });
    await board.drain();
    return doneTotals;
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
}
