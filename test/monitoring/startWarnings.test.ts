// A monitoring batch raises its response's warnings through one activity (monitoringStartWarnings:
// update-with-start by the warning's contract, activities/warning/raise.ts), against a real Temporal
// server with the registry's warning workflow: the verification is in the inbox when the activity
// returns (it wrote the rows the answer carried) after one workflow task of the warning's and no
// projection activity; a retried attempt attaches nothing twice, a later trigger on the same project
// attaches once; the warning goes on with its own projection after that; a start the server refuses
// fails for good, named, after the call's other warnings have started.
import { getEventListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type WarningStart } from '../../activities/monitoring';
import { warningTaskQueue, warningWorkflowId, type WarningTrigger } from '../../contracts/warning/trigger.zod';
import { WarningProfile } from '../../contracts/warning/profile.zod';
import type { Project as FinanceProject } from '../../contracts/finance/finance.zod';
import type { WarningStatus } from '../../workflows/warning';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

type Project = Omit<FinanceProject, 'lines'>;

const SCALE = { departments: 1, units: 2, projects: 18, transfers: 0, countiesPerTransfer: 0, years: 1 as const, libraryShare: 0 };

let fin: StandIn;
let sys: TestSystem;
let projects: Project[];
let acts: ReturnType<typeof createActivities>;

beforeAll(async () => {
  // project ids of its own: another file's warning under the same id would take this file's trigger
  fin = await startStandIn({ scale: SCALE, seed: 23, projectIdPrefix: 'MSW' });
  sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' });
  projects = (await fin.client.listProjects({ year: YEAR, expenditure: 'project', limit: 100 })).items.filter((p) => p.status === 'active');
  acts = createActivities({ db: sys.deps.db, finance: fin.client, publicUrl: sys.url, temporal: sys.deps.temporal, taskQueue: sys.config.temporal.taskQueue });
}, 60_000);
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

/** A round's execution-lag trigger on p, observed at `at`. */
const trigger = (p: Project, at: string): WarningTrigger => ({
  year: YEAR,
  project: { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId },
  source: 'round',
  ref: `monitoring:${YEAR}:04-30`,
  trace: { rule: { id: 'monitoring.executionLag', label: '执行进度落后时间进度' }, data: { lagPoints: 35 }, threshold: { lagPointsAbove: 20 }, observedAt: at },
  triggeredBy: 'system',
  triggeredAt: at,
});
const start = (p: Project, at: string): WarningStart => ({
  workflowId: warningWorkflowId(YEAR, p.id),
  taskQueue: warningTaskQueue(sys.config.temporal.taskQueue),
  input: { trigger: trigger(p, at), profile: WarningProfile.parse({}) },
});
/** One attempt of the activity, as the batch's worker runs it. */
const attempt = (warnings: WarningStart[]) => new MockActivityEnvironment().run(acts.monitoringStartWarnings, { warnings });
const status = (id: string) => sys.deps.temporal.workflow.getHandle(id).query<WarningStatus>('warning.status');
/** The warnings among these whose verification is open in the inbox, by workflow id. */
const openVerifications = async (ws: WarningStart[]): Promise<string[]> =>
  (await sys.deps.db.query<{ workflow_id: string }>(`SELECT workflow_id FROM tasks WHERE type = 'warning.verify' AND status = 'open' AND workflow_id = ANY($1) ORDER BY workflow_id`, [ws.map((w) => w.workflowId)])).rows.map((r) => r.workflow_id);
const eventsOf = async (id: string) => (await sys.deps.temporal.workflow.getHandle(id).fetchHistory()).events ?? [];

