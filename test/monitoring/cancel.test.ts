// Ending a monitoring round early, against a real Temporal server with the finance stand-in (issue 19):
// finance cancels a round (作废本轮监控) and every open form of every department closes as cancelled,
// out of the units' inboxes, with who, why and when on the round; a second cancel changes nothing; the
// same after the round continued as new, and on a Temporal cancellation request; a part that never
// confirms holds the round only until its bound, and is listed on the round. A Temporal cancellation
// request of a department or of a batch closes its forms and the round shows the department failed
// until finance re-runs it. A department's part
// that fails for good is shown failed on the round (finance hears of it), the round does not close, and
// finance's re-run of that department recovers it and lets the round close; it closes its other
// batches' forms first (what a unit did on them the re-run would throw away).
//   RECORD_MONITORING=1 also writes the histories of these paths for the replay tests
//   (test/monitoring/histories, test/replay/histories).
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_BATCH_WORKFLOW, MONITORING_DEPARTMENT_WORKFLOW, MONITORING_ROUND_WORKFLOW, batchWorkflowId, departmentWorkflowId, roundId } from '../../contracts/monitoring/names';
import type { RoundTotals } from '../../contracts/monitoring/round.zod';
import { rerunDepartmentSignal, type RoundStatus } from '../../contracts/monitoring/rules';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { eventually, recordingEnv, type RecordingEnv, type TestSystem } from '../helpers/system';
import { YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const SCALE = { departments: 3, units: 6, projects: 60, transfers: 0, countiesPerTransfer: 0, years: 2 as const, libraryShare: 0 };
const LAST_YEAR = YEAR - 1;
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];
const DEPTS = ['D01', 'D02', 'D03'];
/** A task queue no worker polls: a workflow started there holds its id and never runs. */
const NOBODY = 'jixiao-test-nobody-polls';

let env: RecordingEnv;
let fin: StandIn;
let sys: TestSystem;

