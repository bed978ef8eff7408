// A monitoring round (绩效运行监控), read top to bottom: its id is the year and the period (the cut-off),
// so a second start is refused and changes nothing; it starts a part per department (or again for the
// one finance re-runs), keeps its row with progress for the round page, and closes when every part has.
import { ApplicationFailure, ParentClosePolicy, condition, getExternalWorkflowHandle, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS } from '../../contracts/monitoring/schemas';
import { MONITORING_DEPARTMENT_WORKFLOW, SUPERSEDED_SIGNAL, departmentWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringRoundInput, RoundSettings, RoundTotals } from '../../contracts/monitoring/round.zod';
import { addTotals, emptyTotals, rerunDepartmentSignal, roundStatusQuery, type RoundStatus } from '../../contracts/monitoring/rules';
import { SA } from '../../contracts/searchAttributes';
import type { monitoringDepartment } from './department';

const { monitoringDepartments, monitoringSaveRound } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });

export async function monitoringRound(raw: MonitoringRoundInput): Promise<RoundTotals> {
  const parsed = check<RoundSettings & { deptIds?: string[] }>(MONITORING_SCHEMAS.MonitoringRoundInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const { deptIds, ...settings } = parsed.value;
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
