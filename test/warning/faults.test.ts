// Money exactly once through faults: the finance system down during the suspension, the worker killed
// between verification and decision, the finance system refusing an adjustment. Real Temporal, real stand-in.
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../worker/worker';
import { harness, JUSTIFIED, PROCESSES_WITH_WARNING, verification } from './harness';

const w = harness('D02', 0);

describe('money moves exactly once, whatever fails', () => {
  it('the finance system is down when the warning comes: suspended once it is back, one suspend row', async () => {
    const p = w.project();
    await w.fin.setFaults({ maintenanceUntil: new Date(Date.now() + 3_000).toISOString() });
    const id = await w.raise(p);
    await w.until(async () => !!(await w.status(id)).suspendedAt, 'suspended after the outage', 30_000);
    await w.fin.setFaults({});
    expect((await w.status(id)).suspensionMs).toBeGreaterThanOrEqual(1_000);
    expect((await w.ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`]);
  });

  it('the worker dies between verification and decision: a new worker carries on, one resume row', async () => {
    const p = w.project();
    const id = await w.raise(p);
    const v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } })).status).toBe(200);
    await w.taskOf(w.perf, id, 'warning.decide');
    await w.sys.worker.shutdown();
    w.sys.worker = await startWorker(w.sys.deps, {}, { processes: PROCESSES_WITH_WARNING });
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'resumed' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'resume']);
  });

  it('the finance system refuses an adjustment: the state says so, finance gets a task, and leaving it suspended moves nothing more', async () => {
    const p = w.project();
    const id = await w.raise(p);
    const v = await w.taskOf(w.reviewer, id, 'warning.verify');
    const form = { ...verification, targetsAchievable: false, newTargets: [], deltaFen: -9_000_000_000_000, adjustReason: '调减预算' };
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'adjust', form })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const r = await w.taskOf(w.perf, id, 'warning.financeRefused');
    const s = await w.status(id);
    expect(s.stage).toBe('refused');
    expect(s.timeline.find((e) => e.kind === 'financeRefused')?.detail.step).toBe('adjust');
    expect((await w.act(w.perf, r.id, { action: 'decide', outcome: 'stay', form: { comment: '预算年度已结束，保持暂停' } })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'staySuspended' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
    expect((await w.fin.client.getProject({ projectId: p.id })).status).toBe('suspended');
  });
});