beforeAll(async () => {
  env = await recordingEnv({ region: 'inner-mongolia', recordFlag: 'RECORD_MONITORING', standIn: { scale: SCALE, seed: 53 }, processes });
  ({ fin, sys } = env);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

/** A round under a cut-off no other test file uses (ids are shared in the namespace), no data-rule warnings (lag threshold 100) unless `lag` says. */
async function startRound(year: number, cutoff: string, { lag = 100, ...extra }: Record<string, unknown> = {}) {
  const t = roundTemplate(sys.config.region, sys.config.region.monitoring.rounds[0], 'test');
  return sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
    workflowId: roundId(year, cutoff),
    taskQueue: sys.config.temporal.taskQueue,
    args: [{ ...t, cutoff, profile: { ...t.profile, executionLagPoints: lag }, year, batchSize: 10, formDueMs: 600_000, ...extra }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

async function projectsOf(year: number): Promise<string[]> {
  const out: string[] = [];
  for (const deptId of DEPTS) out.push(...(await fin.client.listProjects({ year, deptId, expenditure: 'project', limit: 500 })).items.map((p) => p.id));
  return out.sort();
}

interface TaskRow {
  id: string;
  workflow_id: string;
  type: string;
  status: string;
  project_id: string;
  unit_id: string;
  dept_id: string;
}
const tasksOf = async (round: string) => (await sys.deps.db.query<TaskRow>('SELECT id, workflow_id, type, status, project_id, unit_id, dept_id FROM tasks WHERE workflow_id LIKE $1 ORDER BY id', [`${round}:%`])).rows;
const roundRow = async (round: string) =>
  (await sys.deps.db.query<{ stage: string; cancelled_by: string | null; cancelled_by_name: string | null; cancel_reason: string | null; cancelled_at: Date | null; failures: Array<{ deptId: string; reason: string; open: number[] }>; unconfirmed: string[] }>('SELECT * FROM monitoring_rounds WHERE round = $1', [round])).rows[0];
const formsOpen = (round: string, n: number) =>
  eventually(async () => {
    const t = (await tasksOf(round)).filter((x) => x.type === 'monitoring.form' && x.status === 'open');
    return t.length >= n && t;
  }, `${n} forms open in ${round}`, 90_000);
/** Every run of a workflow, first to last. */
async function runsOf(workflowId: string): Promise<temporal.api.history.v1.IHistory[]> {
  const out = [await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory()];
  for (let prev = out[0].events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId; prev; ) {
    const h = await sys.deps.temporal.workflow.getHandle(workflowId, prev).fetchHistory();
    out.unshift(h);
    prev = h.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  }
  return out;
}
const statusOf = async (workflowId: string) => (await sys.deps.temporal.workflow.getHandle(workflowId).describe()).status.name;
const submit = { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 60, expectedPct: 100 }], expectedExecutionPct: 100 };

/** With RECORD_MONITORING: these histories for the replay tests. */
function record(files: Array<[string, temporal.api.history.v1.IHistory]>) {
  if (!process.env.RECORD_MONITORING) return;
  const stamp = process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10);
  for (const dir of [new URL('./histories/', import.meta.url), new URL('../replay/histories/', import.meta.url)]) {
    mkdirSync(dir, { recursive: true });
    for (const [name, h] of files) writeFileSync(new URL(`${name}-${stamp}.json`, dir), historyToJSON(h));
  }
}

describe('finance cancels a round (作废本轮监控)', () => {
  const round = roundId(YEAR, '08-31');

  it('every open form of every department closes as cancelled and leaves the inboxes; the round says cancelled, by whom and why', async () => {
    const all = await projectsOf(YEAR);
    const h = await startRound(YEAR, '08-31');
    const forms = await formsOpen(round, all.length);
    expect(new Set(forms.map((f) => f.dept_id))).toEqual(new Set(DEPTS));
    // one form submitted (its review is open in the department's inbox), one approved: both kinds of task are in play
    const [reviewed, approved] = forms.filter((f) => f.unit_id === 'U0101');
    const unit = await sys.as('u0101-preparer');
    for (const f of [reviewed, approved]) expect((await unit.post(`/api/tasks/${encodeURIComponent(f.id)}/actions`, { action: 'decide', outcome: 'submit', form: submit })).status).toBe(200);
    const reviewer = await sys.as('d01-reviewer');
    const review = await eventually(async () => (await tasksOf(round)).find((t) => t.type === 'monitoring.review' && t.project_id === approved.project_id && t.status === 'open'), 'the review');
    expect((await reviewer.post(`/api/tasks/${encodeURIComponent(review.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意' } })).status).toBe(200);
    await eventually(async () => (await tasksOf(round)).some((t) => t.type === 'monitoring.review' && t.project_id === reviewed.project_id && t.status === 'open'), 'the other review open');
    const inboxBefore = (await unit.get('/api/tasks?limit=200')).body.items.filter((t: { workflowId: string }) => t.workflowId.startsWith(`${round}:`));
    expect(inboxBefore.length).toBeGreaterThan(0);

    // only finance cancels a round, and only with a reason
    expect((await unit.post(`/api/monitoring/rounds/${YEAR}/08-31/cancel`, { reason: '不需要了' })).status).toBe(403);
    const perf = await sys.as('perf-officer');
    const noReason = await perf.post(`/api/monitoring/rounds/${YEAR}/08-31/cancel`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.field).toBe('body.reason');
    expect((await perf.post(`/api/monitoring/rounds/${YEAR}/08-31/cancel`, { reason: '   ' })).status).toBe(400);
    expect((await perf.post(`/api/monitoring/rounds/${YEAR}/01-31/cancel`, { reason: '口径调整' })).status).toBe(404);

    const r = await perf.post(`/api/monitoring/rounds/${YEAR}/08-31/cancel`, { reason: '统计口径调整，本轮作废重报' });
    expect([200, 202], JSON.stringify(r.body)).toContain(r.status);
    expect(r.body).toMatchObject({ round, cancelled: { by: 'perf-officer', reason: '统计口径调整，本轮作废重报' } });
    const totals = (await h.result()) as RoundTotals;

    // the round row: cancelled, who, why, when
    const row = await roundRow(round);
    expect(row).toMatchObject({ stage: 'cancelled', cancelled_by: 'perf-officer', cancelled_by_name: '郑洁', cancel_reason: '统计口径调整，本轮作废重报' });
    expect(row.cancelled_at).toBeTruthy();
    const page = (await perf.get(`/api/monitoring/rounds/${YEAR}/08-31`)).body;
    expect(page).toMatchObject({ stage: 'cancelled', cancelled: { by: 'perf-officer', byName: '郑洁', reason: '统计口径调整，本轮作废重报' } });
    // every task that was open is cancelled (not approved), the approved review stays as it was; nothing is open
    const after = await tasksOf(round);
    expect(after.filter((t) => t.status === 'open')).toEqual([]);
    expect(after.filter((t) => t.type === 'monitoring.form' && t.status === 'cancelled').length).toBe(all.length - 2);
    expect(after.find((t) => t.type === 'monitoring.review' && t.project_id === reviewed.project_id)?.status).toBe('cancelled');
    expect(after.find((t) => t.type === 'monitoring.review' && t.project_id === approved.project_id)?.status).toBe('completed');
    const cancelAudit = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id LIKE $1`, [`${round}:%`])).rows;
    expect(cancelAudit.length).toBe(all.length - 1);
    expect(cancelAudit.every((a) => a.reason === '本轮监控已作废：统计口径调整，本轮作废重报')).toBe(true);
    // out of the unit's inbox
    const inboxAfter = (await unit.get('/api/tasks?limit=200')).body.items.filter((t: { workflowId: string }) => t.workflowId.startsWith(`${round}:`));
    expect(inboxAfter).toEqual([]);
    // the unit heard it (one notice per batch), as did the department
    const notices = (await sys.deps.db.query<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE kind = 'notice' AND user_id = ANY($1::text[]) AND subject LIKE $2`, [['u0101-preparer', 'd01-reviewer'], '%已作废%'])).rows;
    expect(notices.some((m) => m.subject.includes('张绩效监控表已关闭'))).toBe(true);
    expect(notices.some((m) => m.subject.includes('所属单位的绩效监控表已关闭'))).toBe(true);
    expect(notices.every((m) => m.body_text.includes('统计口径调整'))).toBe(true);
    // the results say so; the counts are the round's
    const stages = (await sys.deps.db.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM monitoring_results WHERE round = $1 GROUP BY stage ORDER BY stage', [round])).rows;
    expect(stages).toEqual([{ stage: 'approved', n: 1 }, { stage: 'cancelled', n: all.length - 1 }]);
    expect(totals).toMatchObject({ projects: all.length, submitted: 2, approved: 1, cancelled: all.length - 1 });
    // every part has ended: nothing keeps a form open, no warning can come from this round any more
    for (const d of DEPTS) expect(await statusOf(departmentWorkflowId(round, d))).toBe('COMPLETED');
    for (const b of new Set(forms.map((f) => f.workflow_id))) expect(await statusOf(b)).toBe('COMPLETED');
    const late = await unit.post(`/api/tasks/${encodeURIComponent(forms.find((f) => f.id !== reviewed.id && f.id !== approved.id)!.id)}/actions`, { action: 'decide', outcome: 'submit', form: { ...submit, expectedExecutionPct: 10 } });
    expect(late.status).toBe(409);
    // who, why and when on the audit trail: once for the round, once per department
    const audit = (await sys.deps.db.query<{ actor_id: string; reason: string; workflow_id: string }>(`SELECT actor_id, reason, workflow_id FROM audit WHERE action IN ('monitoring.roundCancelled', 'monitoring.departmentCancelled') AND workflow_id LIKE $1 ORDER BY workflow_id`, [`${round}%`])).rows;
    expect(audit).toEqual([round, ...DEPTS.map((d) => departmentWorkflowId(round, d))].map((w) => ({ actor_id: 'perf-officer', reason: '统计口径调整，本轮作废重报', workflow_id: w })));

    const dept = departmentWorkflowId(round, 'D01');
    record([
      [`${MONITORING_ROUND_WORKFLOW}-cancelled`, await sys.deps.temporal.workflow.getHandle(round).fetchHistory()],
      [`${MONITORING_DEPARTMENT_WORKFLOW}-cancelled`, await sys.deps.temporal.workflow.getHandle(dept).fetchHistory()],
      [`${MONITORING_BATCH_WORKFLOW}-cancelled`, await sys.deps.temporal.workflow.getHandle(reviewed.workflow_id).fetchHistory()],
    ]);
  }, 180_000);

  it('a second cancel is refused, naming who cancelled it, and changes nothing', async () => {
    const perf = await sys.as('perf-head');
    const before = await roundRow(round);
    const again = await perf.post(`/api/monitoring/rounds/${YEAR}/08-31/cancel`, { reason: '再次作废' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already cancelled by 郑洁/);
    expect(await roundRow(round)).toEqual(before);
    const n = (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE action = 'monitoring.roundCancelled' AND workflow_id = $1`, [round])).rows[0].n;
    expect(n).toBe(1);
  });
});

describe('cancelling a round that continued as new', () => {
  const round = roundId(YEAR, '09-15');

  it('still closes every open form of every department', async () => {
    const all = await projectsOf(YEAR);
    const h = await startRound(YEAR, '09-15', { roundMaxHistoryEvents: 20 });
    await formsOpen(round, all.length);
    const continued = await eventually(async () => {
      const r = await runsOf(round);
      return r.length > 1 && r;
    }, 'the round continued as new', 30_000);
    expect(continued.length).toBeGreaterThan(1);
    const perf = await sys.as('perf-officer');
    const r = await perf.post(`/api/monitoring/rounds/${YEAR}/09-15/cancel`, { reason: '预算调整，重新组织监控' }, { 'idempotency-key': 'cancel-09-15' });
    expect([200, 202]).toContain(r.status);
    await h.result();
    expect((await tasksOf(round)).filter((t) => t.status === 'open')).toEqual([]);
    expect((await tasksOf(round)).filter((t) => t.type === 'monitoring.form' && t.status === 'cancelled').length).toBe(all.length);
    expect(await roundRow(round)).toMatchObject({ stage: 'cancelled', cancelled_by: 'perf-officer', cancel_reason: '预算调整，重新组织监控' });
    // the departments were started by the first run and told by the last one
    const runs = await runsOf(round);
    expect(runs.length).toBeGreaterThan(1);
    const last = runs[runs.length - 1].events ?? [];
    expect(last.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
    expect(last.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes).length).toBe(DEPTS.length);
    // the same request again (its Idempotency-Key) gets the first answer, not a refusal
    const retry = await perf.post(`/api/monitoring/rounds/${YEAR}/09-15/cancel`, { reason: '预算调整，重新组织监控' }, { 'idempotency-key': 'cancel-09-15' });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body).toMatchObject({ stage: 'cancelled', cancelled: { by: 'perf-officer' } });
    record([[`${MONITORING_ROUND_WORKFLOW}-cancelled-after-continue-as-new`, runs[runs.length - 1]]]);
  }, 180_000);
});

