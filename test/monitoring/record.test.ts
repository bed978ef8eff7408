// Records monitoring's workflow histories for its replay test (test/monitoring/replay.test.ts):
//   RECORD_MONITORING=1 npx vitest run test/monitoring/record.test.ts
// Once monitoring is in the registry, these move to test/replay/histories (npm run record-histories).
import { mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_SCHEDULED_WORKFLOW, roundId } from '../../contracts/monitoring/names';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { shanghaiDate } from '../../contracts/calendar';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const dir = new URL('./histories/', import.meta.url);
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];

describe.skipIf(!process.env.RECORD_MONITORING)('record monitoring histories', () => {
  let fin: StandIn;
  let sys: TestSystem;
  beforeAll(async () => {
    fin = await startStandIn({ scale: { departments: 2, units: 4, projects: 16, transfers: 0, countiesPerTransfer: 0, years: 1, libraryShare: 0 }, seed: 3 });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('a scheduled round: one form submitted, returned, resubmitted and approved; the rest not submitted at the close', async () => {
    const r = sys.config.region.monitoring.rounds[0];
    const scheduled = `monitoring-scheduled:${sys.config.temporal.taskQueue}:${r.cutoff}-record`;
    await sys.deps.temporal.workflow.start(MONITORING_SCHEDULED_WORKFLOW, {
      workflowId: scheduled,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...roundTemplate(sys.config.region, r), formDueMs: 4000, batchSize: 5 }],
    });
    const { round } = (await sys.deps.temporal.workflow.getHandle(scheduled).result()) as { round: string };
    expect(round).toBe(roundId(Number(shanghaiDate(Date.now()).slice(0, 4)), r.cutoff)); // this year's round, under its id
    const preparer = await sys.as('u0101-preparer');
    const reviewer = await sys.as('d01-reviewer');
    const form = { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 30, expectedPct: 60 }], expectedExecutionPct: 90, deviationReason: '进度滞后', measures: '加快实施' };
    const task = await eventually(async () => (await preparer.get('/api/tasks?type=monitoring.form')).body.items?.[0], 'a form');
    expect((await preparer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'submit', form: { ...form, deviationReason: '' } })).status).toBe(200);
    const again = await eventually(async () => (await preparer.get('/api/tasks?type=monitoring.form')).body.items?.find((t: { id: string; projectId?: string }) => t.id.endsWith('-1') && t.id.includes(task.id.split(':form-')[1].replace(/-0$/, ''))), 'the form returned for its reasons');
    await preparer.post(`/api/tasks/${encodeURIComponent(again.id)}/actions`, { action: 'decide', outcome: 'submit', form });
    const review = await eventually(async () => (await reviewer.get('/api/tasks?type=monitoring.review')).body.items?.[0], 'the review');
    await reviewer.post(`/api/tasks/${encodeURIComponent(review.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意' } });
    await sys.deps.temporal.workflow.getHandle(round).result();
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().slice(0, 10);
    const batchId = task.id.split(':form-')[0];
    const deptId = batchId.replace(/:b\d+$/, '');
    for (const [type, id] of [['monitoringScheduled', scheduled], ['monitoringRound', round], ['monitoringDepartment', deptId], ['monitoringBatch', batchId]]) {
      const history = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
      writeFileSync(new URL(`${type}-returned-approved-${stamp}.json`, dir), historyToJSON(history));
    }
  }, 120_000);
});
