// Records a warning's history for the replay test (test/replay/histories/warning-*.json): a reclaim
// proposal rejected back to the department, proposed again, accepted, approved by a director, reclaimed.
// Run it when the workflow's shape changes on purpose: RECORD_WARNING=1 npx vitest run test/warning/record.test.ts
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
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
// workflow ids are the project's, in the run's one namespace: each file takes its own projects
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
const result = (id: string) => sys.deps.temporal.workflow.getHandle(id).result();

beforeAll(async () => {
  if (!process.env.RECORD_WARNING) return;
  fin = await startStandIn();
  sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes: [...PROCESSES.filter((p) => p.name !== 'warning'), warning] });
  [reviewer, perf, director] = await Promise.all([sys.as('d01-reviewer'), sys.as('perf-officer'), sys.as('director')]);
  projects = (await fin.client.listProjects({ deptId: 'D01', year: YEAR, expenditure: 'project', limit: 100 })).items.filter((p) => p.status === 'active');
}, 120_000);
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

describe.skipIf(!process.env.RECORD_WARNING)('record a warning history', () => {
  it('a reclaim rejected once, proposed again, accepted, approved by a director and reclaimed: one suspend and one reclaim row', async () => {
    const p = projects[next++];
    const id = await raise(p);
    const form = { ...verification, targetsAchievable: false, amountFen: 1_000 };
    let v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'reclaim', form })).status).toBe(200);
    let d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'reject', form: { comment: '请补充收回金额的测算依据' } })).status).toBe(200);
    v = await taskOf(reviewer, id, 'warning.verify');
    expect((await act(reviewer, v.id, { action: 'decide', outcome: 'reclaim', form })).status).toBe(200);
    d = await taskOf(perf, id, 'warning.decide');
    expect((await act(perf, d.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const ap = await taskOf(director, id, 'warning.approveReclaim');
    expect((await act(director, ap.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await result(id)).toMatchObject({ conclusion: 'reclaimed' });
    expect((await ledger(p.id)).map((e) => e.op)).toEqual(['suspend', 'reclaim']);
    const history = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
    writeFileSync(new URL(`../replay/histories/warning-reclaim-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url), historyToJSON(history));
  });
});
