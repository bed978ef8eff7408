// A rectification notice (整改通知书) from opening to closure, over HTTP on the real system: finance
// opens it by hand with three problems, the department is mailed the notice and plans, reports with
// evidence, its head signs, finance returns one problem once and then accepts it; the notice is
// printable, the problems are listed against the unit and counted on the dashboard.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { listMail } from '../../scripts/mailCatcher';
import { RECTIFICATION_TASKS as T } from '../../contracts/rectification/names';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { WITH_RECTIFICATION, attach, decide, openTask, status, uniqueRef } from './helpers';

describe('a rectification notice to its closure', () => {
  let sys: TestSystem;
  let perf: Http;
  let dept: Http;
  let head: Http;
  let preparer: Http;

  beforeAll(async () => {
    sys = await startSystem({}, { processes: WITH_RECTIFICATION });
    [perf, dept, head, preparer] = await Promise.all([sys.as('perf-officer'), sys.as('d01-reviewer'), sys.as('d01-head'), sys.as('u0101-preparer')]);
  });
  afterAll(async () => sys?.stop());

  it('refuses a notice by hand from outside finance, and a unit of another department naming the field', async () => {
    const body = { deptId: 'D01', unitId: 'U0101', source: { ref: 'x', label: 'x' }, problems: [{ key: 'a', description: 'a' }] };
    expect((await dept.post('/api/rectifications', body)).status).toBe(403);
    const wrong = await perf.post('/api/rectifications', { ...body, unitId: 'U0201' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('body.unitId');
    const bare = await perf.post('/api/rectifications', { ...body, problems: [] });
    expect(bare.status).toBe(400);
  });

  it('a notice with three problems where one is returned once and then accepted closes on time after two rounds', async () => {
    const ref = uniqueRef();
    const problems = [
      { key: 'P1/exec', description: '预算执行率仅32%，明显滞后于时间进度', evidence: { executionRate: 32, timeProgress: 58 }, measures: '加快支付进度' },
      { key: 'P1/core', description: '核心指标“改造教室数量”预计完成率60%', evidence: { indicator: '改造教室数量', expectedPct: 60 }, measures: '调整实施计划' },
      { key: 'P2/form', description: '监控表偏差原因未填写' },
    ];
    const opened = await perf.post('/api/rectifications', { deptId: 'D01', unitId: 'U0101', source: { ref, label: `专项检查 ${ref}` }, problems });
    expect(opened.status).toBe(201);
    const { workflowId } = opened.body as { workflowId: string };
    expect(workflowId).toBe(`rectification:U0101:hand:${ref}`);

    // the notice reaches the department by mail, the notice itself in the body
    const mail = await eventually(async () => (await listMail(inject('mailWebUrl'))).find((m) => m.to.some((t) => t.startsWith('d01-reviewer@')) && m.subject.includes('整改通知书') && m.text.includes(ref)), 'the notice mail to the department');
    expect(mail.subject).toMatch(/整改通知书：整改〔\d{4}〕\d{5}号（第一中学/);
    for (const p of problems) expect(mail.text).toContain(p.description);
    expect(mail.text).toContain('executionRate：32');
    expect(mail.attachments).toEqual([expect.stringMatching(/^整改通知书-整改〔\d{4}〕\d{5}号\.html$/)]); // to print and file

    // and the printable notice is served to those in scope
    const html = await fetch(`${sys.url}/api/rectifications/${encodeURIComponent(workflowId)}/notice.html`, { headers: { authorization: `Bearer ${dept.token}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('<h1>整改通知书</h1>');
    expect(page).toContain('教育厅');
    expect(page).toContain('预算执行率仅32%');

    // the plan (整改方案)
    const plan = await openTask(dept, workflowId, T.plan);
    await decide(dept, plan, 'submit', { measures: problems.map((p) => ({ key: p.key, measures: `针对${p.key}的整改措施`, responsible: '陈静' })) });

    // round 1: the report with evidence per problem, the head signs, finance returns one
    const report1 = await openTask(dept, workflowId, T.report);
    const evidence = await attach(sys.url, dept, report1, '支付凭证.txt', '2027年6月支付凭证清单');
    await decide(dept, report1, 'submit', { problems: problems.map((p) => ({ key: p.key, done: `已完成${p.key}`, attachmentIds: p.key === 'P1/exec' ? [evidence] : [] })) });
    const sign1 = await openTask(head, workflowId, T.signOff);
    await decide(head, sign1, 'approve', { comment: '同意报送' });
    const verify1 = await openTask(perf, workflowId, T.verify);
    await decide(perf, verify1, 'verify', {
      verdicts: [
        { key: 'P1/exec', verdict: 'accepted' },
        { key: 'P1/core', verdict: 'returned', comment: '未提供调整后的实施计划' },
        { key: 'P2/form', verdict: 'accepted' },
      ],
    });

    await eventually(async () => (await status(sys.deps.temporal, workflowId)).round === 2, 'the second round');
    const mid = await status(sys.deps.temporal, workflowId);
    expect(mid.problems.map((p) => [p.key, p.status])).toEqual([
      ['P1/exec', 'closed'],
      ['P1/core', 'returned'],
      ['P2/form', 'closed'],
    ]);
    expect(mid.problems[0].rounds[0]).toMatchObject({ round: 1, attachmentIds: [evidence], verdict: 'accepted', verifiedBy: 'perf-officer' });

    // the unit's open problems for next year's budget requests: only the returned one
    const forBudget = await preparer.get('/api/rectifications/units/U0101/open-problems');
    expect(forBudget.status).toBe(200);
    expect(forBudget.body.items.filter((p: { workflowId: string }) => p.workflowId === workflowId).map((p: { key: string; status: string }) => [p.key, p.status])).toEqual([['P1/core', 'returned']]);

    // round 2: only the returned problem, with finance's comment
    const report2 = await openTask(dept, workflowId, T.report, [report1.id]);
    const detail = await dept.get(`/api/tasks/${encodeURIComponent(report2.id)}`);
    expect(detail.body.state.spec.context.problems.map((p: { key: string }) => p.key)).toEqual(['P1/core']);
    expect(detail.body.state.spec.context.problems[0].lastVerdict).toMatchObject({ verdict: 'returned', comment: '未提供调整后的实施计划' });
    await decide(dept, report2, 'submit', { problems: [{ key: 'P1/core', done: '已报送调整后的实施计划' }] });
    await decide(head, await openTask(head, workflowId, T.signOff, [sign1.id]), 'approve', {});
    await decide(perf, await openTask(perf, workflowId, T.verify, [verify1.id]), 'verify', { verdicts: [{ key: 'P1/core', verdict: 'accepted', comment: '整改到位' }] });

    const result = await sys.deps.temporal.workflow.getHandle(workflowId).result();
    expect(result).toEqual({ conclusion: 'closed', rounds: 2, overdueDays: 0, problems: 3 });
    const done = await status(sys.deps.temporal, workflowId);
    expect(done.problems.find((p) => p.key === 'P1/core')?.rounds.map((r) => r.verdict)).toEqual(['returned', 'accepted']);
    expect(done.closedOnTime).toBe(true);
    expect(done.events.map((e) => e.kind)).toEqual(['issued', 'planSubmitted', 'reportSubmitted', 'signed', 'verified', 'reportSubmitted', 'signed', 'verified', 'closed']);

    // the audit trail has each step with who did it
    const audit = await perf.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`);
    const actions = (audit.body as Array<{ action: string; actorId: string }>).map((a) => `${a.action}:${a.actorId}`);
    expect(actions).toEqual(expect.arrayContaining(['rectification.issued:perf-officer', 'rectification.planSubmitted:d01-reviewer', 'rectification.signed:d01-head', 'rectification.verified:perf-officer', 'rectification.closed:system', 'task.attach:d01-reviewer']));

    // the dashboard counts it closed on time; the listing no longer lists it as open
    const dash = await eventually(async () => {
      const d = await perf.get('/api/rectifications/dashboard');
      return d.body.notices?.closedOnTime >= 1 ? d : undefined;
    }, 'the closed notice on the dashboard');
    expect(dash.body.notices.shareOnTime).toBeGreaterThan(0);
    const open = await perf.get('/api/rectifications/problems?deptId=D01');
    expect(open.body.items.filter((p: { workflowId: string }) => p.workflowId === workflowId)).toEqual([]);
    const closed = await perf.get('/api/rectifications/problems?deptId=D01&status=closed&source=hand');
    expect(closed.body.items.filter((p: { workflowId: string }) => p.workflowId === workflowId)).toHaveLength(3);

    if (process.env.RECORD_HISTORIES) {
      const history = await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(join('test', 'replay', 'histories', `rectification-two-rounds-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(history));
    }
  });
});
