// A monitoring round (绩效运行监控), read top to bottom: its id is the year and the period (the cut-off),
// so a second start is refused and changes nothing; it starts a part per department (or again for the
// one finance re-runs), keeps its row with progress for the round page, and closes when every part has.
// Its parts report their counts by signal to the round's id, so a round over a province's departments
// continues as new when its history grows (the departments, their runs and counts carried), its parts
// running on untouched and none started twice.
import { ApplicationFailure, ParentClosePolicy, allHandlersFinished, condition, continueAsNew, defineSignal, getExternalWorkflowHandle, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS } from '../../contracts/monitoring/schemas';
import { DEPARTMENT_DONE_SIGNAL, MONITORING_DEPARTMENT_WORKFLOW, SUPERSEDED_SIGNAL, departmentWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringRoundInput, RoundSettings, RoundTotals } from '../../contracts/monitoring/round.zod';
import { addTotals, emptyTotals, rerunDepartmentSignal, roundStatusQuery, type RoundStatus } from '../../contracts/monitoring/rules';
import { SA } from '../../contracts/searchAttributes';
import type { monitoringDepartment } from './department';

const { monitoringDepartments, monitoringSaveRound } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });

const departmentDone = defineSignal<[{ deptId: string; workflowId: string; totals: RoundTotals }]>(DEPARTMENT_DONE_SIGNAL);

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
}
type Parsed = RoundSettings & { deptIds?: string[]; roundMaxHistoryEvents?: number; restore?: Carried };

export async function monitoringRound(raw: MonitoringRoundInput): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringRoundInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  if (parsed.value.restore || patched('jixiao.monitoring.round-continue-as-new')) return await roundBySignal(raw, parsed.value);
  const { deptIds, roundMaxHistoryEvents: _max, restore: _r, ...settings } = parsed.value;
  const round = workflowInfo().workflowId;
  const openedAt = new Date(Date.now()).toISOString();
  const status: RoundStatus = { round, stage: 'opening', departments: 0, departmentsDone: 0, totals: emptyTotals() };
  setHandler(roundStatusQuery, () => status);
  const save = () =>
    monitoringSaveRound({ round, year: settings.year, cutoff: settings.cutoff, name: settings.name, stage: status.stage, startedBy: settings.startedBy, departments: status.departments, totals: status.totals, at: openedAt, closed: status.stage === 'closed', version: Date.now() });
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
 */
async function roundBySignal(raw: MonitoringRoundInput, value: Parsed): Promise<RoundTotals> {
  const { deptIds, roundMaxHistoryEvents, restore: carried, ...settings } = value;
  const round = workflowInfo().workflowId;
  const openedAt = carried?.openedAt ?? new Date(Date.now()).toISOString();
  const status: RoundStatus = { round, stage: carried ? 'open' : 'opening', departments: 0, departmentsDone: 0, totals: emptyTotals() };
  setHandler(roundStatusQuery, () => status);
  const save = () =>
    monitoringSaveRound({ round, year: settings.year, cutoff: settings.cutoff, name: settings.name, stage: status.stage, startedBy: settings.startedBy, departments: status.departments, totals: status.totals, at: openedAt, closed: status.stage === 'closed', version: Date.now() });

  const runs = new Map<string, number>(carried?.runs ?? []);
  const started = new Set<string>(carried?.started ?? []);
  const results = new Map<string, RoundTotals>(carried?.results ?? []);
  const progress = () => {
    status.departmentsDone = results.size;
    status.totals = [...results.values()].reduce((a, t) => addTotals(a, t), emptyTotals());
  };
  // a part's counts, once per part and only from its current run (a superseded one is not counted)
  setHandler(departmentDone, ({ deptId, workflowId, totals }) => {
    if (!started.has(deptId) || departmentWorkflowId(round, deptId, runs.get(deptId) ?? 0) !== workflowId) return;
    results.set(deptId, totals);
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
  const start = async (d: Dept) => {
    const run = runs.get(d.id) ?? 0;
    started.add(d.id);
    await track(startChild<typeof monitoringDepartment>(MONITORING_DEPARTMENT_WORKFLOW, {
      workflowId: departmentWorkflowId(round, d.id, run),
      args: [{ settings, round, deptId: d.id, deptName: d.name }],
      // it outlives this run when the round continues as new; it reports by signal to the round's id
      parentClosePolicy: ParentClosePolicy.ABANDON,
    }));
  };

  let depts: Dept[] = carried?.depts ?? [];
  setHandler(rerunDepartmentSignal, ({ deptId, by }) => {
    const d = depts.find((x) => x.id === deptId);
    if (!d || status.stage === 'closed' || !started.has(deptId)) return;
    const previous = departmentWorkflowId(round, deptId, runs.get(deptId) ?? 0);
    // the superseded part is cancelled: its open forms close, so no project has two
    void track(getExternalWorkflowHandle(previous).signal(SUPERSEDED_SIGNAL, { by: by ?? 'finance' }).catch(() => undefined));
    runs.set(deptId, (runs.get(deptId) ?? 0) + 1);
    results.delete(deptId);
    progress();
    void start(d);
  });

  if (!carried) {
    upsertSearchAttributes([{ key: SA.JixiaoProcess, value: 'monitoring' }, { key: SA.JixiaoRoundId, value: round }, { key: SA.JixiaoStage, value: 'opening' }]);
    await save();
    depts = await monitoringDepartments(deptIds);
  }
  status.departments = depts.length;
  progress();
  // every department's part not yet started starts in one workflow task (one command each)
  await Promise.all(depts.filter((d) => !started.has(d.id)).map((d) => start(d)));
  if (!carried) {
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
  await condition(() => (allDone() && inFlight === 0) || tooLong());
  if (!allDone() || inFlight > 0) {
    await condition(() => inFlight === 0);
    await condition(allHandlersFinished);
    const next: Carried = { openedAt, depts, runs: [...runs], started: [...started], results: [...results], continued: (carried?.continued ?? 0) + 1 };
    return await continueAsNew<typeof monitoringRound>({ ...raw, restore: next });
  }
  progress();
  status.stage = 'closed';
  upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'closed' }]);
  await save();
  return status.totals;
}
