// The annual self-evaluation (年度绩效自评) on the real system: finance opens a year's cycle, every
// project of the department gets its pre-filled form in its unit's inbox, the score is computed
// from the actual values, the unit head signs, the department returns and then submits, finance
// files; then the checks: the seeded draw shown to finance, a check with problems that raises a
// rectification notice, a re-evaluation whose grade replaces the self grade.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { scoreSelfEvaluation } from '../../contracts/evaluation/scoring';
import { drawChecks, drawReEvaluations } from '../../contracts/evaluation/draw';
import { selfEvaluationDueAt } from '../../workflows/evaluation/cycle';
import { REPO_ROOT } from '../../app/processPaths';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

const EVAL_YEAR = YEAR - 1; // last year's closed budget
const HISTORIES = join(REPO_ROOT, 'test', 'replay', 'histories');
const enc = encodeURIComponent;

describe('the annual self-evaluation of a department', () => {
  let fin: StandIn;
  let sys: TestSystem;
  let perf: Http;
  let perf2: Http;
  let preparer: Http;
  let head: Http;
  let reviewer: Http;
  let expected: string[];
  let monitored: string;
  let revised: string;

  beforeAll(async () => {
    fin = await startStandIn();
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai' });
    [perf, perf2, preparer, head, reviewer] = await Promise.all(['perf-officer', 'perf-officer2', 'u0101-preparer', 'u0101-head', 'd01-reviewer'].map((u) => sys.as(u)));
    const page = await fin.client.listProjects({ deptId: 'D01', year: EVAL_YEAR, expenditure: 'project', limit: 1000 });
    expected = page.items.filter((p) => !p.transferId).map((p) => p.id).sort();
    // one project was monitored at the May round (as the monitoring process records it)
    const [m] = page.items.filter((p) => !p.transferId && p.unitId === 'U0101').slice(-1);
    monitored = m.id;
    // another had its targets revised during the year (an approved adjustment: a new version in the finance system)
    revised = page.items.filter((p) => !p.transferId && p.unitId === 'U0101' && p.id !== m.id).slice(-1)[0].id; // not the one the next test fills in
    await fin.client.reviseTargets({
      idempotencyKey: `eval-revised-${revised}`, projectId: revised, year: EVAL_YEAR, source: 'monitoring', by: 'perf-officer', reason: '政策变化，调减建设规模',
      indicators: [{ level1: 'output', level2: '数量指标', name: '新建校舍面积', target: '800', unit: '平方米', direction: '>=', isCore: true }],
    });
    await sys.deps.db.query(
      `INSERT INTO monitoring_rounds (round, year, cutoff, name, stage, started_by, opened_at, version) VALUES ($1, $2, '05-31', '5月末监控', 'closed', 'perf-officer', now(), 1)`,
      [`monitoring:${EVAL_YEAR}:05-31`, EVAL_YEAR],
    );
    await sys.deps.db.query(
      `INSERT INTO monitoring_results (round, project_id, project_name, dept_id, unit_id, batch_id, stage, available_fen, paid_fen, execution_rate_bp, time_progress_bp, warned, version)
       VALUES ($1, $2, $3, 'D01', 'U0101', 'b1', 'submitted', 100, 20, 2000, 4167, true, 1)`,
      [`monitoring:${EVAL_YEAR}:05-31`, m.id, m.name],
    );
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  const tasksOf = async (who: Http, q: string) => ((await who.get(`/api/tasks?process=evaluation&q=${enc(q)}`)).body.items ?? []) as Array<{ id: string; type: string; workflowId: string; title: string }>;
  const detail = async (who: Http, id: string) => (await who.get(`/api/tasks/${enc(id)}`)).body;
  const contextOf = (d: any) => d.state?.spec?.context ?? d.spec?.context ?? d.context;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown> = {}) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });

  it('opens one cycle a year, with a pre-filled form for every project of the department in its unit’s inbox, due by the end of April in Wuhai', async () => {
    const r = await perf.post('/api/evaluations/cycles', { year: EVAL_YEAR, deptIds: ['D01'] });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ workflowId: `evaluationCycle:${EVAL_YEAR}`, dueMonthDay: '04-30' });
    expect((await perf.post('/api/evaluations/cycles', { year: EVAL_YEAR, deptIds: ['D01'] })).status).toBe(409);
    // a unit preparer may not open one
    expect((await preparer.post('/api/evaluations/cycles', { year: EVAL_YEAR + 1 })).status).toBe(403);

    const dept = await eventually(async () => {
      const d = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
      return d?.opened ? d : undefined;
    }, 'the department’s forms opened');
    expect(dept.items.map((i: { projectId: string }) => i.projectId).sort()).toEqual(expected);
    const cycle = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}`)).body;
    // Wuhai's reports are due by 30 April, 23:59:59 Beijing time; a cycle opened after that date gets a day
    expect(new Date(selfEvaluationDueAt(EVAL_YEAR, '04-30')).toISOString()).toBe(`${EVAL_YEAR + 1}-04-30T15:59:59.000Z`);
    const dueAt = Date.parse(cycle.dueAt);
    if (Date.now() > selfEvaluationDueAt(EVAL_YEAR, '04-30')) expect(dueAt - Date.now()).toBeGreaterThan(23 * 3_600_000);
    else expect(dueAt).toBe(selfEvaluationDueAt(EVAL_YEAR, '04-30'));

    // the start page's progress: every form of the department, all still with the units
    const progress = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/progress`)).body;
    expect(progress).toMatchObject({ year: EVAL_YEAR, stage: 'open', projects: expected.length, filed: 0 });
    expect(progress.departments).toEqual([expect.objectContaining({ deptId: 'D01', opened: true, projects: expected.length, byStage: { filling: expected.length, signing: 0, departmentReview: 0, financeReview: 0, filed: 0 } })]);
    expect((await perf.get(`/api/evaluations/cycles/${EVAL_YEAR + 5}/progress`)).status).toBe(404);
    const mine = dept.items.filter((i: { unitId: string }) => i.unitId === 'U0101');
    const inbox = await eventually(async () => {
      const all = (await preparer.get('/api/tasks?process=evaluation&limit=200')).body.items ?? [];
      return all.length >= mine.length ? all : undefined;
    }, 'every U0101 form in the preparer’s inbox');
    expect(inbox.filter((t: { type: string }) => t.type === 'evaluation.selfEvaluate')).toHaveLength(mine.length);

    // the monitored project's form carries the round's result; the others have none
    const [t] = await tasksOf(preparer, monitored);
    const m = contextOf(await detail(preparer, t.id)).prefill.monitoring;
    expect(m.rounds).toEqual([expect.objectContaining({ name: '5月末监控', cutoff: '05-31', executionRateBp: 2000, warned: true })]);
    // the revised project's form reports against the finance system's current targets; the others against the library's core indicators
    const [rt] = await tasksOf(preparer, revised);
    const rp = contextOf(await detail(preparer, rt.id)).prefill;
    expect(rp.targetsSource).toBe('approved');
    expect(rp.targets).toEqual([{ kind: 'output', category: '数量指标', name: '新建校舍面积', target: '800', unit: '平方米', direction: '>=' }]);
    expect(contextOf(await detail(preparer, t.id)).prefill.targetsSource).toBe('library');
  });

  it('computes the score from the actual values, signs, returns from the department, resubmits, and is filed by finance', async () => {
    const dept = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
    const item = dept.items.find((i: { unitId: string; projectId: string }) => i.unitId === 'U0101' && i.projectId !== monitored);
    const [task] = await tasksOf(preparer, item.projectId);
    const ctx = contextOf(await detail(preparer, task.id));
    const pre = ctx.prefill;
    expect(pre.projectId).toBe(item.projectId);
    expect(pre.monitoring).toBeNull(); // monitoring has no results yet
    expect(pre.execution).toEqual(expect.objectContaining({ executionRateBp: expect.any(Number) }));
    // targets: the industry's core indicators (no approved targets on record yet), the unit states them;
    // and one indicator of its own, "lower is better", overrun: 20 against ≤ 15
    const indicators = [
      ...pre.targets.map((t: { name: string }, i: number) => ({ name: t.name, target: '100', actual: i === 0 ? '50' : '100', gapReason: i === 0 ? '受天气影响工期延误' : undefined })),
      { name: '单位成本', kind: 'output', direction: '<=', target: '15', actual: '20', gapReason: '材料涨价' },
    ];
    const form = { indicators, measures: '加快进度，控制成本' };
    const score = scoreSelfEvaluation(
      [...pre.targets.map((t: any, i: number) => ({ kind: t.kind, name: t.name, direction: t.direction, target: '100', actual: i === 0 ? '50' : '100' })), { kind: 'output', name: '单位成本', direction: '<=', target: '15', actual: '20' }],
      pre.execution.executionRateBp,
      sys.config.region.evaluation.weights,
      sys.config.region.evaluation.grades,
    );
    // a typed score is not part of the form: the workflow computes it
    expect((await decide(preparer, task.id, 'submit', { ...form, measures: '' })).status).toBe(400);
    expect((await decide(preparer, task.id, 'submit', form)).status).toBe(200);

    const sign = await eventually(async () => (await tasksOf(head, item.projectId)).find((t) => t.type === 'evaluation.unitSign'), 'the head’s signature task');
    expect(contextOf(await detail(head, sign.id)).score.total).toBe(score.total);
    expect((await decide(head, sign.id, 'sign', { comment: '属实' })).status).toBe(200);

    const review = await eventually(async () => (await tasksOf(reviewer, item.projectId)).find((t) => t.type === 'evaluation.departmentReview'), 'the department’s review');
    expect((await decide(reviewer, review.id, 'sendBack', {})).status).toBe(400); // a return says why
    expect((await decide(reviewer, review.id, 'sendBack', { comment: '偏差原因不充分' })).status).toBe(200);

    const again = await eventually(async () => (await tasksOf(preparer, item.projectId)).find((t) => t.type === 'evaluation.selfEvaluate' && t.id !== task.id), 'the form back with the unit');
    expect(contextOf(await detail(preparer, again.id)).returnReason).toBe('偏差原因不充分');
    expect((await decide(preparer, again.id, 'submit', { ...form, summary: '补充偏差原因' })).status).toBe(200);
    const sign2 = await eventually(async () => (await tasksOf(head, item.projectId)).find((t) => t.type === 'evaluation.unitSign' && t.id !== sign.id), 'the second signature');
    expect((await decide(head, sign2.id, 'sign')).status).toBe(200);
    const review2 = await eventually(async () => (await tasksOf(reviewer, item.projectId)).find((t) => t.type === 'evaluation.departmentReview' && t.id !== review.id), 'the second review');
    expect((await decide(reviewer, review2.id, 'submit')).status).toBe(200);
    const filing = await eventually(async () => (await tasksOf(perf, item.projectId)).find((t) => t.type === 'evaluation.financeFile'), 'finance’s filing');
    expect((await decide(perf, filing.id, 'file', { comment: '备案' })).status).toBe(200);

    const filed = await eventually(async () => {
      const d = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
      const i = d.items.find((x: { projectId: string }) => x.projectId === item.projectId);
      return i?.stage === 'filed' ? i : undefined;
    }, 'the self-evaluation filed');
    expect(filed).toMatchObject({ returns: 1, grade: score.grade });
    expect(filed.score.total).toBe(score.total);
    // the overrun "lower is better" indicator earned 15/20 of its share
    const cost = filed.score.indicators.find((i: { name: string }) => i.name === '单位成本');
    expect(cost.ratio).toBe(0.75);
  });

  it('files the rest, then draws the checks with a recorded seed (Wuhai: 1,000,000 yuan or more and key projects), shown to finance before sending', async () => {
    // the rest of the department's forms, quickly: every unit's preparer fills, heads sign, the department submits, finance files
    const dept = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
    const users: Record<string, [string, string]> = { U0101: ['u0101-preparer', 'u0101-head'], U0102: ['u0102-preparer', 'u0102-head'] };
    const http: Record<string, Http> = {};
    for (const [p, h] of Object.values(users)) [http[p], http[h]] = await Promise.all([sys.as(p), sys.as(h)]);
    const open = dept.items.filter((i: { stage: string; unitId: string }) => i.stage !== 'filed');
    expect(open.every((i: { unitId: string }) => i.unitId in users)).toBe(true);
    for (const item of open) {
      const [p, h] = users[item.unitId].map((u) => http[u]);
      const [fill] = await eventually(async () => (await tasksOf(p, item.projectId)).filter((t) => t.type === 'evaluation.selfEvaluate').slice(0, 1) as any, `form ${item.projectId}`);
      const pre = contextOf(await detail(p, fill.id)).prefill;
      // an approved target stays as approved (the workflow refuses a changed one)
      const indicators = pre.targets.length ? pre.targets.map((t: { name: string; target: string | null }) => ({ name: t.name, target: t.target ?? '10', actual: t.target ?? '10' })) : [{ name: '完成数量', kind: 'output', direction: '>=', target: '10', actual: '10' }];
      expect((await decide(p, fill.id, 'submit', { indicators, measures: '无' })).status).toBe(200);
      const s = await eventually(async () => (await tasksOf(h, item.projectId)).find((t) => t.type === 'evaluation.unitSign'), 'sign');
      expect((await decide(h, s.id, 'sign')).status).toBe(200);
      const r = await eventually(async () => (await tasksOf(reviewer, item.projectId)).find((t) => t.type === 'evaluation.departmentReview'), 'review');
      expect((await decide(reviewer, r.id, 'submit')).status).toBe(200);
      const f = await eventually(async () => (await tasksOf(perf, item.projectId)).find((t) => t.type === 'evaluation.financeFile'), 'file');
      expect((await decide(perf2, f.id, 'file')).status).toBe(200);
    }
    // the department's overall self-evaluation and one per transfer payment, apart from the projects':
    // the department fills each with its own indicators, the score is computed on the department's (or
    // the transfer's projects') execution; finance returns the overall one once, then files
    const transfers = (await fin.client.listTransfers({ year: EVAL_YEAR })).items.filter((t) => t.deptId === 'D01');
    const whole = await eventually(async () => {
      const d = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
      return d.overall && d.transfers?.length === transfers.length ? d : undefined;
    }, 'the overall and transfer self-evaluations opened');
    expect(whole.overall).toMatchObject({ projectId: 'overall:D01', stage: 'filling' });
    expect(whole.transfers.map((t: { projectId: string }) => t.projectId).sort()).toEqual(transfers.map((t) => t.id).sort());
    const own = [
      { name: '部门重点任务完成率', kind: 'output', direction: '>=', target: '100', actual: '90', gapReason: '两项任务顺延' },
      { name: '群众满意度', kind: 'satisfaction', direction: '>=', target: '90', actual: '92' },
      { name: '单位管理费用占比', kind: 'benefit', direction: '<=', target: '5', actual: '4' },
    ];
    const fillWhole = async (type: string, ref: string, skip: string[] = []) => {
      const t = await eventually(async () => (await tasksOf(reviewer, ref)).find((x) => x.type === type && !skip.includes(x.id)), `${type} ${ref}`);
      const c = contextOf(await detail(reviewer, t.id));
      // without its own indicators' kind, direction and target the form is refused
      expect((await decide(reviewer, t.id, 'submit', { indicators: [], measures: '无' })).status).toBe(400);
      expect((await decide(reviewer, t.id, 'submit', { indicators: own, measures: '压实责任，加快进度' })).status).toBe(200);
      return { task: t, ctx: c };
    };
    const w = sys.config.region.evaluation;
    const o1 = await fillWhole('evaluation.overallSelfEvaluate', 'overall:D01');
    const expectScore = (c: any) => scoreSelfEvaluation(own as any, c.prefill.execution.executionRateBp, c.weights, w.grades);
    expect(o1.ctx.weights).toEqual(w.overallWeights ?? w.weights);
    const f1 = await eventually(async () => (await tasksOf(perf, 'overall:D01')).find((x) => x.type === 'evaluation.financeFile'), 'finance’s filing of the overall one');
    expect(contextOf(await detail(perf, f1.id)).score.total).toBe(expectScore(o1.ctx).total);
    expect((await decide(perf, f1.id, 'sendBack', { comment: '补充部门整体支出绩效分析' })).status).toBe(200);
    const o2 = await fillWhole('evaluation.overallSelfEvaluate', 'overall:D01', [o1.task.id]);
    expect(o2.ctx.returnReason).toBe('补充部门整体支出绩效分析');
    const f2 = await eventually(async () => (await tasksOf(perf, 'overall:D01')).find((x) => x.type === 'evaluation.financeFile' && x.id !== f1.id), 'the second filing');
    expect((await decide(perf, f2.id, 'file', { comment: '备案' })).status).toBe(200);
    for (const tr of transfers) {
      const x = await fillWhole('evaluation.transferSelfEvaluate', tr.id);
      const f = await eventually(async () => (await tasksOf(perf, tr.id)).find((y) => y.type === 'evaluation.financeFile'), 'the transfer’s filing');
      expect(contextOf(await detail(perf, f.id)).score.total).toBe(expectScore(x.ctx).total);
      expect((await decide(perf, f.id, 'file')).status).toBe(200);
    }
    const wholeDone = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body;
    expect(wholeDone.overall).toMatchObject({ stage: 'filed', returns: 1, grade: expectScore(o1.ctx).grade });
    // the projects' forms are untouched by them
    expect(wholeDone.items.map((i: { projectId: string }) => i.projectId).sort()).toEqual(expected);
    const cycle = await sys.deps.temporal.workflow.getHandle(`evaluationCycle:${EVAL_YEAR}`).result();
    expect(cycle.departments[0]).toMatchObject({ deptId: 'D01', projects: expected.length, filed: expected.length });

    const key = expected[0];
    const r = await perf.post('/api/evaluations/checks', { year: EVAL_YEAR, seed: 20250430, keyProjectIds: [key], deptIds: ['D01'] });
    expect(r.status).toBe(201);
    const confirm = await eventually(async () => (await perf.get('/api/tasks?process=evaluation&type=evaluation.confirmDraw')).body.items?.[0], 'the draw shown to finance');
    const ctx = contextOf(await detail(perf, confirm.id));
    expect(ctx.seed).toBe(20250430);
    // the same draw, recomputed from the filed self-evaluations with the seed
    const filed = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body.items;
    const units = new Map((await fin.client.listUnits({ deptId: 'D01', limit: 1000 })).items.map((u) => [u.id, u]));
    const s = sys.config.region.evaluation.spotCheck;
    const again = drawChecks(
      filed.map((f: any) => ({ projectId: f.projectId, deptId: 'D01', unitId: f.unitId, amountFen: f.amountFen, key: f.projectId === key, level: units.get(f.unitId)?.level ?? 'province', locality: units.get(f.unitId)?.region ?? '本级' })),
      { allFromFen: s.allFromFen, keyProjects: s.keyProjects, provinceLevelAll: s.provinceLevelAll, localityShare: s.localityShare, sampleRate: s.sampleRate },
      20250430,
    );
    expect(ctx.count).toBe(again.items.length);
    expect(ctx.items).toEqual(again.items.slice(0, 500));
    for (const f of filed) if (f.amountFen >= 100_000_000 || f.projectId === key) expect(ctx.items.map((i: { projectId: string }) => i.projectId)).toContain(f.projectId);
    // nothing is sent before finance confirms
    const before = (await perf.get(`/api/evaluations/checks/${EVAL_YEAR}`)).body;
    expect(before.stage).toBe('confirming');
    expect(before.checks).toEqual([]);
    expect((await decide(perf, confirm.id, 'send', { comment: '同意下发' })).status).toBe(200);
  });

  it('a check with problems raises the unit’s rectification notice; a re-evaluation’s grade replaces the self grade in the results', async () => {
    const checks = await eventually(async () => {
      const c = (await perf.get(`/api/evaluations/checks/${EVAL_YEAR}`)).body;
      return c.stage === 'checking' && c.checks.length ? c : undefined;
    }, 'the checks sent');
    const first = checks.checks[0];
    const task = await eventually(async () => (await tasksOf(perf, first.projectId)).find((t) => t.type === 'evaluation.check'), 'the check task');
    expect((await decide(perf, task.id, 'confirm', { adjustedScore: 72, findings: '佐证材料不足，得分偏高', problems: [{ description: '实际完成值无佐证', measures: '补充验收资料' }] })).status).toBe(200);
    const done = await eventually(async () => {
      const c = (await perf.get(`/api/evaluations/checks/${EVAL_YEAR}`)).body;
      const row = c.checks.find((x: { projectId: string }) => x.projectId === first.projectId);
      return row?.done ? row : undefined;
    }, 'the check recorded');
    expect(done).toMatchObject({ adjustedScore: 72, grade: '中', problems: 1, rectificationId: `rectification:${first.unitId}:selfEvaluationCheck:${EVAL_YEAR}` });

    // the notice exists, started by the rectification contract (its workflow is rectification's to run)
    const notice = await sys.deps.temporal.workflow.getHandle(done.rectificationId).describe();
    expect(notice.type).toBe('rectification');

    const filedNow = (await perf.get(`/api/evaluations/cycles/${EVAL_YEAR}/departments/D01`)).body.items;
    // the region's re-evaluation share, drawn by a seed and shown to finance before anything is sent;
    // finance draws again once, then sends: each drawn project is re-evaluated and its grade counts
    const share = sys.config.region.evaluation.reEvaluationShare;
    const ids = filedNow.map((f: { projectId: string }) => f.projectId);
    expect((await preparer.post(`/api/evaluations/checks/${EVAL_YEAR}/re-evaluation-draws`, { seed: 1 })).status).toBe(403);
    expect((await perf.post(`/api/evaluations/checks/${EVAL_YEAR}/re-evaluation-draws`, { seed: 'x' })).status).toBe(400);
    expect((await perf.post(`/api/evaluations/checks/${EVAL_YEAR}/re-evaluation-draws`, { seed: 4242 })).body).toEqual({ accepted: true, share });
    const shown = await eventually(async () => (await perf.get('/api/tasks?process=evaluation&type=evaluation.confirmReEvaluationDraw')).body.items?.[0], 'the re-evaluation draw shown to finance');
    const shownCtx = contextOf(await detail(perf, shown.id));
    const expectedDraw = drawReEvaluations(ids, share, 4242);
    expect(expectedDraw).toHaveLength(Math.ceil(ids.length * share));
    expect(shownCtx).toMatchObject({ seed: 4242, share, population: ids.length });
    expect(shownCtx.items.map((i: { projectId: string }) => i.projectId)).toEqual(expectedDraw);
    // nothing sent before finance confirms
    for (const id of expectedDraw) expect((await tasksOf(perf2, id)).filter((t) => t.type === 'evaluation.reEvaluate')).toEqual([]);
    expect((await decide(perf, shown.id, 'redraw', { comment: '换一批' })).status).toBe(200);
    const second = await eventually(async () => (await perf.get('/api/tasks?process=evaluation&type=evaluation.confirmReEvaluationDraw')).body.items?.find((t: { id: string }) => t.id !== shown.id), 'the second draw');
    const secondCtx = contextOf(await detail(perf, second.id));
    expect(secondCtx.seed).not.toBe(4242);
    expect(secondCtx.items.map((i: { projectId: string }) => i.projectId)).toEqual(drawReEvaluations(ids, share, secondCtx.seed));
    expect((await decide(perf, second.id, 'send', { comment: '同意' })).status).toBe(200);
    const drawn: string[] = secondCtx.items.map((i: { projectId: string }) => i.projectId);
    expect(drawn.length).toBeGreaterThan(0);
    for (const id of drawn) {
      const t = await eventually(async () => (await tasksOf(perf2, id)).find((x) => x.type === 'evaluation.reEvaluate'), `re-evaluation of ${id}`);
      expect((await decide(perf2, t.id, 'submit', { score: 79.99, findings: '产出质量未达标' })).status).toBe(200);
    }
    const after = await eventually(async () => {
      const c = (await perf.get(`/api/evaluations/checks/${EVAL_YEAR}`)).body;
      return drawn.every((id) => c.reEvaluations.some((r: { projectId: string }) => r.projectId === id)) ? c : undefined;
    }, 'the drawn re-evaluations done');
    expect(after.reEvaluationDraws.map((d: { seed: number; outcome: string }) => [d.seed, d.outcome])).toEqual([[4242, 'redrawn'], [secondCtx.seed, 'sent']]);
    const rows2 = (await perf.get(`/api/evaluations/results/${EVAL_YEAR}/D01`)).body as any[];
    for (const id of drawn) expect(rows2.find((x) => x.projectId === id)).toMatchObject({ grade: '中', source: 'reEvaluation' });

    // re-evaluation of one project, neither checked nor drawn: its grade replaces the self grade
    const filed = filedNow;
    const target = filed.find((f: { projectId: string }) => f.projectId !== first.projectId && !drawn.includes(f.projectId));
    expect((await perf.post(`/api/evaluations/checks/${EVAL_YEAR}/re-evaluations`, { projectId: target.projectId })).status).toBe(202);
    const re = await eventually(async () => (await tasksOf(perf2, target.projectId)).find((t) => t.type === 'evaluation.reEvaluate'), 'the re-evaluation task');
    expect((await decide(perf2, re.id, 'submit', { score: 59.5, findings: '效益未达预期' })).status).toBe(200);
    const results = await eventually(async () => {
      const rows = (await perf.get(`/api/evaluations/results/${EVAL_YEAR}/D01`)).body as any[];
      const row = rows.find((x) => x.projectId === target.projectId);
      return row?.source === 'reEvaluation' ? rows : undefined;
    }, 'the re-evaluation in the results');
    const row = results.find((x) => x.projectId === target.projectId);
    expect(row).toMatchObject({ grade: '差', source: 'reEvaluation', selfGrade: target.grade });
    // the checked project keeps its checker's grade, unless the second (randomly seeded) draw re-evaluated it too
    expect(results.find((x) => x.projectId === first.projectId)).toMatchObject(drawn.includes(first.projectId) ? { grade: '中', source: 'reEvaluation' } : { grade: '中', source: 'check' });

    // the remaining checks, then the checks close
    for (const c of checks.checks.slice(1)) {
      const t = await eventually(async () => (await tasksOf(perf, c.projectId)).find((x) => x.type === 'evaluation.check'), 'check');
      expect((await decide(perf, t.id, 'confirm', { findings: '自评属实' })).status).toBe(200);
    }
    const end = await sys.deps.temporal.workflow.getHandle(`evaluationChecks:${EVAL_YEAR}`).result();
    expect(end.stage).toBe('done');

    if (process.env.RECORD_HISTORIES) {
      const day = new Date().toISOString().slice(0, 10);
      for (const [type, id] of [
        ['evaluationCycle', `evaluationCycle:${EVAL_YEAR}`],
        ['evaluationDepartment', `evaluationDepartment:${EVAL_YEAR}:D01`],
        ['evaluationChecks', `evaluationChecks:${EVAL_YEAR}`],
      ]) {
        const h = await sys.deps.temporal.workflow.getHandle(id).fetchHistory();
        writeFileSync(join(HISTORIES, `${type}-wuhai-whole-${day}.json`), historyToJSON(h));
      }
    }
  }, 120_000);
});
