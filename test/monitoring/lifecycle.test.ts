// Monitoring rounds over their life, on a real Temporal server with the finance stand-in: a target
// adjustment asked for from the form, decided by finance and versioned in the finance system (the
// reopened form and a later round show the new targets); finance re-running a round for one
// department (the others untouched, no project with two forms); pausing and resuming a round's
// Schedule; deadlines in working days on the region's calendar; batches and departments continuing
// as new under a small history limit without losing a form or a count.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_BATCH_WORKFLOW, MONITORING_ROUND_WORKFLOW, roundId, scheduleId } from '../../contracts/monitoring/names';
import { ADJUSTMENT_REASON_MAX } from '../../contracts/monitoring/adjustment';
import { MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { TARGET_REVISION_REASON_MAX } from '../../contracts/finance/retry';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { workingDays } from '../../contracts/calendar';
import { eventually, recordingEnv, type RecordingEnv, type TestSystem } from '../helpers/system';
import { YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const SCALE = { departments: 3, units: 6, projects: 60, transfers: 0, countiesPerTransfer: 0, years: 2 as const, libraryShare: 0 };
const LAST_YEAR = YEAR - 1;
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];

interface TaskRow {
  id: string;
  workflow_id: string;
  status: string;
  project_id: string;
  unit_id: string;
  dept_id: string;
  version: number;
  due_at: Date;
  created_at: Date;
}

let env: RecordingEnv;
let fin: StandIn;
let sys: TestSystem;

beforeAll(async () => {
  env = await recordingEnv({ region: 'inner-mongolia', recordFlag: 'RECORD_MONITORING', standIn: { scale: SCALE, seed: 41 }, processes });
  ({ fin, sys } = env);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

/** A round of this year under a cut-off no other test file uses, no data-rule warnings (lag threshold 100). */
async function startRound(cutoff: string, extra: Record<string, unknown> = {}) {
  const r = sys.config.region.monitoring.rounds[0];
  const t = roundTemplate(sys.config.region, r, 'test');
  return sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
    workflowId: roundId(YEAR, cutoff),
    taskQueue: sys.config.temporal.taskQueue,
    args: [{ ...t, cutoff, profile: { ...t.profile, executionLagPoints: 100 }, year: YEAR, batchSize: 60, formDueMs: 600_000, ...extra }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

/** With RECORD_MONITORING: these histories for the replay tests (test/monitoring/histories, test/replay/histories). */
function record(files: Array<[string, temporal.api.history.v1.IHistory]>) {
  if (!process.env.RECORD_MONITORING) return;
  const stamp = process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10);
  for (const dir of [new URL('./histories/', import.meta.url), new URL('../replay/histories/', import.meta.url)]) {
    mkdirSync(dir, { recursive: true });
    for (const [name, h] of files) writeFileSync(new URL(`${name}-${stamp}.json`, dir), historyToJSON(h));
  }
}

const tasks = async (prefix: string, type: string) =>
  (await sys.deps.db.query<TaskRow>('SELECT * FROM tasks WHERE workflow_id LIKE $1 AND type = $2 ORDER BY id', [`${prefix}:%`, type])).rows;

async function projectsOf(year: number, deptId: string): Promise<string[]> {
  return (await fin.client.listProjects({ year, deptId, expenditure: 'project', limit: 500 })).items.map((p) => p.id).sort();
}

const act = async (userId: string, taskId: string, body: unknown) => {
  const u = await sys.as(userId);
  const r = await u.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const detail = async (userId: string, taskId: string) => (await (await sys.as(userId)).get(`/api/tasks/${encodeURIComponent(taskId)}`)).body;

const school = (target: string) => ({ level1: 'output', level2: '数量指标', name: '新建校舍面积', target, unit: '平方米', direction: '>=', isCore: true });

describe('a target adjustment asked for from the monitoring form (002)', () => {
  const first = roundId(YEAR, '03-31');
  const later = roundId(YEAR, '06-30');

  it('approved by finance, it versions the targets in the finance system; the reopened form and a later round show them', async () => {
    await startRound('03-31', { deptIds: ['D01'] });
    const d01 = await projectsOf(YEAR, 'D01');
    const forms = await eventually(async () => {
      const t = (await tasks(first, 'monitoring.form')).filter((x) => x.unit_id === 'U0101');
      return t.length >= 2 && t;
    }, 'U0101 forms open', 60_000);
    const [approved, refused] = forms;
    expect(d01).toContain(approved.project_id);

    // the unit asks instead of submitting: a policy change for one, an emergency for the other
    await act('u0101-preparer', approved.id, { action: 'decide', outcome: 'adjust', form: { kind: 'policy', reason: '上级政策调整，建设规模调减', indicators: [school('800')] } });
    await act('u0101-preparer', refused.id, { action: 'decide', outcome: 'adjust', form: { kind: 'emergency', reason: '汛期停工', indicators: [school('100')] } });
    const adj = await eventually(async () => {
      const t = await tasks(first, 'monitoring.targetAdjustment');
      return t.length >= 2 && t;
    }, "finance's adjustment tasks", 30_000);
    const approveTask = adj.find((t) => t.project_id === approved.project_id)!;
    const refuseTask = adj.find((t) => t.project_id === refused.project_id)!;
    const ctx = (await detail('perf-officer', approveTask.id)).state.spec.context;
    expect(ctx.request).toMatchObject({ kind: 'policy', reason: '上级政策调整，建设规模调减' });
    expect(ctx.currentVersion).toBe(0);
    // the unit cannot decide it (segregation: finance's task)
    const unit = await sys.as('u0101-preparer');
    const refusedMove = await unit.post(`/api/tasks/${encodeURIComponent(approveTask.id)}/actions`, { action: 'decide', outcome: 'approve', form: {} });
    expect(refusedMove.status).toBeGreaterThanOrEqual(400);

    await act('perf-officer', approveTask.id, { action: 'decide', outcome: 'approve', form: { comment: '同意调整' } });
    await act('perf-officer', refuseTask.id, { action: 'decide', outcome: 'refuse', form: { reason: '理由不充分，按原目标执行' } });

    // a new version in the finance system, with who and why; the refused one has none
    const v = await eventually(async () => {
      const t = await fin.client.getTargets({ projectId: approved.project_id });
      return t.version === 1 && t;
    }, 'the targets revised in the finance system', 30_000);
    expect(v).toMatchObject({ by: 'perf-officer', source: 'monitoring', reason: '政策变化：上级政策调整，建设规模调减' });
    expect(v.indicators[0]).toMatchObject({ name: '新建校舍面积', target: '800' });
    expect((await fin.client.getTargets({ projectId: refused.project_id })).version).toBe(0);
    expect((await fin.client.listLedger({ projectId: approved.project_id, op: 'targets' })).items).toHaveLength(1);

    // the forms reopen: with the new targets, or with finance's reason
    const reopened = await eventually(async () => (await tasks(first, 'monitoring.form')).find((t) => t.id.endsWith(`form-${approved.project_id}-1`) && t.status === 'open'), 'the form reopened', 30_000);
    const rc = (await detail('u0101-preparer', reopened.id)).state.spec.context;
    expect(rc.targetsVersion).toBe(1);
    expect(rc.indicators[0]).toMatchObject({ name: '新建校舍面积', target: '800', core: true });
    expect(rc.returnReason).toContain('第1版');
    const other = await eventually(async () => (await tasks(first, 'monitoring.form')).find((t) => t.id.endsWith(`form-${refused.project_id}-1`) && t.status === 'open'), 'the refused one reopened', 30_000);
    const oc = (await detail('u0101-preparer', other.id)).state.spec.context;
    expect(oc.returnReason).toContain('理由不充分');
    expect(oc.targetsVersion).toBeUndefined();
    const audit = (await sys.deps.db.query<{ actor_id: string }>(`SELECT actor_id FROM audit WHERE action = 'monitoring.targetsRevised' AND project_id = $1`, [approved.project_id])).rows;
    expect(audit.map((a) => a.actor_id)).toEqual(['perf-officer']);

    // a later round reads the current targets from the finance system into its form
    await startRound('06-30', { deptIds: ['D01'] });
    const next = await eventually(async () => (await tasks(later, 'monitoring.form')).find((t) => t.project_id === approved.project_id), "the later round's form", 60_000);
    const nc = (await detail('u0101-preparer', next.id)).state.spec.context;
    expect(nc.targetsVersion).toBe(1);
    expect(nc.indicators.map((i: { target?: string }) => i.target)).toEqual(['800']);
    const plain = (await tasks(later, 'monitoring.form')).find((t) => t.project_id === refused.project_id)!;
    expect((await detail('u0101-preparer', plain.id)).state.spec.context.targetsVersion).toBeUndefined();
  }, 180_000);

  it("a reason at the form's longest is approved and revised in the finance system with its kind in front; a longer one is refused at the form", async () => {
    const round = roundId(YEAR, '02-28');
    const h = await startRound('02-28', { deptIds: ['D01'] });
    const open = await eventually(async () => {
      const t = (await tasks(round, 'monitoring.form')).filter((x) => x.unit_id === 'U0101' && x.status === 'open');
      return t.length >= 3 && t;
    }, 'U0101 forms open', 60_000);
    // a project no earlier test revised (the stand-in is this file's)
    const form = (await Promise.all(open.map(async (f) => ((await fin.client.getTargets({ projectId: f.project_id })).version === 0 ? f : null)))).find((f) => f !== null)!;
    expect(form, 'a U0101 project with its targets unrevised').toBeDefined();
    const unit = await sys.as('u0101-preparer');
    // the longest reason the form takes, as its schema says (the web form's maxlength too)
    const longest = (MONITORING_TYPES['monitoring.form'].outcomes.adjust.form as { properties: { reason: { maxLength: number } } }).properties.reason.maxLength;
    expect(longest).toBe(ADJUSTMENT_REASON_MAX);
    // one character more than the form takes: 400 naming the field, nothing asked of finance
    const tooLong = await unit.post(`/api/tasks/${encodeURIComponent(form.id)}/actions`, { action: 'decide', outcome: 'adjust', form: { kind: 'emergency', reason: '因'.repeat(longest + 1), indicators: [school('600')] } });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body.error)).toContain('form.reason');
    // the longest the form takes: with "突发事件：" in front it is exactly what the finance system keeps
    const reason = '因'.repeat(longest);
    await act('u0101-preparer', form.id, { action: 'decide', outcome: 'adjust', form: { kind: 'emergency', reason, indicators: [school('600')] } });
    const adj = await eventually(async () => (await tasks(round, 'monitoring.targetAdjustment')).find((t) => t.project_id === form.project_id && t.status === 'open'), "finance's adjustment task", 30_000);
    await act('perf-officer', adj.id, { action: 'decide', outcome: 'approve', form: { comment: '同意调整' } });
    const v = await eventually(async () => {
      const t = await fin.client.getTargets({ projectId: form.project_id });
      return t.version === 1 && t;
    }, 'the targets revised in the finance system', 30_000);
    expect(v).toMatchObject({ by: 'perf-officer', source: 'monitoring', reason: `突发事件：${reason}` });
    expect(v.reason).toHaveLength(TARGET_REVISION_REASON_MAX);
    expect(v.indicators[0]).toMatchObject({ name: '新建校舍面积', target: '600' });
    // our audit keeps the unit's reason whole; the batch did not fail: the form reopens with the new targets
    const audit = await eventually(async () => {
      const rows = (await sys.deps.db.query<{ reason: string; detail: Record<string, unknown> }>(`SELECT reason, detail FROM audit WHERE action = 'monitoring.targetsRevised' AND project_id = $1 AND workflow_id LIKE $2`, [form.project_id, `${round}:%`])).rows;
      return rows.length > 0 && rows;
    }, 'the revision on the audit trail');
    expect(audit).toEqual([{ reason, detail: expect.objectContaining({ version: 1, kind: 'emergency' }) }]);
    expect(audit[0].detail.financeReason).toBeUndefined(); // nothing was cut
    const reopened = await eventually(async () => (await tasks(round, 'monitoring.form')).find((t) => t.id.endsWith(`form-${form.project_id}-1`) && t.status === 'open'), 'the form reopened', 30_000);
    expect((await detail('u0101-preparer', reopened.id)).state.spec.context.targetsVersion).toBe(1);
    expect(await (await sys.deps.temporal.workflow.getHandle(form.workflow_id).describe()).status.name).toBe('RUNNING');
    record([[`${MONITORING_BATCH_WORKFLOW}-adjustment-reason-at-limit`, await sys.deps.temporal.workflow.getHandle(form.workflow_id).fetchHistory()]]);
    await h.terminate('test done');
  }, 120_000);
});

describe("last year's round started by hand: a re-run for one department, deadlines in working days", () => {
  const round = roundId(LAST_YEAR, '07-31');
  const cutoff = '07-31';

  it('finance re-runs the round for one department: its forms open again once, the other departments are untouched', async () => {
    const perf = await sys.as('perf-officer');
    const r = await perf.post('/api/monitoring/rounds', { year: LAST_YEAR, cutoff });
    expect(r.body).toMatchObject({ round, started: true });
    const all = [...(await projectsOf(LAST_YEAR, 'D01')), ...(await projectsOf(LAST_YEAR, 'D02')), ...(await projectsOf(LAST_YEAR, 'D03'))];
    const before = await eventually(async () => {
      const t = await tasks(round, 'monitoring.form');
      return t.length >= all.length && t;
    }, 'every form open', 90_000);
    const othersBefore = before.filter((t) => t.dept_id !== 'D01').map((t) => [t.id, t.status, t.version]);
    // each unit hears of its forms in one digest per batch (not a mail per form); each department gets one digest for the round
    const u0101 = before.filter((t) => t.unit_id === 'U0101');
    const batchesOfU0101 = new Set(u0101.map((t) => t.workflow_id));
    const mails = await eventually(async () => {
      const m = (await sys.deps.db.query<{ task_id: string | null; subject: string; body_text: string }>(
        `SELECT task_id, subject, body_text FROM outbox WHERE kind = 'assigned' AND user_id = 'u0101-preparer' AND subject LIKE $1`, [`%${LAST_YEAR}年%张绩效监控表待填报%`])).rows;
      return m.length >= batchesOfU0101.size && m;
    }, 'the unit\'s digest of its forms', 30_000);
    expect(mails).toHaveLength(batchesOfU0101.size);
    expect(mails.every((m) => m.task_id === null)).toBe(true);
    const counted = mails.reduce((n, m) => n + Number(/(\d+) 张绩效监控表待填报/.exec(m.subject)?.[1] ?? 0), 0);
    expect(counted).toBe(u0101.length);
    const perForm = (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'assigned' AND user_id = 'u0101-preparer' AND task_id LIKE $1`, [`${round}:%`])).rows[0].n;
    expect(perForm).toBe(0);
    const digests = await eventually(async () => {
      const d = (await sys.deps.db.query<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE kind = 'notice' AND user_id = 'd01-reviewer' AND subject LIKE $1`, [`%${LAST_YEAR}年%所属单位绩效监控表已下发%`])).rows;
      return d.length > 0 && d;
    }, "the department's digest", 30_000);
    expect(digests).toHaveLength(1);
    expect(digests[0].body_text).toContain('U0101');

    const rr = await perf.post('/api/monitoring/rounds', { year: LAST_YEAR, cutoff, deptId: 'D01' });
    expect(rr.body).toMatchObject({ round, started: false, rerun: 'D01' });
    const d01 = await projectsOf(LAST_YEAR, 'D01');
    const after = await eventually(async () => {
      const t = await tasks(round, 'monitoring.form');
      const fresh = t.filter((x) => x.workflow_id.startsWith(`${round}:D01:r1:`) && x.status === 'open');
      const stale = t.filter((x) => x.dept_id === 'D01' && !x.workflow_id.startsWith(`${round}:D01:r1:`) && x.status === 'open');
      return fresh.length >= d01.length && stale.length === 0 && t;
    }, "the re-run's forms open and the superseded ones closed", 90_000);
    // each D01 project has exactly one open form; the superseded ones are cancelled
    const open = after.filter((t) => t.dept_id === 'D01' && t.status === 'open').map((t) => t.project_id).sort();
    expect(open).toEqual(d01);
    expect(after.filter((t) => t.dept_id === 'D01' && t.status === 'cancelled').map((t) => t.project_id).sort()).toEqual(d01);
    // the other departments: the same tasks, unchanged
    expect(after.filter((t) => t.dept_id !== 'D01').map((t) => [t.id, t.status, t.version])).toEqual(othersBefore);
    // one result per project, and the re-run audited
    const rows = (await sys.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_results WHERE round = $1', [round])).rows[0].n;
    expect(rows).toBe(all.length);
    const audit = (await sys.deps.db.query<{ actor_id: string; detail: { deptId: string } }>(`SELECT actor_id, detail FROM audit WHERE action = 'monitoring.rerunDepartment' AND workflow_id = $1`, [round])).rows;
    expect(audit).toEqual([{ actor_id: 'perf-officer', detail: { deptId: 'D01' } }]);
  }, 200_000);

  it("forms fall due, are flagged overdue and reviews fall due in working days on the region's calendar", async () => {
    const cal = workingDays(sys.config.region.calendar);
    const p = sys.config.region.monitoring;
    const dueDays = p.rounds.find((x) => x.cutoff === cutoff)!.dueWorkingDays;
    const form = (await tasks(round, 'monitoring.form')).find((t) => t.status === 'open' && t.unit_id === 'U0102')!;
    expect(form.due_at.getTime()).toBe(cal.add(form.created_at.getTime(), dueDays));
    // its reminder the profile's working days before the due date, not that many 24-hour days
    const spec = (await sys.deps.db.query<{ remind: number[] }>(`SELECT state->'spec'->'remindBeforeMs' AS remind FROM tasks WHERE id = $1`, [form.id])).rows[0];
    expect(p.reminderBeforeDays).toBeGreaterThan(0);
    expect(spec.remind).toEqual([form.due_at.getTime() - cal.subtract(form.due_at.getTime(), p.reminderBeforeDays)]);
    // the batch's overdue and close instants, on the calendar (not dueDays × 24 h)
    const batch = form.workflow_id;
    const opened = await eventually(async () => (await sys.deps.db.query<{ detail: { formDueAt: string; overdueAt: string; closeAt: string } }>(`SELECT detail FROM audit WHERE action = 'monitoring.batchOpened' AND workflow_id = $1`, [batch])).rows[0], 'the batch opened');
    const formDueAt = Date.parse(opened.detail.formDueAt);
    expect(Math.abs(formDueAt - form.due_at.getTime())).toBeLessThan(5_000);
    expect(Date.parse(opened.detail.overdueAt)).toBe(cal.add(formDueAt, p.escalateAfterDays));
    expect(Date.parse(opened.detail.closeAt)).toBe(cal.add(formDueAt, p.closeAfterDays));
    // a submitted form's review falls due in the profile's working days
    await act('u0102-preparer', form.id, {
      action: 'decide', outcome: 'submit',
      form: { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 60, expectedPct: 100 }], expectedExecutionPct: 100, deviationReason: '无', measures: '无' },
    });
    const review = await eventually(async () => (await tasks(round, 'monitoring.review')).find((t) => t.project_id === form.project_id), 'the review', 30_000);
    expect(review.due_at.getTime()).toBe(cal.add(review.created_at.getTime(), p.reviewDueWorkingDays));
  }, 60_000);
});