describe('a Temporal cancellation request of a round', () => {
  const round = roundId(YEAR, '09-30');

  it("does the same cleanup: every department's forms close, a failed department's batches too, and the round says cancelled", async () => {
    const all = await projectsOf(YEAR);
    // D03's second batch cannot start (its id is taken): D03 fails with its other batches' forms open
    const squatted = batchWorkflowId(departmentWorkflowId(round, 'D03'), 1);
    await sys.deps.temporal.workflow.start('squatter', { workflowId: squatted, taskQueue: NOBODY });
    const B = 2;
    const h = await startRound(YEAR, '09-30', { batchSize: B });
    const d03 = (await fin.client.listProjects({ year: YEAR, deptId: 'D03', expenditure: 'project', limit: 500 })).items.length;
    expect(d03, 'D03 has two batches').toBeGreaterThan(B);
    const inB1 = Math.min(B, d03 - B);
    const failed = await eventually(async () => (await roundRow(round))?.failures.find((f) => f.deptId === 'D03'), 'D03 failed on the round', 60_000);
    // D03 closed its other batches' forms as it failed; the other departments' are open
    expect(failed.open).toEqual([]);
    await formsOpen(round, all.length - d03);
    await h.cancel();
    await expect(h.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await h.describe()).status.name).toBe('CANCELLED');
    expect((await tasksOf(round)).filter((t) => t.status === 'open')).toEqual([]);
    expect((await tasksOf(round)).filter((t) => t.dept_id === 'D03' && t.status === 'cancelled').length).toBe(d03 - inB1);
    expect(await roundRow(round)).toMatchObject({ stage: 'cancelled', cancelled_by: 'temporal' });
    expect(await statusOf(batchWorkflowId(departmentWorkflowId(round, 'D03'), 0))).toBe('COMPLETED');
    await sys.deps.temporal.workflow.getHandle(squatted).terminate('test done');
    record([
      [`${MONITORING_ROUND_WORKFLOW}-temporal-cancel-with-failed-department`, await h.fetchHistory()],
      [`${MONITORING_BATCH_WORKFLOW}-cancelled-by-round-of-failed-department`, await sys.deps.temporal.workflow.getHandle(batchWorkflowId(departmentWorkflowId(round, 'D03'), 0)).fetchHistory()],
    ]);
  }, 180_000);
});

