// A batch's decisions reach its department together, not one signal each: a batch reports its counts
// at most once per reportEveryMs (here 15 s), so three forms submitted one after another reach the
// department in at most two count reports (a change after a quiet spell goes at once, the rest at the
// window's end), and the department's totals still come out right.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { BATCH_REPORT_SIGNAL, evaluationBatchId, evaluationDepartmentId, type DepartmentStatus } from '../../contracts/evaluation/names';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, type StandIn } from '../finance/standIn';

/** A budget year no other test file evaluates. */
const THROTTLE_YEAR = 2032;
const enc = encodeURIComponent;

describe('a batch’s count reports to its department', () => {
  let fin: StandIn;
  let sys: TestSystem;
  let preparer: Http;
  let perf: Http;
  const workflowId = evaluationDepartmentId(THROTTLE_YEAR, 'D01');
  const batch = evaluationBatchId(workflowId, 0);

  beforeAll(async () => {
    fin = await startStandIn({ year: THROTTLE_YEAR });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai', ...(process.env.RECORD_HISTORIES ? { TEMPORAL_COMPRESS_PAYLOADS: '0' } : {}) });
    [preparer, perf] = await Promise.all(['u0101-preparer', 'perf-officer'].map((u) => sys.as(u)));
    await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: THROTTLE_YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer', reportEveryMs: 15_000 }],
    });
  }, 90_000);
  afterAll(async () => {
    for (const id of [workflowId, batch]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sys?.stop();
    await fin?.stop();
  });

  const department = async (): Promise<DepartmentStatus> => (await perf.get(`/api/evaluations/cycles/${THROTTLE_YEAR}/departments/D01`)).body;
  /** The count reports the department has received so far. */
  const reports = async () =>
    ((await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === BATCH_REPORT_SIGNAL).length;

  it('coalesces three forms submitted one after another into at most two reports, and the totals come out right', async () => {
    const d = await eventually(async () => {
      const s = await department();
      return s?.opened ? s : undefined;
    }, 'the batch’s forms open', 60_000);
    expect(d.batches).toHaveLength(1);
    const opened = await reports();
    expect(opened).toBe(1); // the batch's forms open: reported at once
    const forms = await eventually(async () => {
      const f = ((await preparer.get(`/api/tasks?process=evaluation&type=evaluation.selfEvaluate&limit=200`)).body.items ?? []).filter((t: { workflowId: string }) => t.workflowId === batch);
      return f.length >= 3 ? (f as Array<{ id: string }>) : undefined;
    }, 'U0101’s forms');
    for (const f of forms.slice(0, 3)) {
      const pre = (await preparer.get(`/api/tasks/${enc(f.id)}`)).body;
      const prefill = (pre.state?.spec?.context ?? pre.spec?.context ?? pre.context).prefill;
      const indicators = prefill.targets.length ? prefill.targets.map((t: { name: string; target: string | null }) => ({ name: t.name, target: t.target ?? '10', actual: t.target ?? '10' })) : [{ name: '完成数量', kind: 'output', direction: '>=', target: '10', actual: '10' }];
      const r = await preparer.post(`/api/tasks/${enc(f.id)}/actions`, { action: 'decide', outcome: 'submit', form: { indicators, measures: '无' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    // all three counted, in at most two reports (one per decision before)
    const counted = await eventually(async () => {
      const s = await department();
      return s.totals?.byStage.signing === 3 ? s : undefined;
    }, 'the three submissions counted', 60_000);
    expect(counted.totals).toMatchObject({ byStage: { signing: 3, filling: (d.totals?.projects ?? 0) - 3 } });
    const afterDecisions = (await reports()) - opened;
    expect(afterDecisions).toBeGreaterThanOrEqual(1);
    expect(afterDecisions).toBeLessThanOrEqual(2);
    if (process.env.RECORD_HISTORIES) {
      // a batch that throttles its reports (patched jixiao.evaluation.batch-report-throttle), for the replay test
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationBatch-report-throttled-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(await sys.deps.temporal.workflow.getHandle(batch).fetchHistory()));
    }
  }, 120_000);
});
