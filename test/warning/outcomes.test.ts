// A warning stops the money at once; the department verifies and proposes; finance decides; money moves
// only by that decision, once, as seen on the finance stand-in's ledger. Real Temporal, real stand-in.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { harness, JUSTIFIED, verification } from './harness';
import { taskActUpdate } from '../../contracts/humanTask/messages';

const w = harness('D01', 0);
const kinds = (s: { timeline: Array<{ kind: string }> }) => s.timeline.map((e) => e.kind);

describe('a warning stops the money and moves it only by decision, once', () => {
  it('payments stop at once: a payment on the warned project is refused with 422 naming it; resume with a justified reason, then one resume row', async () => {
    const p = w.project();
    const id = await w.raise(p);
    const s = await w.suspended(id);
    expect(s.suspensionMs).toBeGreaterThanOrEqual(0);
    expect(kinds(s)).toEqual(['trigger', 'money', 'suspension']);
    expect(s.timeline[1].detail.step).toBe('suspend');
    const pay = await w.fin.http('POST', '/v1/payments', { idempotencyKey: `test/${p.id}/pay`, projectId: p.id, amountFen: 100, paidOn: `${w.trigger(p).year}-06-30` });
    expect(pay.status).toBe(422);
    expect(JSON.stringify(pay.body)).toContain(p.id);

    // a resume without a justified reason is refused: the department gets the task again
    let v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: '可以' } })).status).toBe(200);
    await w.until(async () => kinds(await w.status(id)).includes('refusal'), 'resume refused');
    v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {}, comment: '同意恢复支付' })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'resumed' });
    expect((await w.ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`, `resume:${id}/resume`]);
  });

  it('adjust: the budget adjustment posted, the new targets the project\'s next version in the finance system, then resumed; one row each', async () => {
    const p = w.project();
    const before = await w.fin.client.getTargets({ projectId: p.id });
    const id = await w.raise(p);
    const v = await w.taskOf(w.reviewer, id, 'warning.verify');
    const newTargets = [
      { code: 'OUT-1', level1: 'output', level2: '数量指标', name: '完成里程', target: '80', unit: '公里', direction: '>=', isCore: true },
      { level1: 'benefit', level2: '社会效益指标', name: '受益人口', target: '12000', unit: '人', direction: '>=', isCore: false },
    ];
    const form = { ...verification, targetsAchievable: false, newTargets, deltaFen: -100_000, adjustReason: '建设规模调减，相应调减预算和产出目标' };
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'adjust', form })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'adjusted' });
    expect((await w.ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`, `adjust:${id}/adjust`, `targets:${id}/targets`, `resume:${id}/resume`]);
    // what later rounds and the evaluation read from the finance system: the adjusted targets, one version on
    const now = await w.fin.client.getTargets({ projectId: p.id });
    expect(now.version).toBe(before.version + 1);
    expect(now.indicators.map((i) => `${i.name} ${i.direction} ${i.target}${i.unit}`)).toEqual(['完成里程 >= 80公里', '受益人口 >= 12000人']);
    expect(now).toMatchObject({ source: 'warning', by: 'perf-officer', ref: id, reason: form.adjustReason });
    const s = await w.status(id);
    expect(s.targetsVersion).toBe(now.version);
    expect(s.adjustedTargets).toEqual(newTargets);
  });

  it('reclaim: a rejected proposal goes back with comments; then approved by a finance director who did not verify; one reclaim row, still suspended', async () => {
    const p = w.project();
    const id = await w.raise(p);
    let v = await w.taskOf(w.reviewer, id, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 1_000 } })).status).toBe(200);
    let d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'reject', form: { comment: '请补充收回金额的测算依据' } })).status).toBe(200);
    v = await w.taskOf(w.reviewer, id, 'warning.verify');
    const detail = (await w.reviewer.get(`/api/tasks/${encodeURIComponent(v.id)}`)).body;
    expect(detail.state.spec.context.returnComment).toContain('测算依据');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 1_000 } })).status).toBe(200);
    d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const ap = await w.taskOf(w.director, id, 'warning.approveReclaim');
    expect((await w.director.get(`/api/tasks/${encodeURIComponent(ap.id)}`)).body.state.spec.excludeUsers).toContain('d01-reviewer');
    expect((await w.act(w.director, ap.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'reclaimed' });
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'reclaim']);
    expect((await w.fin.client.getProject({ projectId: p.id })).status).toBe('suspended');
  });

  it('a reclaim is refused to the director who verified it (segregation of duties), nothing moves; another director approves it: one reclaim row', async () => {
    // a finance director also sitting as the department's reviewer (兼任): holds both groups
    const dual = await w.addUser({ id: 'wn-dual', name: '白雪', org: 'FIN', roles: ['finance_director', 'competent_reviewer'], groups: ['finance_director@FIN', 'competent_reviewer@D01'] });
    const p = w.project();
    const id = await w.raise(p);
    const v = await w.taskOf(dual, id, 'warning.verify');
    expect((await w.act(dual, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 2_000 } })).status).toBe(200);
    const d = await w.taskOf(w.perf, id, 'warning.decide');
    expect((await w.act(w.perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    // the approval is a director's task: the verifier is in its group, and is refused all the same
    const ap = await w.taskOf(w.director, id, 'warning.approveReclaim');
    expect(ap.actors).toContain('finance_director@FIN');
    const http = await w.act(dual, ap.id, { action: 'decide', outcome: 'approve', form: {} });
    expect(http.status).toBe(403);
    expect((http.body as { error: { message: string } }).error.message).toMatch(/segregation of duties/);
    // and the workflow's own validator refuses the Update when it comes past the API
    const refused = await w.sys.deps.temporal.workflow
      .getHandle(id)
      .executeUpdate(taskActUpdate, { args: [{ action: 'decide', taskId: ap.id, outcome: 'approve', form: {}, comment: null, actor: { userId: 'wn-dual', name: '白雪', roles: ['finance_director', 'competent_reviewer'], groups: ['finance_director@FIN', 'competent_reviewer@D01'] } } as never] })
      .then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(/segregation of duties/);
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
    expect((await w.status(id)).stage).toBe('reclaimApproval');

    expect((await w.act(w.director, ap.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意收回' })).status).toBe(200);
    expect(await w.result(id)).toMatchObject({ conclusion: 'reclaimed' });
    const rows = await w.ledger(p.id);
    expect(rows.map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`, `reclaim:${id}/reclaim`]);
    const approval = (await w.status(id)).timeline.find((e) => e.kind === 'approval');
    expect(approval?.by).toBe('director');
  });

  it('a second trigger attaches to the open warning with its own trace; suspended once', async () => {
    const p = w.project();
    const id = await w.raise(p);
    await w.suspended(id);
    expect(await w.raise(p)).toBe(id);
    await w.until(async () => (await w.status(id)).triggers.length >= 2, 'attached');
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
  });

  it('expiry with the default action: stays suspended and escalates, never reclaims by itself', async () => {
    const p = w.project();
    const id = await w.raise(p, { verifyDueDays: 1, expiryDaysAfterDue: 1, remindDaysBefore: [] }, 500);
    await w.until(async () => kinds(await w.status(id)).includes('expiry'), 'expired');
    const s = await w.status(id);
    expect(s.stage).toBe('expired');
    expect(s.timeline.find((e) => e.kind === 'expiry')?.detail.action).toBe('stay_suspended_escalate');
    expect((await w.ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
  });
});
