// Monitoring rounds against a real Temporal server, the finance stand-in (a few hundred generated
// projects) and the product's database: who is in a round, the warning at open, the form rules on
// submission, Xinjiang's rectification instead of a warning, the Schedules from the profile, and a
// transfer payment's county projects.
import { readFileSync } from 'node:fs';
import { DeflateCodec } from '../../app/codec';
import { splitSql } from '../../db/migrate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_ROUND_WORKFLOW, roundId, scheduleId } from '../../contracts/monitoring/names';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { warningWorkflowId } from '../../contracts/warning/trigger.zod';
import { rectificationWorkflowId } from '../../contracts/rectification/problems.zod';
import { syncSchedules } from '../../activities/monitoring/schedules';
import { createActivities as createMonitoringActivities } from '../../activities/monitoring';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const SCALE = { departments: 4, units: 16, projects: 300, transfers: 1, countiesPerTransfer: 4, years: 1 as const, libraryShare: 0 };
/** Theirs when registered, the stand-ins otherwise. */
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];

interface Row {
  project_id: string;
  stage: string;
  warned: boolean;
  hits: Array<{ rule: { id: string }; source: string }>;
  response_ref: string | null;
  unit_id: string;
  transfer_id: string | null;
}

async function projectExpenditure(fin: StandIn, basic = false): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fin.client.listProjects({ year: YEAR, expenditure: basic ? 'basic' : 'project', limit: 500, ...(cursor ? { cursor } : {}) });
    for (const p of page.items) out.add(p.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

async function startRound(sys: TestSystem, cutoff: string, extra: Record<string, unknown> = {}) {
  const r = sys.config.region.monitoring.rounds.find((x) => x.cutoff === cutoff)!;
  return sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
    workflowId: roundId(YEAR, cutoff),
    taskQueue: sys.config.temporal.taskQueue,
    args: [{ ...roundTemplate(sys.config.region, r, 'test'), year: YEAR, batchSize: 60, formDueMs: 600_000, ...extra }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

/** What a started workflow (the warning, the notice: theirs or a stand-in) was given, from its history. */
async function startInput<T>(sys: TestSystem, workflowId: string): Promise<T> {
  const h = await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory();
  const payload = h.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  // a large input is stored deflated (app/codec.ts): decoded as the worker reads it
  const [plain] = await new DeflateCodec().decode([payload!]);
  return JSON.parse(Buffer.from(plain.data!).toString('utf8')) as T;
}

const results = async (sys: TestSystem, round: string) => (await sys.deps.db.query<Row>('SELECT * FROM monitoring_results WHERE round = $1 ORDER BY project_id', [round])).rows;

describe('a monitoring round under the Inner Mongolia profile', () => {
  let fin: StandIn;
  let sys: TestSystem;
  const round = roundId(YEAR, '04-30');
  let included: Set<string>;

  beforeAll(async () => {
    fin = await startStandIn({ scale: SCALE, seed: 19 });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes });
    included = await projectExpenditure(fin);
    await startRound(sys, '04-30');
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('covers each own-level project expenditure exactly once, and no basic expenditure', async () => {
    const rows = await eventually(async () => {
      const r = await results(sys, round);
      return r.length >= included.size && r;
    }, 'every project of the round stored', 60_000);
    expect(rows.map((r) => r.project_id).sort()).toEqual([...included].sort());
    const basic = await projectExpenditure(fin, true);
    expect(basic.size).toBeGreaterThan(0);
    expect(rows.some((r) => basic.has(r.project_id))).toBe(false);
    // one form per project in the inbox, not one more
    const forms = await eventually(async () => {
      const { rows: t } = await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form'`, [`${round}:%`]);
      return t[0].n >= included.size && t[0].n;
    }, 'every form open', 30_000);
    expect(forms).toBe(included.size);
  }, 90_000);

  it('a project 30 points behind time progress warns when the round opens, before its form is due', async () => {
    const rows = await results(sys, round);
    const lagging = rows.filter((r) => r.hits.some((h) => h.rule.id === 'monitoring.executionLag'));
    expect(lagging.length).toBeGreaterThan(0);
    const p = lagging[0];
    expect(p.stage).toBe('form'); // the form is not even submitted
    expect(p.response_ref).toBe(warningWorkflowId(YEAR, p.project_id));
    const got = await startInput<{ trigger: unknown }>(sys, p.response_ref!);
    const trigger = (got as { trigger: { source: string; trace: { rule: { id: string }; data: { lagPoints: number }; threshold: unknown } } }).trigger;
    expect(trigger.source).toBe('round');
    expect(trigger.trace.rule.id).toBe('monitoring.executionLag');
    expect(trigger.trace.data.lagPoints).toBeGreaterThan(20);
    expect(trigger.trace.threshold).toEqual({ lagPointsAbove: 20 });
    // payments stopped where the deviation was found, before the warning ran: one suspension on the
    // ledger under the batch's key, and the warning started knowing it (it does not suspend again)
    const ledger = await eventually(async () => {
      const l = await fin.client.listLedger({ projectId: p.project_id, op: 'suspend' });
      return l.items.length > 0 && l.items;
    }, 'the suspension on the ledger');
    expect(ledger).toHaveLength(1);
    const batchId = (await sys.deps.db.query<{ batch_id: string }>(`SELECT batch_id FROM monitoring_results WHERE round = $1 AND project_id = $2`, [round, p.project_id])).rows[0].batch_id;
    expect(ledger[0].idempotencyKey.startsWith(`${batchId}/suspend-${p.project_id}-monitoring.executionLag-round-`)).toBe(true);
    const suspended = (got as { suspended?: { key: string; ledgerSeq: number } }).suspended;
    expect(suspended).toMatchObject({ key: ledger[0].idempotencyKey });
    const status = await eventually(async () => {
      const st = await sys.deps.temporal.workflow.getHandle(p.response_ref!).query<{ suspendedAt: string | null; timeline: Array<{ kind: string; detail: { byRaiser?: boolean } }> }>('warning.status');
      return st.suspendedAt ? st : null;
    }, 'the warning past its suspension');
    expect(Date.parse(status.suspendedAt!)).toBe(Date.parse(ledger[0].at));
    expect(status.timeline.some((e) => e.kind === 'money' && e.detail.byRaiser)).toBe(true);
  });

  it('starting it twice changes nothing: refused, by hand too, and no task is added', async () => {
    const before = (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id LIKE $1`, [`${round}:%`])).rows[0].n;
    await expect(startRound(sys, '04-30')).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const perf = await sys.as('perf-officer');
    const r = await perf.post('/api/monitoring/rounds', { year: YEAR, cutoff: '04-30' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ round, started: false });
    await new Promise((res) => setTimeout(res, 1000));
    const after = (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id LIKE $1`, [`${round}:%`])).rows[0].n;
    expect(after).toBe(before);
  });

  it('a form with a core indicator expected at 50% warns on submission; the department then reviews it', async () => {
    const rows = await eventually(async () => {
      const r = await results(sys, round);
      return r.length >= included.size && r;
    }, 'the round open', 60_000);
    const p = rows.find((r) => r.unit_id === 'U0101' && !r.warned);
    if (!p) console.log('UNITS', [...new Set(rows.map((r) => `${r.unit_id}${r.warned ? '!' : ''}`))].join(','));
    expect(p, 'a U0101 project on schedule').toBeDefined();
    const preparer = await sys.as('u0101-preparer');
    const task = await eventually(async () => (await preparer.get(`/api/tasks?q=${p!.project_id}`)).body.items?.find((t: { type: string }) => t.type === 'monitoring.form'), 'the form in the unit inbox');
    const detail = (await preparer.get(`/api/tasks/${encodeURIComponent(task.id)}`)).body;
    expect(detail.state.spec.context.execution).toMatchObject({ cutoff: `${YEAR}-04-30`, timeProgressPct: expect.any(Number) }); // finance's data already filled in
    const form = {
      indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 20, expectedPct: 50 }],
      expectedExecutionPct: 95,
      deviationReason: '设备采购延迟',
      measures: '加快招标',
    };
    const ok = await preparer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'submit', form });
    expect(ok.status).toBe(200);
    const hit = await eventually(async () => {
      const r = (await results(sys, round)).find((x) => x.project_id === p!.project_id);
      return r && r.response_ref && r.hits.some((h) => h.rule.id === 'monitoring.coreIndicator') ? r : null;
    }, 'the core-indicator rule on the form');
    expect(hit.stage).toBe('review');
    expect(hit.response_ref).toBe(warningWorkflowId(YEAR, p!.project_id));
    // its warning was already open (from the round or not): the form's trigger started it or was signalled to it
    const got = await startInput<{ trigger: { source: string } }>(sys, hit.response_ref!);
    expect(['form', 'round']).toContain(got.trigger.source);
    const reviewer = await sys.as('d01-reviewer');
    const review = await eventually(async () => (await reviewer.get(`/api/tasks?q=${p!.project_id}`)).body.items?.find((t: { type: string }) => t.type === 'monitoring.review'), 'the review in the department inbox');
    expect(review).toBeDefined();
  }, 60_000);

  it('a submitted form\'s result is in the round\'s results when the answer returns, with no activity of its own in the batch', async () => {
    const rows = await eventually(async () => {
      const r = await results(sys, round);
      return r.length >= included.size && r;
    }, 'the round open', 60_000);
    const p = rows.find((r) => r.unit_id === 'U0102' && !r.warned && r.stage === 'form');
    expect(p, 'a U0102 project on schedule, its form open').toBeDefined();
    const preparer = await sys.as('u0102-preparer');
    const task = await eventually(async () => (await preparer.get(`/api/tasks?q=${p!.project_id}`)).body.items?.find((t: { type: string }) => t.type === 'monitoring.form'), 'the form in the unit inbox');
    const form = { indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 60, expectedPct: 100 }], expectedExecutionPct: 95 };
    const ok = await preparer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'submit', form });
    expect(ok.status).toBe(200);
    // read your writes: the API wrote the result the answer carried, no waiting
    const row = (await results(sys, round)).find((x) => x.project_id === p!.project_id);
    expect(row?.stage).toBe('review');
    // and the batch scheduled no results activity for it (it rode the answer)
    const history = await sys.deps.temporal.workflow.getHandle(task.workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    expect(scheduled).not.toContain('monitoringSaveResults');
    expect(scheduled).toContain('projectTasks');
  }, 60_000);

  it('the department approves in bulk the reviews of forms no rule fired on; a form that warned is refused in bulk, looked at on its own', async () => {
    const rows = await eventually(async () => {
      const r = await results(sys, round);
      return r.length >= included.size && r;
    }, 'the round open', 60_000);
    // three on-track projects of D01's units with demo preparers: two forms on track, one with a core indicator expected at 50%
    const picked = rows.filter((r) => ['U0101', 'U0102'].includes(r.unit_id) && !r.warned && r.stage === 'form').slice(0, 3);
    expect(picked, 'three D01 projects on schedule').toHaveLength(3);
    const [calm1, calm2, behind] = picked;
    const form = (expectedPct: number) => ({ indicators: [{ code: 'X1', name: '核心产出', core: true, completedPct: 40, expectedPct }], expectedExecutionPct: 95, deviationReason: '按计划推进', measures: '按月调度' });
    for (const [r, f] of [[calm1, form(100)], [calm2, form(100)], [behind, form(50)]] as const) {
      const preparer = await sys.as(`${r.unit_id.toLowerCase()}-preparer`);
      const t = await eventually(async () => (await preparer.get(`/api/tasks?q=${r.project_id}`)).body.items?.find((x: { type: string }) => x.type === 'monitoring.form'), 'the form');
      expect((await preparer.post(`/api/tasks/${encodeURIComponent(t.id)}/actions`, { action: 'decide', outcome: 'submit', form: f })).status).toBe(200);
    }
    const head = await sys.as('d01-head'); // bulk approval is a lead's (部门负责人)
    const reviews = await eventually(async () => {
      const items = (await head.get('/api/tasks?limit=200&type=monitoring.review')).body.items as Array<{ id: string; projectId: string }> | undefined;
      const mine = items?.filter((t) => picked.some((r) => r.project_id === t.projectId));
      return mine && mine.length === 3 && mine;
    }, 'the three reviews in the department inbox');
    const res = await head.post('/api/tasks/bulk-decide', { taskIds: reviews.map((t) => t.id), outcome: 'approve', comment: '填报完整' });
    expect(res.status).toBe(200);
    expect(res.body.decided).toBe(2);
    const refused = (res.body.results as Array<{ taskId: string; ok: boolean; error?: string }>).filter((x) => !x.ok);
    expect(refused.map((x) => x.taskId)).toEqual([reviews.find((t) => t.projectId === behind.project_id)!.id]);
    expect(refused[0].error).toMatch(/not approved in bulk/);
    const approved = await eventually(async () => {
      const r = (await results(sys, round)).filter((x) => [calm1, calm2].some((c) => c.project_id === x.project_id) && x.stage === 'approved');
      return r.length === 2 && r;
    }, 'the two on-track projects approved');
    expect(approved).toHaveLength(2);
    expect((await results(sys, round)).find((x) => x.project_id === behind.project_id)?.stage).toBe('review');
  }, 90_000);

  it("the round page shows progress by department; a transfer payment's page lists its county projects", async () => {
    const perf = await sys.as('perf-officer');
    const page = await perf.get(`/api/monitoring/rounds/${YEAR}/04-30`);
    expect(page.status).toBe(200);
    expect(page.body.byDepartment.reduce((a: number, d: { projects: number }) => a + d.projects, 0)).toBe(included.size);
    const transfers = (await fin.client.listTransfers({ year: YEAR })).items;
    expect(transfers.length).toBeGreaterThan(0);
    const county = (await fin.client.listProjects({ year: YEAR, transferId: transfers[0].id, limit: 100 })).items;
    const t = await perf.get(`/api/monitoring/transfers/${transfers[0].id}?year=${YEAR}&cutoff=04-30`);
    expect(t.status).toBe(200);
    expect(t.body.items.map((x: { projectId: string }) => x.projectId).sort()).toEqual(county.map((x) => x.id).sort());
    expect(t.body.totals.projects).toBe(county.length);
    // the round's transfers, each aggregating its county projects (the page opens any of them)
    const list = await perf.get(`/api/monitoring/rounds/${YEAR}/04-30/transfers`);
    expect(list.status).toBe(200);
    const row = list.body.items.find((x: { transferId: string }) => x.transferId === transfers[0].id);
    expect(row).toMatchObject({ projects: county.length, availableFen: t.body.totals.availableFen, paidFen: t.body.totals.paidFen, executionRateBp: t.body.totals.executionRateBp });
    // drill-down: a department's units, then one unit's projects
    const dept = (await perf.get(`/api/monitoring/rounds/${YEAR}/04-30/projects?deptId=D01&limit=1000`)).body.items as Array<{ unitId: string; projectId: string }>;
    const unit = dept[0].unitId;
    const ofUnit = (await perf.get(`/api/monitoring/rounds/${YEAR}/04-30/projects?unitId=${unit}&limit=1000`)).body.items as Array<{ unitId: string; projectId: string }>;
    expect(ofUnit.map((x) => x.projectId)).toEqual(dept.filter((x) => x.unitId === unit).map((x) => x.projectId));
    const xlsx = await fetch(`${sys.url}/api/monitoring/rounds/${YEAR}/04-30/report.xlsx`, { headers: { authorization: `Bearer ${perf.token}` } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  it('a round that closes records when it closed, not when it opened; a retried save does not move it', async () => {
    const cutoff = '12-15'; // a round of its own (ids are shared in the namespace): one department, forms closing after 3 × 2 s
    const closing = roundId(YEAR, cutoff);
    const t = roundTemplate(sys.config.region, sys.config.region.monitoring.rounds[0], 'test');
    const h = await sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: closing,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...t, cutoff, profile: { ...t.profile, executionLagPoints: 100 }, year: YEAR, deptIds: ['D04'], batchSize: 60, formDueMs: 2_000 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    await h.result();
    type RoundRow = { round: string; year: number; cutoff: string; name: string; stage: string; started_by: string; departments: number; totals: Record<string, number>; opened_at: Date; closed_at: Date | null; version: string };
    const rowOf = async () => (await sys.deps.db.query<RoundRow>('SELECT * FROM monitoring_rounds WHERE round = $1', [closing])).rows[0];
    const row = await rowOf();
    expect(row.stage).toBe('closed');
    expect(row.closed_at).not.toBeNull();
    // it closed once its department's part was done: after the last signal the round took, by the time its execution ended
    const events = (await h.fetchHistory()).events ?? [];
    const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const lastSignal = Math.max(...events.filter((e) => e.workflowExecutionSignaledEventAttributes).map(at));
    const ended = (await h.describe()).closeTime!.getTime();
    expect(row.closed_at!.getTime()).toBeGreaterThan(row.opened_at.getTime());
    expect(row.closed_at!.getTime()).toBeGreaterThanOrEqual(lastSignal);
    expect(row.closed_at!.getTime()).toBeLessThanOrEqual(ended);
    // the round page says so
    const perf = await sys.as('perf-officer');
    const page = (await perf.get(`/api/monitoring/rounds/${YEAR}/${cutoff}`)).body;
    expect(page).toMatchObject({ stage: 'closed', closedAt: row.closed_at!.toISOString(), openedAt: row.opened_at.toISOString() });
    const beijing = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const report = await (await fetch(`${sys.url}/api/monitoring/rounds/${YEAR}/${cutoff}/report.html`, { headers: { authorization: `Bearer ${perf.token}` } })).text();
    expect(report).toContain(`状态：已结束；启动于 ${beijing(row.opened_at)}（北京时间）；结束于 ${beijing(row.closed_at!)}（北京时间）`);
    // a retried closing save, even one carrying a later time, keeps the first close time written
    const save = createMonitoringActivities({ db: sys.deps.db, finance: fin.client, publicUrl: sys.url }).monitoringSaveRound;
    const again = { round: closing, year: row.year, cutoff: row.cutoff, name: row.name, stage: 'closed', startedBy: row.started_by, departments: row.departments, totals: row.totals, at: row.opened_at.toISOString(), closed: true, version: Number(row.version) };
    await save({ ...again, closedAt: row.closed_at!.toISOString() });
    await save({ ...again, closedAt: new Date(row.closed_at!.getTime() + 3_600_000).toISOString() });
    await save({ ...again }); // an input recorded before closedAt was carried
    expect((await rowOf()).closed_at).toEqual(row.closed_at);
    // a row the earlier activity wrote (closed_at = its opening time) is repaired by migration 012 from its closing save's version
    const old = 'monitoring:2019:04-30';
    await sys.deps.db.query(`INSERT INTO monitoring_rounds (round, year, cutoff, name, stage, started_by, opened_at, closed_at, version) VALUES ($1, 2019, '04-30', '1-4月监控', 'closed', 'schedule', $2, $2, $3)`, [old, row.opened_at, Number(row.version)]);
    for (const stmt of splitSql(readFileSync(new URL('../../db/migrations/012_monitoring_closed_at.sql', import.meta.url), 'utf8'))) await sys.deps.db.query(stmt);
    const repaired = (await sys.deps.db.query<{ closed_at: Date }>('SELECT closed_at FROM monitoring_rounds WHERE round = $1', [old])).rows[0];
    expect(repaired.closed_at.getTime()).toBe(Number(row.version));
    expect((await rowOf()).closed_at).toEqual(row.closed_at); // a row written since is left as it is
  }, 90_000);

  it("the schedules exist after start-up with the profile's dates, and a profile change updates them", async () => {
    const tq = sys.config.temporal.taskQueue;
    const d = await sys.deps.temporal.schedule.getHandle(scheduleId(tq, '04-30')).describe();
    expect(d.spec.calendars?.[0]).toMatchObject({ month: [{ start: 'MAY', end: 'MAY', step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 9, end: 9, step: 1 }] });
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    await sys.deps.temporal.schedule.getHandle(scheduleId(tq, '07-31')).describe();
    const region = { ...sys.config.region, monitoring: { ...sys.config.region.monitoring, rounds: [{ name: '1-6月监控', cutoff: '06-30', dueWorkingDays: 10 }, sys.config.region.monitoring.rounds[0]] } };
    const sync = await syncSchedules(sys.deps.temporal, region, tq);
    expect(sync).toEqual({ created: [scheduleId(tq, '06-30')], updated: [scheduleId(tq, '04-30')], deleted: [scheduleId(tq, '07-31')] });
    const june = await sys.deps.temporal.schedule.getHandle(scheduleId(tq, '06-30')).describe();
    expect(june.spec.calendars?.[0]).toMatchObject({ month: [{ start: 'JULY', end: 'JULY', step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
  });
});

describe('a monitoring round under the Xinjiang profile', () => {
  let fin: StandIn;
  let sys: TestSystem;
  const round = roundId(YEAR, '05-31');

  beforeAll(async () => {
    fin = await startStandIn({ scale: SCALE, seed: 19 });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'xinjiang' }, { processes });
    await startRound(sys, '05-31', { deptIds: ['D01', 'D02'] });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('pushes a deviating project to its department and unit for rectification instead of a warning (payments untouched)', async () => {
    const lagging = await eventually(async () => (await results(sys, round)).find((r) => r.warned && r.response_ref), 'a deviation answered', 60_000);
    expect(lagging.response_ref).toBe(rectificationWorkflowId(lagging.unit_id, 'monitoring', round));
    const got = await startInput<unknown>(sys, lagging.response_ref!);
    const report = (got as { report: { unitId: string; problems: Array<{ projectId: string; key: string }> } }).report;
    expect(report.unitId).toBe(lagging.unit_id);
    expect(report.problems.some((p) => p.projectId === lagging.project_id)).toBe(true);
    // no warning from this round (the namespace is shared with the Inner Mongolia round above, same project ids)
    const warned = await startInput<{ trigger: { ref: string } }>(sys, warningWorkflowId(YEAR, lagging.project_id)).catch(() => null);
    expect(warned?.trigger.ref ?? null).not.toBe(round);
    const ledger = await fin.client.listLedger({ projectId: lagging.project_id, op: 'suspend' });
    expect(ledger.items).toHaveLength(0);
  }, 90_000);
});
