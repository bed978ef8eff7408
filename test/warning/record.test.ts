// Records a warning's history for the replay test (test/replay/histories/warning-*.json): a reclaim
// proposal rejected back to the department, proposed again, accepted, approved by a director, reclaimed.
// Run it when the workflow's shape changes on purpose: RECORD_WARNING=1 npx vitest run test/warning/record.test.ts
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { harness, verification } from './harness';

const w = harness('D01', 0, { enabled: !!process.env.RECORD_WARNING });

describe.skipIf(!process.env.RECORD_WARNING)('record a warning history', () => {
  it('a reclaim rejected once, proposed again, accepted, approved by a director and reclaimed: one suspend and one reclaim row', async () => {
    const p = w.project();
    const id = await w.raise(p);
    const form = { ...verification, targetsAchievable: false, amountFen: 1_000 };
    let v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'reclaim', form })).status).toBe(200);
    let d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'reject', form: { comment: '请补充收回金额的测算依据' } })).status).toBe(200);
    v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'reclaim', form })).status).toBe(200);
    d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const ap = await w.taskOf(w.director, id, 'warning.approveReclaim');
    expect((await w.act(w.director, ap.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'reclaimed' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'reclaim']);
    const history = await w.sys.deps.temporal.workflow.getHandle(id).fetchHistory();
    writeFileSync(new URL(`../replay/histories/warning-reclaim-${process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10)}.json`, import.meta.url), historyToJSON(history)); // RECORD_STAMP: a second recording the same day
  });
});
