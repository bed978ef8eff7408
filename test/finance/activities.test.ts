// Finance activities in a real Temporal worker against the stand-in over HTTP, with faults injected:
// retries never double a suspension, a reclaim or any other mutation.
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFinanceActivities } from '../../activities/finance';
import type { LedgerEntry } from '../../contracts/finance/finance.zod';
import type { churn, reclaimTwice, scanLaggards, suspendOnce } from './workflows';
import { startStandIn, YEAR, type StandIn } from './standIn';
import { testClient, testWorker, type TestWorker } from '../helpers/temporal';

let s: StandIn;
let worker: TestWorker;
let client: Client;
let projects: string[];
const taskQueue = `finance-activities-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  // Injected faults make the SDK warn about every failed attempt; keep the output to real errors.
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed in this process
  }
  // A short client deadline, so an injected hang turns into a retry quickly.
  s = await startStandIn({ timeoutMs: 1_000 });
  projects = (await s.client.listProjects({ year: YEAR, limit: 1000 })).items.filter((p) => !p.transferId).map((p) => p.id);
  worker = await testWorker({ taskQueue, workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities: createFinanceActivities(s.client) });
  client = await testClient();
});
afterEach(async () => s.setFaults({}));
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await s?.stop();
});

const workflowId = (name: string) => `finance-test-${name}-${process.pid}-${Date.now()}`;

async function ledgerOf(prefix: string): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.client.listLedger({ cursor, limit: 1000 });
    out.push(...page.items.filter((e) => e.idempotencyKey.startsWith(prefix)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Attempt numbers of the activities a workflow ran, in order. */
async function attempts(id: string): Promise<number[]> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  return (history.events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt ?? 0] : []));
}

describe('finance activities under faults', () => {
  it('a suspension retried after a network fault is applied once', async () => {
    // The first call is applied, then its answer hangs past the client's deadline: the activity fails
    // and is retried with the same key (workflow id + step), which returns the stored result.
    await s.setFaults({ timeoutRate: 1, hangMs: 10_000, maxFaults: 1 });
    const id = workflowId('suspend');
    const projectId = projects[0];
    const result = await client.workflow.execute<typeof suspendOnce>('suspendOnce', { taskQueue, workflowId: id, args: [projectId] });
    expect(result.status).toBe('suspended');
    expect((await s.http('GET', '/admin/faults')).body.counts.timeouts).toBe(1);
    expect(await attempts(id)).toEqual([2]);
    const rows = await s.client.listLedger({ projectId });
    expect(rows.items.map((e) => [e.op, e.idempotencyKey])).toEqual([['suspend', `${id}/suspend`]]);

    // Running the same workflow id again (a reset, a duplicate start) derives the same key: still once.
    const again = await client.workflow.execute<typeof suspendOnce>('suspendOnce', { taskQueue, workflowId: id, args: [projectId] });
    expect(again).toEqual(result);
    expect((await s.client.listLedger({ projectId })).items).toHaveLength(1);
  });

  it('with 30% injected 5xx every call completes and the ledger has no duplicates', async () => {
    const ids = projects.slice(1, 16);
    const before = await Promise.all(ids.map((projectId) => s.client.getExecution({ projectId, asOf: `${YEAR}-12-31` })));
    await s.setFaults({ errorRate: 0.3 });
    const id = workflowId('churn');
    const n = await client.workflow.execute<typeof churn>('churn', { taskQueue, workflowId: id, args: [ids, `${YEAR}-07-31`] });
    const { counts } = (await s.http('GET', '/admin/faults')).body;
    await s.setFaults({});

    expect(n).toBe(60);
    expect(counts.errorsBefore + counts.errorsAfter).toBeGreaterThan(5);
    const rows = await ledgerOf(`${id}/`);
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(60);
    for (const [i, projectId] of ids.entries()) {
      expect(rows.filter((r) => r.projectId === projectId).map((r) => r.op)).toEqual(['suspend', 'adjust', 'resume', 'reclaim']);
      const after = await s.client.getExecution({ projectId, asOf: `${YEAR}-12-31` });
      expect(after).toMatchObject({ status: 'active', budgetFen: before[i].budgetFen + 100_000, reclaimedFen: before[i].reclaimedFen + 10_000 });
    }
  });

  it('a business rejection reaches the workflow typed and is not retried', async () => {
    const id = workflowId('reclaim');
    const projectId = projects[20];
    const r = await client.workflow.execute<typeof reclaimTwice>('reclaimTwice', { taskQueue, workflowId: id, args: [projectId] });
    expect(r.secondType).toBe('ALREADY_RECLAIMED');
    expect(r.first.reclaimedFen).toBeGreaterThan(0);
    expect(await attempts(id)).toEqual([1, 1]);
    expect((await s.client.listLedger({ projectId, op: 'reclaim' })).items).toHaveLength(1);
  });

  it('a whole-year scan pages with heartbeats and returns exactly the laggards, through faults', async () => {
    const q = { year: YEAR, asOf: `${YEAR}-04-30`, maxRateBp: 1500 };
    const expected = (await s.client.listExecution({ ...q, limit: 1000 })).items.map((e) => e.projectId);
    await s.setFaults({ errorRate: 0.3 });
    const r = await client.workflow.execute<typeof scanLaggards>('scanLaggards', { taskQueue, workflowId: workflowId('scan'), args: [q.year, q.asOf, q.maxRateBp] });
    expect(r.ids).toEqual(expected);
    expect(r.pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 3));
  });
});