describe("a round's Schedule paused and resumed by finance", () => {
  it('pause and resume are the Schedule\'s state, with the reason, audited; bad input names the field', async () => {
    const perf = await sys.as('perf-officer');
    const tq = sys.config.temporal.taskQueue;
    const cutoff = sys.config.region.monitoring.rounds[0].cutoff;
    const paused = await perf.post(`/api/monitoring/schedules/${cutoff}/pause`, { reason: '系统升级，暂停本轮' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ scheduleId: scheduleId(tq, cutoff), paused: true, note: '系统升级，暂停本轮' });
    expect((await sys.deps.temporal.schedule.getHandle(scheduleId(tq, cutoff)).describe()).state.paused).toBe(true);
    const list = await perf.get('/api/monitoring/schedules');
    expect(list.body.items.find((s: { cutoff: string }) => s.cutoff === cutoff).paused).toBe(true);
    const resumed = await perf.post(`/api/monitoring/schedules/${cutoff}/resume`, { reason: '升级完成' });
    expect(resumed.body).toMatchObject({ paused: false, note: '升级完成' });
    expect((await sys.deps.temporal.schedule.getHandle(scheduleId(tq, cutoff)).describe()).state.paused).toBe(false);
    const audit = (await sys.deps.db.query<{ action: string; reason: string }>(`SELECT action, reason FROM audit WHERE workflow_id = $1 ORDER BY id`, [scheduleId(tq, cutoff)])).rows;
    expect(audit).toEqual([{ action: 'monitoring.schedule.pause', reason: '系统升级，暂停本轮' }, { action: 'monitoring.schedule.resume', reason: '升级完成' }]);
    const noReason = await perf.post(`/api/monitoring/schedules/${cutoff}/pause`, {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const unit = await sys.as('u0101-preparer');
    expect((await unit.post(`/api/monitoring/schedules/${cutoff}/pause`, { reason: 'x' })).status).toBe(403);
  });
});

describe('a round under a small history limit', () => {
  const round = roundId(YEAR, '10-31');

  it('batches and the department continue as new, and no form, decision or count is lost', async () => {
    const d01 = await projectsOf(YEAR, 'D01');
    const h = await startRound('10-31', { deptIds: ['D01'], batchSize: 3, formDueMs: 25_000, maxHistoryEvents: 40 });
    const forms = await eventually(async () => {
      const t = await tasks(round, 'monitoring.form');
      return t.length >= d01.length && t;
    }, 'every form open', 60_000);
    expect(new Set(forms.map((t) => t.project_id)).size).toBe(d01.length);
    const mine = forms.filter((t) => t.unit_id === 'U0101').slice(0, 2);
    expect(mine).toHaveLength(2);
    for (const f of mine) {
      await act('u0101-preparer', f.id, {
        action: 'decide', outcome: 'submit',
        form: { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 70, expectedPct: 100 }], expectedExecutionPct: 100 },
      });
    }
    for (const f of mine) {
      const review = await eventually(async () => (await tasks(round, 'monitoring.review')).find((t) => t.project_id === f.project_id && t.status === 'open'), 'the review', 30_000);
      await act('d01-reviewer', review.id, { action: 'decide', outcome: 'approve', form: { comment: '同意' } });
    }
    const totals = (await h.result()) as Record<string, number>;
    expect(totals).toMatchObject({ projects: d01.length, submitted: 2, approved: 2, notSubmitted: d01.length - 2 });
    // the batches that took the moves ran more than once, each run well under the limit's reach
    const batches = [...new Set(mine.map((f) => f.workflow_id))];
    for (const b of batches) {
      const hist = await sys.deps.temporal.workflow.getHandle(b).fetchHistory();
      expect(hist.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId, `${b} continued as new`).toBeTruthy();
      expect(hist.events!.length).toBeLessThan(120);
    }
    const dept = await sys.deps.temporal.workflow.getHandle(`${round}:D01`).fetchHistory();
    expect(dept.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId, 'the department continued as new').toBeTruthy();
    const approved = (await sys.deps.db.query<{ project_id: string }>(`SELECT project_id FROM monitoring_results WHERE round = $1 AND stage = 'approved' ORDER BY project_id`, [round])).rows;
    expect(approved.map((r) => r.project_id)).toEqual(mine.map((f) => f.project_id).sort());
    // no task twice
    const all = await tasks(round, 'monitoring.form');
    expect(all.filter((t) => t.id.endsWith('-0')).length).toBe(d01.length);
  }, 200_000);
});
