// Money exactly once through faults: the finance system down during the suspension, the worker killed
// between verification and decision, the finance system refusing an adjustment. Real Temporal, real stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { PROCESSES } from '../../contracts/registry.zod';
import { startWorker } from '../../worker/worker';
import { warning } from '../../contracts/warning/manifest.zod';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, warningWorkflowId, type WarningInput, type WarningTrigger } from '../../contracts/warning/trigger.zod';
import { WarningProfile } from '../../contracts/warning/profile.zod';
import type { Project } from '../../contracts/finance/finance.zod';

let fin: StandIn;
let sys: TestSystem;
let reviewer: Http;
let perf: Http;
let projects: Pick<Project, 'id' | 'name' | 'deptId' | 'unitId' | 'status'>[];
// workflow ids are the project's, in the run's one namespace: each file takes its own projects
let next = 5;

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
  [reviewer, perf] = await Promise.all([sys.as('d01-reviewer'), sys.as('perf-officer')]);
  projects = (await fin.client.listProjects({ deptId: 'D01', year: YEAR, expenditure: 'project', limit: 100 })).items.filter((p) => p.status === 'active');
}, 120_000);
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

describe('money moves exactly once, whatever fails', () => {
  it('the finance system is down when the warning comes: suspended once it is back, one suspend row', async () => {
    const p = projects[next++];
    await fin.setFaults({ maintenanceUntil: new Date(Date.now() + 3_000).toISOString() });
    const id = await raise(p);
    await eventually(async () => (await status(id)).suspendedAt, 'suspended after the outage', 30_000);
    await fin.setFaults({});
    expect((await status(id)).suspensionMs).toBeGreaterThanOrEqual(1_000);
    expect((await ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`]);
  });

  it('the worker dies between verification and decision: a new worker carries on, one resume row', async () => {
    const p = projects[next++];
    const id = await raise(p);
    const v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: '汛期停工已结束，施工单位已复工，九月底可完成年度产出指标' } })).status).toBe(200);
    await taskOf(perf, id, 'warning.decide');
    await sys.worker.shutdown();
    sys.worker = await startWorker(sys.deps, {}, { processes: [...PROCESSES.filter((p) => p.name !== 'warning'), warning] });
    const d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'resumed' });
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'resume']);
  });

  it('the finance system refuses an adjustment: the state says so, finance gets a task, and leaving it suspended moves nothing more', async () => {
    const p = projects[next++];
    const id = await raise(p);
    const v = await taskOf(reviewer, id, 'warning.verify');
    const form = { ...verification, targetsAchievable: false, newTargets: [], deltaFen: -9_000_000_000_000, adjustReason: '调减预算' };
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'adjust', form })).status).toBe(200);
    const d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const r = await taskOf(perf, id, 'warning.financeRefused');
    const s = await status(id);
    expect(s.stage).toBe('refused');
    expect(s.timeline.find((e: { kind: string }) => e.kind === 'financeRefused').detail.step).toBe('adjust');
    expect((await act(perf, r.id, { action: 'decide', outcome: 'stay', form: { comment: '预算年度已结束，保持暂停' } })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'staySuspended' });
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend']);
    expect((await fin.client.getProject({ projectId: p.id })).status).toBe('suspended');
  });
});
