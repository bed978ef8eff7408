// A department's part of a round: pages through its project expenditure at the cut-off (never the
// whole department in memory), starts a batch workflow per page, sends the department one digest mail
// listing its units' forms (not one per project), and adds up the batches' counts.
import { ApplicationFailure, ParentClosePolicy, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { MONITORING_BATCH_WORKFLOW, batchWorkflowId } from '../../contracts/monitoring/names';
import type { MonitoringDepartmentInput, RoundSettings, RoundTotals } from '../../contracts/monitoring/round.zod';
import { addTotals, emptyTotals } from '../../contracts/monitoring/rules';
import { TaskBoard } from '../humanTask';
import type { monitoringBatch } from './batch';

const { monitoringPage } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '60s', retry: { maximumInterval: '10s' } });

type Parsed = { settings: RoundSettings; round: string; deptId: string; deptName: string };

export async function monitoringDepartment(raw: MonitoringDepartmentInput): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const { settings: s, round, deptId, deptName } = parsed.value;
  const me = workflowInfo().workflowId;
  const board = new TaskBoard({ process: 'monitoring', types: MONITORING_TYPES });
  const units = new Map<string, number>();
  const batches: Array<Promise<RoundTotals>> = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<MonitoringActivities['monitoringPage']>> = await monitoringPage({ year: s.year, cutoff: s.cutoff, deptId, cursor, limit: s.batchSize });
    cursor = page.nextCursor;
    if (!page.projects.length) break;
    for (const p of page.projects) units.set(p.unitId, (units.get(p.unitId) ?? 0) + 1);
    batches.push(
      executeChild<typeof monitoringBatch>(MONITORING_BATCH_WORKFLOW, {
        workflowId: batchWorkflowId(me, batches.length),
        args: [{ settings: s, round, deptId, batch: batches.length, projects: page.projects }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      }),
    );
  } while (cursor);

  if (units.size) {
    const lines = [...units].map(([u, n]) => `${u}：${n} 张`).join('；');
    board.notify({ kind: 'notice', to: [`competent_head@${deptId}`, `competent_reviewer@${deptId}`], title: `${s.year}年${s.name}：${deptName}所属单位绩效监控表已下发`, reason: `共 ${[...units.values()].reduce((a, b) => a + b, 0)} 张：${lines}` });
    board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.departmentOpened', detail: { round, deptId, units: units.size, batches: batches.length } });
  }
  let totals = emptyTotals();
  for (const t of await Promise.all(batches)) totals = addTotals(totals, t);
  await board.drain();
  return totals;
}