describe('a Temporal cancellation request of a department', () => {
  const round = roundId(YEAR, '08-15');

  it('closes its forms as cancelled, the round shows the department failed and stays open, and finance re-runs it', async () => {
    const all = await projectsOf(YEAR);
    const d02 = (await fin.client.listProjects({ year: YEAR, deptId: 'D02', expenditure: 'project', limit: 500 })).items.map((p) => p.id).sort();
    const h = await startRound(YEAR, '08-15');
    await formsOpen(round, all.length);
    const dept = departmentWorkflowId(round, 'D02');
    // from the Temporal UI or CLI: no reason, no user
    await sys.deps.temporal.workflow.getHandle(dept).cancel();
    await eventually(async () => (await statusOf(dept)) === 'CANCELLED', 'the department ended cancelled', 60_000);
    const failed = await eventually(async () => (await roundRow(round))?.failures.find((f) => f.deptId === 'D02'), 'D02 on the round', 30_000);
    expect(failed).toMatchObject({ workflowId: dept, open: [] });
    expect(failed.reason).toContain('部门监控任务已取消');
    expect(failed.reason).toContain('Temporal cancellation request');
    // its forms closed (out of the inboxes, results cancelled), its batches ended; the other departments' are untouched
    const tasks = await tasksOf(round);
    const ofD02 = tasks.filter((t) => t.dept_id === 'D02');
    expect(ofD02.map((t) => t.project_id).sort()).toEqual(d02);
    expect(ofD02.filter((t) => t.status !== 'cancelled')).toEqual([]);
    for (const b of new Set(ofD02.map((t) => t.workflow_id))) expect(await statusOf(b)).toBe('COMPLETED');
    expect(tasks.filter((t) => t.dept_id !== 'D02' && t.status === 'open').length).toBe(all.length - d02.length);
    const why = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id LIKE $1`, [`${dept}:%`])).rows;
    expect(why.length).toBe(d02.length);
    expect(why.every((w) => w.reason === '部门监控任务已取消，监控表已关闭：工作流收到取消请求（Temporal cancellation request）')).toBe(true);
    const results = (await sys.deps.db.query<{ stage: string; n: number }>(`SELECT stage, count(*)::int AS n FROM monitoring_results WHERE round = $1 AND dept_id = 'D02' GROUP BY stage`, [round])).rows;
    expect(results).toEqual([{ stage: 'cancelled', n: d02.length }]);
    const audit = (await sys.deps.db.query<{ actor_id: string }>(`SELECT actor_id FROM audit WHERE action = 'monitoring.departmentCancelled' AND workflow_id = $1`, [dept])).rows;
    expect(audit).toEqual([{ actor_id: 'temporal' }]);
    expect((await sys.deps.db.query(`SELECT 1 FROM outbox WHERE kind = 'notice' AND user_id = 'd02-reviewer' AND subject LIKE $1`, [`%${YEAR}年%监控任务已取消，所属单位的绩效监控表已关闭`])).rows.length).toBe(1);
    // the round waits for it (finance is told), until finance re-runs the department
    expect(await statusOf(round)).toBe('RUNNING');
    expect((await roundRow(round)).stage).toBe('open');
    const perf = await sys.as('perf-officer');
    // (the API re-runs rounds of the profile's cut-offs only: this one's own cut-off takes the round's signal the API sends)
    await h.signal(rerunDepartmentSignal, { deptId: 'D02', by: 'perf-officer' });
    const again = await eventually(async () => {
      const t = (await tasksOf(round)).filter((x) => x.type === 'monitoring.form' && x.status === 'open' && x.workflow_id.startsWith(`${departmentWorkflowId(round, 'D02', 1)}:`));
      return t.length === d02.length && t;
    }, "the re-run's forms", 60_000);
    expect(again.map((t) => t.project_id).sort()).toEqual(d02);
    expect((await roundRow(round)).failures).toEqual([]);
    expect((await perf.post(`/api/monitoring/rounds/${YEAR}/08-15/cancel`, { reason: '测试结束' })).status).toBeLessThan(300);
    await h.result();
    const runs = await runsOf(round);
    record([
      [`${MONITORING_DEPARTMENT_WORKFLOW}-cancelled-by-request`, await sys.deps.temporal.workflow.getHandle(dept).fetchHistory()],
      [`${MONITORING_BATCH_WORKFLOW}-closed-by-its-cancelled-department`, await sys.deps.temporal.workflow.getHandle(ofD02[0].workflow_id).fetchHistory()],
      [`${MONITORING_ROUND_WORKFLOW}-department-cancelled-by-request-then-rerun`, runs[runs.length - 1]],
    ]);
  }, 180_000);
});

describe('a Temporal cancellation request of a batch', () => {
  const round = roundId(YEAR, '12-20');

  it('closes its forms as cancelled and its department fails with it (closing its other batches), shown on the round', async () => {
    const d01 = (await fin.client.listProjects({ year: YEAR, deptId: 'D01', expenditure: 'project', limit: 500 })).items.map((p) => p.id);
    const B = 3;
    expect(d01.length, 'D01 has two batches').toBeGreaterThan(B);
    // every project behind time progress warns as the round opens (Inner Mongolia: a warning, payments suspended)
    const h = await startRound(YEAR, '12-20', { deptIds: ['D01'], batchSize: B, lag: 0 });
    await formsOpen(round, d01.length);
    const dept = departmentWorkflowId(round, 'D01');
    const batch = batchWorkflowId(dept, 0);
    const warnings = await eventually(async () => {
      const w = (await sys.deps.db.query<{ ref: string }>(`SELECT response_ref AS ref FROM monitoring_results WHERE round = $1 AND batch_id = $2 AND response_ref IS NOT NULL`, [round, batch])).rows.map((r) => r.ref);
      return w.length > 0 && w;
    }, 'warnings of the batch');
    await sys.deps.temporal.workflow.getHandle(batch).cancel();
    await eventually(async () => (await statusOf(batch)) === 'CANCELLED', 'the batch ended cancelled', 60_000);
    // the warnings it raised are not cancelled with it (they were started shielded from the request)
    for (const w of warnings) expect(await statusOf(w), w).toBe('RUNNING');
    const failed = await eventually(async () => (await roundRow(round))?.failures.find((f) => f.deptId === 'D01'), 'D01 failed on the round', 60_000);
    expect(failed.reason).toMatch(/^BatchCancelled: 监控批次 b0 已取消：监控批次已取消，其监控表已关闭：工作流收到取消请求/);
    expect(failed.open).toEqual([]);
    await eventually(async () => (await statusOf(dept)) === 'FAILED', 'the department failed with it');
    const tasks = await tasksOf(round);
    expect(tasks.filter((t) => t.status === 'open')).toEqual([]);
    const own = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id = $1`, [batch])).rows;
    expect(own.length).toBe(B);
    expect(own.every((w) => w.reason === '监控批次已取消，监控表已关闭，财政重新监控后将重新下发：工作流收到取消请求（Temporal cancellation request）')).toBe(true);
    const others = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id LIKE $1 AND workflow_id <> $2`, [`${dept}:%`, batch])).rows;
    expect(others.length).toBe(d01.length - B);
    expect(others.every((w) => w.reason.startsWith('部门监控任务失败，监控表已关闭') && w.reason.includes('已取消'))).toBe(true);
    expect(await statusOf(round)).toBe('RUNNING');
    const perf = await sys.as('perf-officer');
    expect((await perf.post(`/api/monitoring/rounds/${YEAR}/12-20/cancel`, { reason: '测试结束' })).status).toBeLessThan(300);
    await h.result();
    record([
      [`${MONITORING_BATCH_WORKFLOW}-cancelled-by-request`, await sys.deps.temporal.workflow.getHandle(batch).fetchHistory()],
      [`${MONITORING_DEPARTMENT_WORKFLOW}-failed-with-its-cancelled-batch`, await sys.deps.temporal.workflow.getHandle(dept).fetchHistory()],
    ]);
  }, 180_000);
});

describe('a cancelled round with a part that never confirms', () => {
  const round = roundId(YEAR, '10-15');

  it('ends after its bound all the same, and the part that did not confirm is on the row, the audit trail, the page and in finance\'s notice', async () => {
    const all = await projectsOf(YEAR);
    // the round waits at most 10 s for its parts (a department 5 s for its batches)
    const h = await startRound(YEAR, '10-15', { stopConfirmMs: 10_000 });
    await formsOpen(round, all.length);
    // D02's workflow tasks fail from now on (a signal its handler cannot read: in production, a bug):
    // it never answers the round's stop
    const stuck = departmentWorkflowId(round, 'D02');
    await sys.deps.temporal.workflow.getHandle(stuck).signal('monitoring.batchDone', null);
    const perf = await sys.as('perf-officer');
    const r = await perf.post(`/api/monitoring/rounds/${YEAR}/10-15/cancel`, { reason: '监控范围有误，本轮作废' });
    expect([200, 202], JSON.stringify(r.body)).toContain(r.status);
    await h.result();
    const row = await roundRow(round);
    expect(row).toMatchObject({ stage: 'cancelled', cancel_reason: '监控范围有误，本轮作废', unconfirmed: [stuck] });
    const page = (await perf.get(`/api/monitoring/rounds/${YEAR}/10-15`)).body;
    expect(page).toMatchObject({ stage: 'cancelled', unconfirmed: [stuck] });
    const audit = (await sys.deps.db.query<{ reason: string; detail: { unconfirmed: string[] } }>(`SELECT reason, detail FROM audit WHERE action = 'monitoring.partsUnconfirmed' AND workflow_id = $1`, [round])).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0].detail.unconfirmed).toEqual([stuck]);
    expect(audit[0].reason).toContain(stuck);
    const notice = await eventually(async () => (await sys.deps.db.query<{ body_text: string }>(`SELECT body_text FROM outbox WHERE kind = 'notice' AND user_id = 'perf-officer' AND subject LIKE $1`, [`%${YEAR}年%未确认关闭%`])).rows[0], "finance's notice");
    expect(notice.body_text).toContain(stuck);
    // the others confirmed: their forms are closed; D02's are still open, which is what the page asks finance to check
    const tasks = await tasksOf(round);
    expect(tasks.filter((t) => t.dept_id !== 'D02' && t.status === 'open')).toEqual([]);
    expect(tasks.filter((t) => t.dept_id === 'D02' && t.status === 'open').length).toBeGreaterThan(0);
    for (const d of ['D01', 'D03']) expect(await statusOf(departmentWorkflowId(round, d))).toBe('COMPLETED');
    expect(await statusOf(stuck)).toBe('RUNNING');
    const runs = await runsOf(round);
    record([
      [`${MONITORING_ROUND_WORKFLOW}-cancelled-with-unconfirmed-part`, runs[runs.length - 1]],
      [`${MONITORING_DEPARTMENT_WORKFLOW}-cancelled-within-its-bound`, await sys.deps.temporal.workflow.getHandle(departmentWorkflowId(round, 'D01')).fetchHistory()],
    ]);
    for (const id of [stuck, ...new Set(tasks.filter((t) => t.dept_id === 'D02').map((t) => t.workflow_id))]) await sys.deps.temporal.workflow.getHandle(id).terminate('test done').catch(() => undefined);
  }, 180_000);
});

describe('a department whose part fails for good', () => {
  const cutoff = '04-30';
  const round = roundId(LAST_YEAR, cutoff);

  it('closes its other batches\' forms, is shown failed on the round with the reason, finance hears of it, the round stays open, and a re-run for it lets the round close', async () => {
    const all = await projectsOf(LAST_YEAR);
    const d02 = (await fin.client.listProjects({ year: LAST_YEAR, deptId: 'D02', expenditure: 'project', limit: 500 })).items.map((p) => p.id).sort();
    expect(d02.length, 'D02 has two batches').toBeGreaterThan(10);
    const failedRun = departmentWorkflowId(round, 'D02');
    const squatted = batchWorkflowId(failedRun, 1);
    await sys.deps.temporal.workflow.start('squatter', { workflowId: squatted, taskQueue: NOBODY });
    const h = await startRound(LAST_YEAR, cutoff, { formDueMs: 4_000 });

    // failed, with its reason, on the round's row, page and status; finance's notice
    const row = await eventually(async () => {
      const r = await roundRow(round);
      return r && r.failures.length > 0 && r;
    }, 'the failure on the round', 60_000);
    const pages = Math.ceil(d02.length / 10);
    const others = Array.from({ length: pages }, (_, b) => b).filter((b) => b !== 1); // every batch but the one that could not start
    // its other batches closed their open forms before it told the round (none left running: open is empty)
    expect(row.failures).toMatchObject([{ deptId: 'D02', workflowId: failedRun, open: [] }]);
    expect(row.failures[0].reason).toMatch(/already started/i);
    await eventually(async () => (await statusOf(failedRun)) === 'FAILED', 'the failed part ended failed'); // it said why just before
    const ofOthers = (await tasksOf(round)).filter((t) => others.some((b) => t.workflow_id === batchWorkflowId(failedRun, b)));
    expect(ofOthers.length).toBe(d02.length - Math.min(10, d02.length - 10));
    expect(ofOthers.filter((t) => t.status !== 'cancelled')).toEqual([]);
    for (const b of others) expect(await statusOf(batchWorkflowId(failedRun, b))).toBe('COMPLETED');
    const closedWhy = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id = ANY($1::text[])`, [others.map((b) => batchWorkflowId(failedRun, b))])).rows;
    expect(closedWhy.length).toBe(ofOthers.length);
    expect(closedWhy.every((a) => a.reason.startsWith('部门监控任务失败，监控表已关闭，财政重新监控后将重新下发：') && /already started/i.test(a.reason))).toBe(true);
    const results = (await sys.deps.db.query<{ stage: string; n: number }>(`SELECT stage, count(*)::int AS n FROM monitoring_results WHERE round = $1 AND dept_id = 'D02' GROUP BY stage`, [round])).rows;
    expect(results).toEqual([{ stage: 'cancelled', n: ofOthers.length }]);
    // the units (U0201 has a demo preparer) and the department heard it
    const unitNotice = (await sys.deps.db.query<{ subject: string }>(`SELECT subject FROM outbox WHERE kind = 'notice' AND user_id = 'u0201-preparer' AND subject LIKE $1`, [`%${LAST_YEAR}年%张绩效监控表已关闭`])).rows;
    expect(unitNotice.length).toBe(new Set(ofOthers.filter((t) => t.unit_id === 'U0201').map((t) => t.workflow_id)).size); // once per batch
    expect(unitNotice.every((m) => !m.subject.includes('已作废'))).toBe(true);
    expect((await sys.deps.db.query(`SELECT 1 FROM outbox WHERE kind = 'notice' AND user_id = 'd02-reviewer' AND subject LIKE $1`, [`%${LAST_YEAR}年%监控任务失败，所属单位的绩效监控表已关闭`])).rows.length).toBe(1);
    expect((await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE action = 'monitoring.departmentFormsClosed' AND workflow_id = $1`, [failedRun])).rows[0].n).toBe(1);
    const perf = await sys.as('perf-officer');
    const page = (await perf.get(`/api/monitoring/rounds/${LAST_YEAR}/${cutoff}`)).body;
    expect(page.failed).toMatchObject([{ deptId: 'D02', workflowId: failedRun }]);
    const status = await h.query<RoundStatus>('monitoring.round.status');
    expect(status.failed?.map((f) => f.deptId)).toEqual(['D02']);
    const notice = await eventually(async () => (await sys.deps.db.query<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE kind = 'notice' AND user_id = 'perf-officer' AND subject LIKE $1`, [`%${LAST_YEAR}年%监控任务失败%`])).rows[0], "finance's notice");
    expect(notice.body_text).toMatch(/already started/i);
    expect((await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE action = 'monitoring.departmentFailed' AND workflow_id = $1`, [round])).rows[0].n).toBe(1);

    // the other departments close their forms; the round does not report itself closed meanwhile
    for (const d of ['D01', 'D03']) await eventually(async () => (await statusOf(departmentWorkflowId(round, d))) === 'COMPLETED', `${d} done`, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(round)).toBe('RUNNING');
    expect((await roundRow(round)).stage).toBe('open');

    // finance re-runs D02: its failed part's batch closes its forms, the new part opens one per project, the round closes
    const rr = await perf.post('/api/monitoring/rounds', { year: LAST_YEAR, cutoff, deptId: 'D02' });
    expect(rr.status, JSON.stringify(rr.body)).toBe(200);
    const totals = (await h.result()) as RoundTotals;
    expect(totals.projects).toBe(all.length);
    const closed = await roundRow(round);
    expect(closed).toMatchObject({ stage: 'closed', failures: [] });
    const tasks = await tasksOf(round);
    const leftOver = tasks.filter((t) => others.some((b) => t.workflow_id === batchWorkflowId(failedRun, b)));
    expect(leftOver.length).toBe(d02.length - Math.min(10, d02.length - 10));
    expect(leftOver.every((t) => t.status === 'cancelled')).toBe(true);
    const rerun = tasks.filter((t) => t.type === 'monitoring.form' && t.workflow_id.startsWith(`${departmentWorkflowId(round, 'D02', 1)}:`));
    expect(rerun.map((t) => t.project_id).sort()).toEqual(d02);
    // a closed round cannot be cancelled
    const late = await perf.post(`/api/monitoring/rounds/${LAST_YEAR}/${cutoff}/cancel`, { reason: '太晚了' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/closed/);
    await sys.deps.temporal.workflow.getHandle(squatted).terminate('test done');
    const runs = await runsOf(round);
    record([
      [`${MONITORING_ROUND_WORKFLOW}-department-failed-then-rerun`, runs[runs.length - 1]],
      [`${MONITORING_DEPARTMENT_WORKFLOW}-failed-batch-not-started-closes-the-others`, await sys.deps.temporal.workflow.getHandle(failedRun).fetchHistory()],
      [`${MONITORING_BATCH_WORKFLOW}-closed-by-its-failed-department`, await sys.deps.temporal.workflow.getHandle(batchWorkflowId(failedRun, 0)).fetchHistory()],
    ]);
  }, 240_000);
});

describe('a batch whose part fails for good (the finance system refuses a revision for good: the project left the budget year)', () => {
  const round = roundId(YEAR, '11-15');

  it('closes its open forms and tells its department, which fails with it and closes its other batches\' forms; the round shows the department failed and can still be cancelled', async () => {
    const d01 = (await fin.client.listProjects({ year: YEAR, deptId: 'D01', expenditure: 'project', limit: 500 })).items.map((p) => p.id);
    const B = 3;
    expect(d01.length, 'D01 has two batches').toBeGreaterThan(B);
    const h = await startRound(YEAR, '11-15', { deptIds: ['D01'], batchSize: B });
    const forms = await formsOpen(round, d01.length);
    const form = forms.find((f) => f.unit_id === 'U0101' || f.unit_id === 'U0102')!;
    expect(form, 'a form of a unit with a demo preparer').toBeDefined();
    const unit = await sys.as(`${form.unit_id.toLowerCase()}-preparer`);
    const target = { level1: 'output', level2: '数量指标', name: '新建校舍面积', target: '800', unit: '平方米', direction: '>=', isCore: true };
    expect((await unit.post(`/api/tasks/${encodeURIComponent(form.id)}/actions`, { action: 'decide', outcome: 'adjust', form: { kind: 'policy', reason: '上级政策调整，建设规模调减', indicators: [target] } })).status).toBe(200);
    const perf = await sys.as('perf-officer');
    const adj = await eventually(async () => (await tasksOf(round)).find((t) => t.type === 'monitoring.targetAdjustment' && t.status === 'open'), 'the adjustment');
    // meanwhile the finance system moved the project to another budget year: it refuses the revision for good (OUTSIDE_BUDGET_YEAR)
    await fin.db.query('UPDATE projects SET year = $2 WHERE id = $1', [form.project_id, YEAR + 5]);
    expect((await perf.post(`/api/tasks/${encodeURIComponent(adj.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意' } })).status).toBe(200);

    const failed = await eventually(async () => (await roundRow(round))?.failures.find((f) => f.deptId === 'D01'), 'D01 failed on the round', 60_000);
    await fin.db.query('UPDATE projects SET year = $2 WHERE id = $1', [form.project_id, YEAR]);
    expect(failed.reason).toMatch(/监控批次 b\d+ 失败：Activity task failed/);
    expect(failed.reason).toContain('OUTSIDE_BUDGET_YEAR');
    // each said why before failing: the batch and the department end failed just after
    for (const w of [form.workflow_id, departmentWorkflowId(round, 'D01')]) await eventually(async () => (await statusOf(w)) === 'FAILED', `${w} failed`);
    // the failed batch's forms are out of the inboxes, with the reason
    const ofBatch = (await tasksOf(round)).filter((t) => t.workflow_id === form.workflow_id);
    expect(ofBatch.filter((t) => t.status === 'open')).toEqual([]);
    const why = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id = $1`, [form.workflow_id])).rows;
    expect(why.length).toBeGreaterThan(0);
    expect(why.every((w) => w.reason.startsWith('监控批次处理失败：'))).toBe(true);
    // the department's other batches closed their forms too (the re-run or a cancellation would throw away what was done on them)
    expect(failed.open).toEqual([]);
    expect((await tasksOf(round)).filter((t) => t.status === 'open')).toEqual([]);
    const others = (await tasksOf(round)).filter((t) => t.workflow_id !== form.workflow_id);
    expect(others.length).toBeGreaterThan(0);
    const otherWhy = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE action = 'task.cancelled' AND workflow_id = ANY($1::text[])`, [[...new Set(others.map((t) => t.workflow_id))]])).rows;
    expect(otherWhy.length).toBe(others.length);
    expect(otherWhy.every((w) => w.reason.startsWith('部门监控任务失败') && w.reason.includes('OUTSIDE_BUDGET_YEAR'))).toBe(true);
    const r = await perf.post(`/api/monitoring/rounds/${YEAR}/11-15/cancel`, { reason: '部门数据有误，本轮作废' });
    expect([200, 202]).toContain(r.status);
    await h.result();
    expect((await tasksOf(round)).filter((t) => t.status === 'open')).toEqual([]);
    expect(await roundRow(round)).toMatchObject({ stage: 'cancelled', cancel_reason: '部门数据有误，本轮作废' });
    record([
      [`${MONITORING_BATCH_WORKFLOW}-failed-finance-refused`, await sys.deps.temporal.workflow.getHandle(form.workflow_id).fetchHistory()],
      [`${MONITORING_DEPARTMENT_WORKFLOW}-failed-with-its-batch`, await sys.deps.temporal.workflow.getHandle(departmentWorkflowId(round, 'D01')).fetchHistory()],
      [`${MONITORING_ROUND_WORKFLOW}-cancelled-with-failed-department`, await h.fetchHistory()],
    ]);
  }, 180_000);
});