describe("a batch's warnings raised by one activity", () => {
  it('a retried attempt starts nothing twice: each warning runs once with its one trigger, and payments stop once', async () => {
    const [a, b] = projects;
    const at = new Date().toISOString();
    const warnings = [start(a, at), start(b, at)];
    expect(await attempt(warnings)).toEqual({ warnings: 2 });
    // the verifications are in the inbox when the attempt returns: it wrote the rows the answers carried
    expect(await openVerifications(warnings)).toEqual(warnings.map((w) => w.workflowId).sort());
    expect(await attempt(warnings)).toEqual({ warnings: 2 }); // the attempt again, as after a lost answer
    expect(await openVerifications(warnings)).toEqual(warnings.map((w) => w.workflowId).sort());
    for (const w of warnings) {
      const st = await status(w.workflowId);
      expect(st.suspendedAt).not.toBeNull();
      expect(st.triggers).toHaveLength(1);
      expect(st.timeline.filter((e) => e.kind === 'trigger')).toHaveLength(1);
      const events = await eventsOf(w.workflowId);
      expect(events.filter((e) => e.workflowExecutionStartedEventAttributes)).toHaveLength(1);
      // the retry's raise answered from the first (the same Update id): one accepted, attached neither time
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
      // one workflow task to the open verification, no projection activity
      expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
      const audit = await sys.deps.db.query<{ action: string }>('SELECT action FROM audit WHERE workflow_id = $1 ORDER BY id', [w.workflowId]);
      expect(audit.rows.map((r) => r.action).sort()).toEqual(['task.created', 'warning.suspend', 'warning.triggered']);
      const ledger = (await fin.client.listLedger({ projectId: w.input.trigger.project.id, op: 'suspend' })).items;
      expect(ledger).toHaveLength(1);
    }
  }, 60_000);

  it('a later trigger on a project whose warning is open attaches once, however often its start is retried', async () => {
    const [a] = projects;
    const id = warningWorkflowId(YEAR, a.id);
    const later = start(a, new Date(Date.now() + 60_000).toISOString());
    await attempt([later]);
    await attempt([later]);
    const st = await eventually(async () => {
      const s = await status(id);
      return s.triggers.length >= 2 ? s : null;
    }, 'the later trigger attached');
    await new Promise((r) => setTimeout(r, 500)); // the retry's signal, if it were to attach, would have by now
    expect((await status(id)).triggers.map((t) => t.triggeredAt)).toEqual(st.triggers.map((t) => t.triggeredAt));
    expect(st.triggers).toHaveLength(2);
    expect(st.timeline.filter((e) => e.kind === 'trigger')).toHaveLength(2);
    expect((await eventsOf(id)).filter((e) => e.workflowExecutionStartedEventAttributes)).toHaveLength(1);
  }, 60_000);

  it('a batch of warnings leaves no listener on the attempt\'s cancellation signal (the client never removes its own)', async () => {
    const at = new Date(Date.now() + 120_000).toISOString();
    const warnings = projects.slice(4, 10).map((p) => start(p, at));
    const env = new MockActivityEnvironment();
    expect(await env.run(acts.monitoringStartWarnings, { warnings })).toEqual({ warnings: warnings.length });
    expect(getEventListeners(env.context.cancellationSignal, 'abort')).toHaveLength(0);
  }, 60_000);

  it('a warning raised with its payments stopped by the raiser goes on as any other: verified, decided, resumed, each later row the warning\'s own', async () => {
    const p = projects[10];
    expect(p, 'the stand-in has an 11th active project').toBeDefined();
    const id = warningWorkflowId(YEAR, p.id);
    const w = start(p, new Date().toISOString());
    // as a batch does: payments stopped at detection, the finance system's answer in the input
    const stopped = await fin.client.suspendPayments({ idempotencyKey: `monitoring:test/suspend-${p.id}`, projectId: p.id, reason: '预警：执行进度落后时间进度', ref: id });
    w.input.suspended = { at: stopped.at, ledgerSeq: stopped.ledgerSeq, key: `monitoring:test/suspend-${p.id}` };
    await attempt([w]);
    expect(await openVerifications([w])).toEqual([id]);
    const reviewer = await sys.as('d01-reviewer');
    const perf = await sys.as('perf-officer');
    const v = (await reviewer.get('/api/tasks?limit=200')).body.items.find((t: { workflowId: string; type: string }) => t.workflowId === id && t.type === 'warning.verify');
    expect(v).toBeDefined();
    const form = { targetsAchievable: true, reasons: '受汛期影响施工延后，九月起恢复正常进度', evidence: [{ name: '施工日志' }], justification: '汛期停工已结束，施工单位已复工，九月底可完成年度产出指标' };
    expect((await reviewer.post(`/api/tasks/${encodeURIComponent(v.id)}/actions`, { action: 'decide', outcome: 'resume', form })).status).toBe(200);
    const d = await eventually(async () => (await perf.get('/api/tasks?limit=200')).body.items.find((t: { workflowId: string; type: string; status: string }) => t.workflowId === id && t.type === 'warning.decide' && t.status === 'open'), 'the decision in finance\'s inbox');
    expect((await perf.post(`/api/tasks/${encodeURIComponent(d.id)}/actions`, { action: 'decide', outcome: 'accept', form: {}, comment: '同意恢复支付' })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(id).result()).toMatchObject({ conclusion: 'resumed', ledgerSteps: [w.input.suspended.key, 'resume'] });
    const ledger = (await fin.client.listLedger({ projectId: p.id, limit: 100 })).items.filter((e) => e.op !== 'payment');
    expect(ledger.map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:monitoring:test/suspend-${p.id}`, `resume:${id}/resume`]);
    // the warning's own projection wrote the rest: the process row concluded, the verification closed
    const proc = await sys.deps.db.query<{ stage: string; status: string }>('SELECT stage, status FROM processes WHERE workflow_id = $1', [id]);
    expect(proc.rows[0]).toMatchObject({ stage: 'done', status: 'completed' });
    expect(await openVerifications([w])).toEqual([]);
    const events = await eventsOf(id);
    expect(events.filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(3); // the raise, the verification, the decision
    if (process.env.RECORD_WARNING) {
      const history = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
      writeFileSync(new URL(`../replay/histories/warning-raised-resumed-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url), historyToJSON(history));
    }
  }, 60_000);

  it('a start the server refuses fails for good, naming the warning; the call\'s other warnings start', async () => {
    const [, , c, d] = projects;
    const refused = { ...start(d, new Date().toISOString()), workflowId: `warning:${YEAR}:${'x'.repeat(1001)}` }; // over the server's id length
    const ok = start(c, new Date().toISOString());
    const e = await attempt([refused, ok]).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect(e).toMatchObject({ type: 'WarningNotStarted', nonRetryable: true });
    expect((e as Error).message).toContain('未能启动');
    // the server's own reason, from the operation it refused (not "Update-with-Start could not be executed")
    expect((e as Error).message).not.toContain('could not be executed');
    expect((e as Error).message).toMatch(/WorkflowId exceeds maximum allowed length/);
    expect((e as Error).message).not.toMatch(/aborted/i);
    const st = await eventually(async () => {
      const s = await status(ok.workflowId);
      return s.suspendedAt ? s : null;
    }, 'the other warning suspended');
    expect(st.triggers).toHaveLength(1);
  }, 60_000);
});
