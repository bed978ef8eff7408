// Every task of a warning has its deadline, reminders before it and escalation after it from the
// region profile, and its holders from the profile's roles: the verification (the department's head),
// finance's decision (the division head), the reclaim approval (every finance director; final expiry
// leaves the project suspended and never reclaims by itself). A profile day is one second here.
import { describe, expect, it } from 'vitest';
import { harness, JUSTIFIED, verification, type Harness } from './harness';
import type { Http } from '../helpers/system';

const w = harness('D02', 3);
const DAY = 1_000;

/** The task's own history (remind, escalate, …) as the inbox shows it. */
const historyOf = async (who: Http, taskId: string): Promise<Array<{ action: string; detail?: Record<string, unknown> }>> =>
  (await who.get(`/api/tasks/${encodeURIComponent(taskId)}`)).body.state.history;
const actions = async (who: Http, taskId: string) => (await historyOf(who, taskId)).map((e) => e.action);

async function untilActions(h: Harness, who: Http, taskId: string, wanted: string[]): Promise<void> {
  await h.until(async () => {
    const seen = await actions(who, taskId);
    return wanted.every((a) => seen.includes(a));
  }, `${wanted.join(', ')} on ${taskId}`);
}

describe('the decision and the reclaim approval remind and escalate like the verification', () => {
  it("finance's decision: reminded a day before it is due, escalated to the division head a day after", async () => {
    const p = w.project();
    const id = await w.raise(p, { decideDueDays: 3, remindDaysBefore: [1], escalateAfterDays: 1, expiryDaysAfterDue: 30 }, DAY);
    const v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect(d.escalated).toBe(false);
    await untilActions(w, w.perf, d.id, ['remind', 'escalate']);
    const hist = await historyOf(w.perf, d.id);
    expect(hist.map((e) => e.action).filter((a) => a === 'remind' || a === 'escalate')).toEqual(['remind', 'escalate']);
    expect(hist.find((e) => e.action === 'escalate')?.detail?.to).toBe('division_head@FIN');
    const late = await w.taskOf(w.perfHead, id, 'warning.decide');
    expect(late.escalated).toBe(true);
    expect(late.actors).toContain('division_head@FIN');
    // a late decision is allowed: the money moves once
    expect((await w.act(w.perfHead, late.id, { action: 'decide', outcome: 'accept', form: {}, comment: '逾期后由处长决定' })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'resumed' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'resume']);
  });

  it('the reclaim approval: reminded, escalated to the finance directors, at final expiry still suspended and nothing reclaimed; approved late, one reclaim row', async () => {
    const p = w.project();
    const id = await w.raise(p, { decideDueDays: 30, approveDueDays: 2, remindDaysBefore: [1], escalateAfterDays: 1, expiryDaysAfterDue: 2 }, DAY);
    const v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 3_000 } })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const ap = await w.taskOf(w.director, id, 'warning.approveReclaim');
    await untilActions(w, w.director, ap.id, ['remind', 'escalate']);
    expect((await historyOf(w.director, ap.id)).find((e) => e.action === 'escalate')?.detail?.to).toBe('finance_director@FIN');
    await w.until(async () => (await w.status(id)).timeline.some((e) => e.kind === 'expiry'), 'final expiry');
    const s = await w.status(id);
    expect(s.stage).toBe('expired');
    expect(s.timeline.find((e) => e.kind === 'expiry')?.detail).toMatchObject({ action: 'stay_suspended_escalate', stage: 'reclaimApproval' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
    expect((await w.fin.client.getProject({ projectId: p.id })).status).toBe('suspended');
    expect((await w.act(w.director, ap.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'reclaimed' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'reclaim']);
  });
});

describe("the profile's roles say who holds each task", () => {
  it("verifierRole competent_head and deciderRole finance_business: the department's head verifies, the business division decides; the others may not", async () => {
    const p = w.project();
    const [head, reviewer] = [await w.sys.as('d02-head'), w.reviewer];
    const id = await w.raise(p, { verifierRole: 'competent_head', deciderRole: 'finance_business' });
    const v = await w.taskOf(head, id, 'warning.verify');
    expect(v.actors).toEqual(['competent_head@D02']);
    const notHis = await w.act(reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } });
    expect(notHis.status).toBe(403);
    expect((await w.act(head, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } })).status).toBe(200);
    const d = await w.taskOf(w.biz, id, 'warning.decide');
    expect(d.actors).toEqual(['finance_business@FIN']);
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(403);
    expect((await w.act(w.biz, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'resumed' });
    const s = await w.status(id);
    expect(s.verifiedBy).toBe('d02-head');
    expect(s.timeline.find((e) => e.kind === 'decision')?.by).toBe('biz-officer');
  });

  it('a region that raises warnings by hand only refuses a round trigger: nothing is suspended', async () => {
    const p = w.project();
    const id = await w.raise(p, { raisedBy: ['hand'] });
    const failure = await w.result(id).then(() => null, (e: unknown) => e as { cause?: { type?: string; message?: string } });
    expect(failure?.cause?.type).toBe('NotRaisedHere');
    expect(failure?.cause?.message).toMatch(/trigger\.source/);
    expect(await w.ledger(p.id)).toEqual([]);
    expect((await w.fin.client.getProject({ projectId: p.id })).status).toBe('active');
  });
});
