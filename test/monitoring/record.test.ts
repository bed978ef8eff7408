// Records monitoring's workflow histories for its replay test (test/monitoring/replay.test.ts):
//   RECORD_MONITORING=1 npx vitest run test/monitoring/record.test.ts
// Once monitoring is in the registry, these move to test/replay/histories (npm run record-histories).
import { mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_ROUND_WORKFLOW, MONITORING_SCHEDULED_WORKFLOW, roundId } from '../../contracts/monitoring/names';
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
    const stamp = process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10); // a second recording the same day names itself
    const batchId = task.id.split(':form-')[0];
    const deptId = batchId.replace(/:b\d+$/, '');
    for (const [type, id] of [['monitoringScheduled', scheduled], ['monitoringRound', round], ['monitoringDepartment', deptId], ['monitoringBatch', batchId]]) {
      const history = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
      writeFileSync(new URL(`${type}-returned-approved-${stamp}.json`, dir), historyToJSON(history));
    }
  }, 120_000);

  it('a round on the working-day calendar: a target adjustment approved, a form approved, batches and the department continued as new (recorded while running)', async () => {
    const year = Number(shanghaiDate(Date.now()).slice(0, 4));
    const r = sys.config.region.monitoring.rounds[0];
    const t = roundTemplate(sys.config.region, r, 'record');
    const round = roundId(year, '11-30');
    await sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...t, cutoff: '11-30', profile: { ...t.profile, executionLagPoints: 100 }, year, deptIds: ['D01'], batchSize: 2, maxHistoryEvents: 30 }],
    });
    const reviewer = await sys.as('d01-reviewer');
    const perf = await sys.as('perf-officer');
    const formsOf = async () => (await sys.deps.db.query<{ id: string; unit_id: string; status: string }>(`SELECT id, unit_id, status FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form' ORDER BY id`, [`${round}:%`])).rows;
    const forms = await eventually(async () => {
      const f = (await formsOf()).filter((x) => x.unit_id === 'U0101' || x.unit_id === 'U0102');
      return f.length >= 2 && f;
    }, 'two forms', 60_000);
    const [adjusted, submitted] = forms;
    const preparer = await sys.as(`${adjusted.unit_id.toLowerCase()}-preparer`);
    const preparer2 = await sys.as(`${submitted.unit_id.toLowerCase()}-preparer`);
    const mine = async () => (await formsOf()).filter((x) => x.status === 'open');
    const target = { level1: 'output', level2: '数量指标', name: '新建校舍面积', target: '800', unit: '平方米', direction: '>=', isCore: true };
    expect((await preparer.post(`/api/tasks/${encodeURIComponent(adjusted.id)}/actions`, { action: 'decide', outcome: 'adjust', form: { kind: 'policy', reason: '政策调整', indicators: [target] } })).status).toBe(200);
    const adj = await eventually(async () => ((await perf.get('/api/tasks?type=monitoring.targetAdjustment')).body.items ?? []).find((x: { id: string }) => x.id.startsWith(`${round}:`)), 'the adjustment');
    expect((await perf.post(`/api/tasks/${encodeURIComponent(adj.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意' } })).status).toBe(200);
    const form = { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 60, expectedPct: 100 }], expectedExecutionPct: 100 };
    expect((await preparer2.post(`/api/tasks/${encodeURIComponent(submitted.id)}/actions`, { action: 'decide', outcome: 'submit', form })).status).toBe(200);
    const review = await eventually(async () => ((await reviewer.get('/api/tasks?type=monitoring.review')).body.items ?? []).find((x: { id: string }) => x.id.startsWith(`${round}:`)), 'the review');
    expect((await reviewer.post(`/api/tasks/${encodeURIComponent(review.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意' } })).status).toBe(200);
    const reopened = await eventually(async () => (await mine()).find((x: { id: string }) => x.id.endsWith('-1')), 'the form reopened with the new targets');
    const batchId = reopened.id.split(':form-')[0];
    const deptId = batchId.replace(/:b\d+$/, '');
    await new Promise((res) => setTimeout(res, 2000));
    mkdirSync(dir, { recursive: true });
    const stamp = process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10); // a second recording the same day names itself
    for (const [type, id] of [['monitoringRound', round], ['monitoringDepartment', deptId], ['monitoringBatch', batchId]]) {
      const history = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
      writeFileSync(new URL(`${type}-calendar-adjusted-continued-${stamp}.json`, dir), historyToJSON(history));
      // and the first run, which continued as new (the carried runs replay from the restore)
      let previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      let first = null;
      while (previous) {
        first = await sys.deps.temporal.workflow.getHandle(id, previous).fetchHistory();
        previous = first.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      }
      if (first) writeFileSync(new URL(`${type}-calendar-adjusted-first-run-${stamp}.json`, dir), historyToJSON(first));
    }
    await sys.deps.temporal.workflow.getHandle(round).terminate('recorded');
  }, 120_000);
});
