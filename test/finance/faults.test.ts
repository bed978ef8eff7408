// Fault injection in the stand-in, and how the HTTP client classifies what it sees.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FinanceUnavailableError } from '../../finance/errors';
import { HttpFinanceClient } from '../../finance/client';
import { startStandIn, YEAR, type StandIn } from './standIn';

let s: StandIn;
let projects: string[];
beforeAll(async () => {
  s = await startStandIn();
  projects = (await s.client.listProjects({ year: YEAR, limit: 1000 })).items.map((p) => p.id);
});
afterEach(async () => s.setFaults({}));
afterAll(async () => s?.stop());

describe('fault injection', () => {
  it('a maintenance window refuses everything with 503 until it ends; admin and docs stay up', async () => {
    await s.setFaults({ maintenanceUntil: new Date(Date.now() + 1_500).toISOString() });
    const r = await s.http('GET', '/v1/departments');
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('UNAVAILABLE');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    await expect(s.client.listDepartments()).rejects.toMatchObject({ retryable: true, failureType: 'FINANCE_UNAVAILABLE' });
    expect((await s.http('GET', '/openapi.json')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    expect((await s.client.listDepartments()).items.length).toBeGreaterThan(0);
  });

  it('adds latency', async () => {
    await s.setFaults({ latencyMs: 200 });
    const t0 = performance.now();
    await s.client.listDepartments();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('5xx strike before or after the change; a retry with the same key settles it exactly once', async () => {
    await s.setFaults({ errorRate: 1 });
    const keys = projects.slice(0, 20).map((projectId, i) => ({ idempotencyKey: `faults/5xx/${i}`, projectId, reason: '预警' }));
    for (const req of keys) await expect(s.client.suspendPayments(req)).rejects.toBeInstanceOf(FinanceUnavailableError);
    const { counts } = (await s.http('GET', '/admin/faults')).body;
    expect(counts.errorsBefore).toBeGreaterThan(0);
    expect(counts.errorsAfter).toBeGreaterThan(0); // applied, but the caller was told it failed
    await s.setFaults({});
    for (const req of keys) expect((await s.client.suspendPayments(req)).status).toBe('suspended');
    for (const req of keys) expect((await s.client.listLedger({ idempotencyKey: req.idempotencyKey })).items).toHaveLength(1);
  });

  it('a timeout hangs past the client deadline after applying; maxFaults switches it off by itself', async () => {
    const impatient = new HttpFinanceClient({ baseUrl: s.url, timeoutMs: 300 });
    await s.setFaults({ timeoutRate: 1, hangMs: 5_000, maxFaults: 1 });
    const req = { idempotencyKey: 'faults/timeout', projectId: projects[30], reason: '预警' };
    const t0 = performance.now();
    await expect(impatient.suspendPayments(req)).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('no answer within 300 ms') });
    expect(performance.now() - t0).toBeLessThan(2_000);
    const again = await impatient.suspendPayments(req);
    expect(again.status).toBe('suspended');
    expect((await s.client.listLedger({ idempotencyKey: req.idempotencyKey })).items).toHaveLength(1);
    expect((await s.http('GET', '/admin/faults')).body.settings.timeoutRate).toBe(0);
  });

  it('a refused connection is a retryable network fault', async () => {
    const nobody = new HttpFinanceClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 1_000 });
    await expect(nobody.listDepartments()).rejects.toMatchObject({ retryable: true, code: 'UNAVAILABLE' });
  });
});
