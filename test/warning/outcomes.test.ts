// A warning stops the money at once; the department verifies and proposes; finance decides; money moves
// only by that decision, once, as seen on the finance stand-in's ledger. Real Temporal, real stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { PROCESSES } from '../../contracts/registry.zod';
import { warning } from '../../contracts/warning/manifest.zod';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, warningWorkflowId, type WarningInput, type WarningTrigger } from '../../contracts/warning/trigger.zod';
import { WarningProfile } from '../../contracts/warning/profile.zod';
import type { Project } from '../../contracts/finance/finance.zod';

let fin: StandIn;
let sys: TestSystem;
let reviewer: Http;
let perf: Http;
let director: Http;
let projects: Pick<Project, 'id' | 'name' | 'deptId' | 'unitId' | 'status'>[];
// workflow ids are the project's, in the run's one namespace: each file takes its own projects (faults 5+; record.test.ts runs only with RECORD_WARNING=1)
let next = 0;

const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);
const taskOf = (who: Http, workflowId: string, type: string) =>
  eventually(async () => (await who.get(`/api/tasks?limit=200`)).body.items?.find((t: { type: string; workflowId: string; status: string }) => t.type === type && t.workflowId === workflowId && t.status === 'open'), `${type} of ${workflowId}`);
const ledger = async (projectId: string) => (await fin.client.listLedger({ projectId, limit: 100 })).items.filter((e) => e.op !== 'payment');
const verification = { targetsAchievable: true, reasons: '受汛期影响施工延后，九月起恢复正常进度', evidence: [{ name: '施工日志' }] };

function trigger(p: (typeof projects)[number], at = new Date().toISOString()): WarningTrigger {
  return {
    year: YEAR,
    project: { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId },
    source: 'round',
    ref: 'round:test',
    trace: { rule: { id: 'execution-behind', label: '执行进度落后时间进度 30 个百分点' }, data: { executionRateBp: 1200, timeProgressBp: 5000 }, threshold: 3000, observedAt: at },
    triggeredBy: 'system',
    triggeredAt: at,
  };
}

async function raise(p: (typeof projects)[number], profile: Partial<WarningProfile> = {}, dayMs?: number) {
  const id = warningWorkflowId(YEAR, p.id);
  const input: WarningInput = { trigger: trigger(p), profile: WarningProfile.parse(profile), ...(dayMs ? { dayMs } : {}) };
  await sys.deps.temporal.workflow.signalWithStart(WARNING_WORKFLOW, {
    workflowId: id,
    taskQueue: sys.config.temporal.taskQueue,
    args: [input],
    signal: WARNING_TRIGGER_SIGNAL,
    signalArgs: [input.trigger],
  });
  return id;
}
const status = (id: string) => sys.deps.temporal.workflow.getHandle(id).query<any>('warning.status');
const result = (id: string) => sys.deps.temporal.workflow.getHandle(id).result();

beforeAll(async () => {
  fin = await startStandIn();
  sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes: [...PROCESSES.filter((p) => p.name !== 'warning'), warning] });
  [reviewer, perf, director] = await Promise.all([sys.as('d01-reviewer'), sys.as('perf-officer'), sys.as('director')]);
  projects = (await fin.client.listProjects({ deptId: 'D01', year: YEAR, expenditure: 'project', limit: 100 })).items.filter((p) => p.status === 'active');
}, 120_000);
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

describe('a warning stops the money and moves it only by decision, once', () => {
  it('payments stop at once: a payment on the warned project is refused with 422 naming it; resume with a justified reason, then one resume row', async () => {
    const p = projects[next++];
    const id = await raise(p);
    await eventually(async () => (await status(id)).suspendedAt, 'suspended');
    const s = await status(id);
    expect(s.suspensionMs).toBeGreaterThanOrEqual(0);
    expect(s.timeline.map((e: { kind: string }) => e.kind)).toEqual(['trigger', 'money', 'suspension']);
    expect(s.timeline[1].detail.step).toBe('suspend');
    const pay = await fin.http('POST', '/v1/payments', { idempotencyKey: `test/${p.id}/pay`, projectId: p.id, amountFen: 100, paidOn: `${YEAR}-06-30` });
    expect(pay.status).toBe(422);
    expect(JSON.stringify(pay.body)).toContain(p.id);

    // a resume without a justified reason is refused: the department gets the task again
    let v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: '可以' } })).status).toBe(200);
    await eventually(async () => (await status(id)).timeline.some((e: { kind: string }) => e.kind === 'refusal'), 'resume refused');
    v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: '汛期停工已结束，施工单位已复工，九月底可完成年度产出指标' } })).status).toBe(200);
    const d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {}, comment: '同意恢复支付' })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'resumed' });
    expect((await ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`, `resume:${id}/resume`]);
  });

  it('adjust: the budget adjustment posted, then resumed; one row each', async () => {
    const p = projects[next++];
    const id = await raise(p);
    const v = await taskOf(reviewer, id, 'warning.verify');
    const form = { ...verification, targetsAchievable: false, newTargets: [{ code: 'OUT-1', name: '完成里程', target: '80 公里' }], deltaFen: -100_000, adjustReason: '建设规模调减，相应调减预算' };
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'adjust', form })).status).toBe(200);
    const d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'adjusted' });
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'adjust', 'resume']);
    expect((await status(id)).adjustedTargets).toEqual(form.newTargets);
  });

  it('reclaim: a rejected proposal goes back with comments; then approved by a finance director who did not verify; one reclaim row, still suspended', async () => {
    const p = projects[next++];
    const id = await raise(p);
    let v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 1_000 } })).status).toBe(200);
    let d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'reject', form: { comment: '请补充收回金额的测算依据' } })).status).toBe(200);
    v = await taskOf(reviewer, id, 'warning.verify');
    const detail = (await reviewer.get(`/api/tasks/${encodeURIComponent(v.id)}`)).body;
    expect(detail.state.spec.context.returnComment).toContain('测算依据');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'reclaim', form: { ...verification, targetsAchievable: false, amountFen: 1_000 } })).status).toBe(200);
    d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const ap = await taskOf(director, id, 'warning.approveReclaim');
    expect(ap.spec?.excludeUsers ?? (await director.get(`/api/tasks/${encodeURIComponent(ap.id)}`)).body.state.spec.excludeUsers).toContain('d01-reviewer');
    expect((await act(director, ap.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'reclaimed' });
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'reclaim']);
    expect((await fin.client.getProject({ projectId: p.id })).status).toBe('suspended');
  });

  it('a second trigger attaches to the open warning with its own trace; suspended once', async () => {
    const p = projects[next++];
    const id = await raise(p);
    await eventually(async () => (await status(id)).suspendedAt, 'suspended');
    expect(await raise(p)).toBe(id);
    await eventually(async () => (await status(id)).triggers.length >= 2 || null, 'attached');
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
  });

  it('expiry with the default action: stays suspended and escalates, never reclaims by itself', async () => {
    const p = projects[next++];
    const id = await raise(p, { verifyDueDays: 1, expiryDaysAfterDue: 1, remindDaysBefore: [] }, 500);
    await eventually(async () => (await status(id)).timeline.some((e: { kind: string }) => e.kind === 'expiry') || null, 'expired');
    const s = await status(id);
    expect(s.stage).toBe('expired');
    expect(s.timeline.find((e: { kind: string }) => e.kind === 'expiry').detail.action).toBe('stay_suspended_escalate');
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
  });
});
