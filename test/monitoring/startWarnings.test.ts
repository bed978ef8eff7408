// A monitoring batch starts its response's warnings through one local activity
// (monitoringStartWarnings: signalWithStart by the warning's contract), against a real Temporal
// server with the registry's warning workflow: a retried attempt (the same starts again) attaches
// nothing twice, a later trigger on the same project attaches once, and a start the server refuses
// fails for good, named, after the call's other warnings have started.
import { getEventListeners } from 'node:events';
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

const SCALE = { departments: 1, units: 2, projects: 12, transfers: 0, countiesPerTransfer: 0, years: 1 as const, libraryShare: 0 };

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
const eventsOf = async (id: string) => (await sys.deps.temporal.workflow.getHandle(id).fetchHistory()).events ?? [];

describe("a batch's warnings started by one activity", () => {
  it('a retried attempt starts nothing twice: each warning runs once with its one trigger, and payments stop once', async () => {
    const [a, b] = projects;
    const at = new Date().toISOString();
    const warnings = [start(a, at), start(b, at)];
    expect(await attempt(warnings)).toEqual({ warnings: 2 });
    expect(await attempt(warnings)).toEqual({ warnings: 2 }); // the attempt again, as after a lost answer
    for (const w of warnings) {
      const st = await eventually(async () => {
        const s = await status(w.workflowId);
        return s.suspendedAt ? s : null;
      }, `${w.workflowId} suspended`);
      expect(st.triggers).toHaveLength(1);
      expect(st.timeline.filter((e) => e.kind === 'trigger')).toHaveLength(1);
      const events = await eventsOf(w.workflowId);
      expect(events.filter((e) => e.workflowExecutionStartedEventAttributes)).toHaveLength(1);
      // the trigger was delivered with the start and again by the retry, and attached neither time
      expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(2);
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
    const st = await eventually(async () => {
      const s = await status(ok.workflowId);
      return s.suspendedAt ? s : null;
    }, 'the other warning suspended');
    expect(st.triggers).toHaveLength(1);
  }, 60_000);
});
