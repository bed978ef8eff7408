// Versioned performance targets in the finance stand-in (绩效目标调整, 002): an approved adjustment is a
// new version, the current one is what readers get, older ones stay readable with who and why; the
// activity's key makes a retried revision one version, on a real Temporal worker with injected faults.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFinanceActivities } from '../../activities/finance';
import type { reviseTargetsOnce } from './workflows';
import { startStandIn, YEAR, type StandIn } from './standIn';
import { testClient, testWorker, type TestWorker } from '../helpers/temporal';

let s: StandIn;
let worker: TestWorker;
let client: Client;
let projects: string[];
const taskQueue = `finance-targets-${process.pid}-${Date.now()}`;

const school = (target: string) => ({ level1: 'output' as const, level2: '数量指标', name: '新建校舍面积', target, unit: '平方米', direction: '>=' as const, isCore: true });

beforeAll(async () => {
  s = await startStandIn({ timeoutMs: 1_000 });
  projects = (await s.client.listProjects({ year: YEAR, expenditure: 'project', limit: 50 })).items.map((p) => p.id);
  worker = await testWorker({ taskQueue, workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities: createFinanceActivities(s.client) });
  client = await testClient();
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await s?.stop();
});

describe('target versions', () => {
  it('a project nothing has revised is at version 0, with no targets recorded', async () => {
    const t = await s.client.getTargets({ projectId: projects[0] });
    expect(t).toMatchObject({ projectId: projects[0], year: YEAR, version: 0, indicators: [], reason: null, by: null });
    expect((await s.client.listTargetVersions({ projectId: projects[0] })).items).toEqual([]);
  });

  it('each approved adjustment is a new version; the current one is read, older ones keep who and why', async () => {
    const p = projects[1];
    const v1 = await s.client.reviseTargets({ idempotencyKey: `t-${p}-1`, projectId: p, year: YEAR, indicators: [school('1000')], reason: '政策变化', source: 'monitoring', by: 'fin_a' });
    const v2 = await s.client.reviseTargets({ idempotencyKey: `t-${p}-2`, projectId: p, year: YEAR, indicators: [school('800')], reason: '突发事件：汛期停工', source: 'warning', by: 'fin_b', ref: 'warning:x' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const current = await s.client.getTargets({ projectId: p });
    expect(current).toMatchObject({ version: 2, by: 'fin_b', reason: '突发事件：汛期停工', source: 'warning', ref: 'warning:x' });
    expect(current.indicators[0].target).toBe('800');
    const old = await s.client.getTargets({ projectId: p, version: 1 });
    expect(old).toMatchObject({ version: 1, by: 'fin_a', reason: '政策变化', source: 'monitoring' });
    expect(old.indicators[0].target).toBe('1000');
    const all = await s.client.listTargetVersions({ projectId: p });
    expect(all.items.map((v) => [v.version, v.by])).toEqual([[1, 'fin_a'], [2, 'fin_b']]);
    const ledger = await s.client.listLedger({ projectId: p, op: 'targets' });
    expect(ledger.items.map((e) => e.detail.version)).toEqual([1, 2]);
    // a page of current targets by project id range: the latest version only
    const page = await s.client.listTargets({ year: YEAR, fromId: p, toId: p });
    expect(page.items.map((v) => [v.projectId, v.version])).toEqual([[p, 2]]);
  });

  it('a repeated key is the same version; a version not there is 404; another year is refused', async () => {
    const p = projects[2];
    const req = { idempotencyKey: `t-${p}-same`, projectId: p, year: YEAR, indicators: [school('500')], reason: '政策变化', source: 'finance' as const, by: 'fin_a' };
    const a = await s.client.reviseTargets(req);
    const b = await s.client.reviseTargets(req);
    expect(b).toEqual(a);
    expect((await s.client.listTargetVersions({ projectId: p })).items).toHaveLength(1);
    expect((await s.http('GET', `/v1/projects/${p}/targets?version=7`)).status).toBe(404);
    const wrongYear = await s.http('POST', '/v1/target-versions', { ...req, idempotencyKey: `t-${p}-y`, year: YEAR + 1 });
    expect(wrongYear.status).toBe(422);
    expect(wrongYear.body.error.rule).toBe('OUTSIDE_BUDGET_YEAR');
    const empty = await s.http('POST', '/v1/target-versions', { ...req, idempotencyKey: `t-${p}-e`, indicators: [] });
    expect(empty.status).toBe(400);
  });

  it('the activity revises once by <workflowId>/<step> even when the finance system fails after applying', async () => {
    const p = projects[3];
    await s.setFaults({ errorRate: 1, maxFaults: 2 });
    const r = await client.workflow.execute<typeof reviseTargetsOnce>('reviseTargetsOnce', { taskQueue, workflowId: `finance-targets-${p}-${Date.now()}`, args: [p, YEAR, '640'] });
    await s.setFaults({});
    expect(r).toEqual({ version: 1, current: 1 });
    expect((await s.client.listTargetVersions({ projectId: p })).items).toHaveLength(1);
    expect((await s.client.listLedger({ projectId: p, op: 'targets' })).items).toHaveLength(1);
  });
});
