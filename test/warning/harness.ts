// The warning tests' one setup: the finance stand-in, the system with the registry's warning, the
// people who act (the department's reviewer, finance's officer, its division head, the director, the
// business division), a trigger from a round, raising a warning as a process would (signalWithStart),
// its status and result, the project's ledger (payments left out), and a task found in the inbox.
// Workflow ids are the project's, in the run's one namespace, and every file's stand-in has the same
// projects: each file takes its own (`harness(dept, first)`; D01 has 8 projects, D02 9): outcomes
// D01 0–5, visible D01 6–7, faults D02 0–2, deadlines D02 3–6, own queue D02 7–8, record D01 0 only with RECORD_WARNING=1.
import { afterAll, beforeAll } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { PROCESSES } from '../../contracts/registry.zod';
import { warning } from '../../contracts/warning/manifest.zod';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, warningTaskQueue, warningWorkflowId, type WarningInput, type WarningTrigger } from '../../contracts/warning/trigger.zod';
import { WarningProfile } from '../../contracts/warning/profile.zod';
import type { Project } from '../../contracts/finance/finance.zod';
import type { WarningStatus } from '../../workflows/warning';

export { YEAR };
export type TestProject = Pick<Project, 'id' | 'name' | 'deptId' | 'unitId' | 'status'>;
export const PROCESSES_WITH_WARNING = [...PROCESSES.filter((p) => p.name !== 'warning'), warning];

/** The department's verification as the reviewer writes it. */
export const verification = { targetsAchievable: true, reasons: '受汛期影响施工延后，九月起恢复正常进度', evidence: [{ name: '施工日志' }] };
export const JUSTIFIED = '汛期停工已结束，施工单位已复工，九月底可完成年度产出指标';

export interface Harness {
  fin: StandIn;
  sys: TestSystem;
  /** The department's reviewer (d01-reviewer, d02-reviewer). */
  reviewer: Http;
  perf: Http;
  perfHead: Http;
  director: Http;
  biz: Http;
  /** The next project of the department this file has not used. */
  project(): TestProject;
  trigger(p: TestProject, at?: string): WarningTrigger;
  /** Raises a warning on p as a round would (signalWithStart); the profile's other values are its defaults. */
  raise(p: TestProject, profile?: Partial<WarningProfile>, dayMs?: number): Promise<string>;
  status(id: string): Promise<WarningStatus>;
  result(id: string): Promise<unknown>;
  /** The project's ledger rows other than payments, oldest first. */
  ledger(projectId: string): Promise<Array<{ op: string; idempotencyKey: string; amountFen: number | null; detail: Record<string, unknown> }>>;
  act(who: Http, taskId: string, body: unknown): ReturnType<Http['post']>;
  /** The open task of this type of the warning, as `who` sees it in the inbox. */
  taskOf(who: Http, workflowId: string, type: string): Promise<{ id: string; type: string; workflowId: string; status: string; escalated: boolean; actors?: string[] }>;
  /** Waits until cond holds (the inbox and the query are read models: eventually). */
  until(cond: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  /** Waits for the suspension and returns the status then. */
  suspended(id: string): Promise<WarningStatus>;
  /** A person this file needs beyond the demo directory (e.g. one holding two posts), logged in. */
  addUser(u: { id: string; name: string; org: string; roles: string[]; groups: string[] }): Promise<Http>;
}

/** Registers beforeAll/afterAll for a test file; the returned object is filled in before the first test. */
export function harness(dept: 'D01' | 'D02', first: number, opts: { enabled?: boolean; env?: Record<string, string> } = {}): Harness {
  let next = first;
  let projects: TestProject[] = [];
  const h = {} as Harness;
  h.project = () => {
    const p = projects[next++];
    if (!p) throw new Error(`${dept} has no project ${next - 1}: take another department or fewer projects`);
    return p;
  };
  h.trigger = (p, at = new Date().toISOString()) => ({
    year: YEAR,
    project: { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId },
    source: 'round',
    ref: 'round:test',
    trace: { rule: { id: 'execution-behind', label: '执行进度落后时间进度 30 个百分点' }, data: { executionRateBp: 1200, timeProgressBp: 5000 }, threshold: 3000, observedAt: at },
    triggeredBy: 'system',
    triggeredAt: at,
  });
  h.raise = async (p, profile = {}, dayMs) => {
    const id = warningWorkflowId(YEAR, p.id);
    const input: WarningInput = { trigger: h.trigger(p), profile: WarningProfile.parse(profile), ...(dayMs ? { dayMs } : {}) };
    await h.sys.deps.temporal.workflow.signalWithStart(WARNING_WORKFLOW, {
      workflowId: id,
      taskQueue: warningTaskQueue(h.sys.config.temporal.taskQueue),
      args: [input],
      signal: WARNING_TRIGGER_SIGNAL,
      signalArgs: [input.trigger],
    });
    return id;
  };
  h.status = (id) => h.sys.deps.temporal.workflow.getHandle(id).query<WarningStatus>('warning.status');
  h.result = (id) => h.sys.deps.temporal.workflow.getHandle(id).result();
  h.ledger = async (projectId) => (await h.fin.client.listLedger({ projectId, limit: 100 })).items.filter((e) => e.op !== 'payment');
  h.act = (who, id, body) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);
  h.taskOf = (who, workflowId, type) =>
    eventually(async () => (await who.get(`/api/tasks?limit=200`)).body.items?.find((t: { type: string; workflowId: string; status: string }) => t.type === type && t.workflowId === workflowId && t.status === 'open'), `${type} of ${workflowId}`);

  h.until = (cond, what, timeoutMs) => eventually(async () => (await cond()) || null, what, timeoutMs).then(() => undefined);
  h.suspended = async (id) => {
    await h.until(async () => !!(await h.status(id)).suspendedAt, `${id} suspended`);
    return h.status(id);
  };
  h.addUser = async (u) => {
    await h.sys.deps.db.query(
      `INSERT INTO users (id, name, email, org_id, roles, groups, dept_scope, head_id, demo) VALUES ($1, $2, $3, $4, $5, $6, '{}', null, true) ON CONFLICT (id) DO NOTHING`,
      [u.id, u.name, `${u.id}@test.jixiao.local`, u.org, u.roles, u.groups],
    );
    return h.sys.as(u.id);
  };

  beforeAll(async () => {
    if (opts.enabled === false) return;
    h.fin = await startStandIn({ projectIdPrefix: 'W' }); // its own project ids: another file's warning on P2026-00009 would take this file's trigger
    h.sys = await startSystem({ FINANCE_URL: h.fin.url, REGION: 'inner-mongolia', ...opts.env }, { processes: PROCESSES_WITH_WARNING });
    [h.reviewer, h.perf, h.perfHead, h.director, h.biz] = await Promise.all([`${dept.toLowerCase()}-reviewer`, 'perf-officer', 'perf-head', 'director', 'biz-officer'].map((u) => h.sys.as(u)));
    projects = (await h.fin.client.listProjects({ deptId: dept, year: YEAR, expenditure: 'project', limit: 100 })).items.filter((p) => p.status === 'active');
  }, 120_000);
  afterAll(async () => {
    await h.sys?.stop();
    await h.fin?.stop();
  });
  return h;
}
