// Where the decision is made: a reduced amount (核减后通过, 削减) more than 0 and less than the request,
// refused with the field by the API and by the workflow's own Update validator. What follows a
// conclusion: a failed application's unit is told why by mail and in its notices; a report passed after
// revision goes on to the budget division (004: 修改后的评估报告直接由预算科应用到预算安排环节).
// Real Temporal, database, SMTP and HTTP (Inner Mongolia's profile: 6,000,000 yuan new → key, finance).
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { listMail, waitForMail } from '../../scripts/mailCatcher';
import { taskActUpdate } from '../../contracts/humanTask/messages';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';

describe('pre-assessment conclusions: reduced-amount bounds and who is told', () => {
  let sys: TestSystem;
  let preparer: Http;
  let perf: Http;
  let budget: Http;
  const act = (who: Http, taskId: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, body);
  const taskOf = (who: Http, code: string, type: string, not?: string) =>
    eventually(async () => (await who.get(`/api/tasks?q=${encodeURIComponent(code.toLowerCase())}`)).body.items?.find((t: { type: string; id: string; status: string }) => t.type === type && t.id !== not && t.status === 'open'), type);

  beforeAll(async () => {
    sys = await startSystem();
    [preparer, perf, budget] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer'), sys.as('budget-officer')]);
  });
  afterAll(async () => sys?.stop());

  it('a reduced amount of 0 or of the whole request is refused naming form.approvedAmountFen, by the API and by the workflow itself; within bounds it passes reduced', async () => {
    const app = application({ name: '核减边界测试项目' });
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.body.route).toBe('key');
    const task = await taskOf(perf, app.projectCode, 'preAssessment.review');

    for (const approvedAmountFen of [0, app.amountFen, app.amountFen + 1]) {
      const bad = await act(perf, task.id, { action: 'decide', outcome: 'passReduced', form: { aspects: aspects(15), approvedAmountFen }, comment: '核减' });
      expect(bad.status, `approvedAmountFen ${approvedAmountFen}`).toBe(400);
      expect(bad.body.error.message).toContain('form.approvedAmountFen: must be more than 0 and less than 600000000');
      expect(bad.body.error.field).toBe('body.form.approvedAmountFen');
      expect(bad.body.error.message).toContain('less than 600000000');
    }
    // the workflow's Update validator refuses it too (a client that bypasses the API): no trace in the history
    const handle = sys.deps.temporal.workflow.getHandle(r.body.workflowId);
    const direct = await handle
      .executeUpdate(taskActUpdate, { args: [{ action: 'decide', taskId: task.id, actor: { userId: 'perf-officer', name: '郑洁', groups: ['finance_performance@FIN'], roles: ['finance_performance'] }, outcome: 'passReduced', form: { aspects: aspects(15), approvedAmountFen: 0 }, comment: null }] })
      .then(() => null, (e: unknown) => e);
    expect(direct).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((direct as WorkflowUpdateFailedError).cause?.message)).toContain('form.approvedAmountFen: must be more than 0');

    const ok = await act(perf, task.id, { action: 'decide', outcome: 'passReduced', form: { aspects: aspects(15), approvedAmountFen: 180_000_000 }, comment: '投入经济性不足，核减70%' });
    expect(ok.status).toBe(200);
    expect(await handle.result()).toMatchObject({ conclusion: 'passedReduced', approvedAmountFen: 180_000_000, revisions: 0 });
  });

  it('a failed application: the unit preparer is mailed why and finds it among their notices; nothing goes to the budget division', async () => {
    const app = application({ name: '评估不通过告知项目' });
    const r = await preparer.post('/api/pre-assessments', app);
    const review = await taskOf(perf, app.projectCode, 'preAssessment.review');
    expect((await act(perf, review.id, { action: 'return', reason: '请补充实施方案' })).status).toBe(200);
    const revise = await taskOf(preparer, app.projectCode, 'preAssessment.revise');
    expect((await act(preparer, revise.id, { action: 'decide', outcome: 'resubmit', form: { summary: '已补充实施方案' } })).status).toBe(200);
    const review2 = await taskOf(perf, app.projectCode, 'preAssessment.review', review.id);
    const why = '立项依据不充分，与部门职能关联度低';
    expect((await act(perf, review2.id, { action: 'decide', outcome: 'fail', form: { aspects: aspects(6), comment: why }, comment: why })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result()).toMatchObject({ conclusion: 'failed', revisions: 1 });

    const mail = await waitForMail(inject('mailWebUrl'), (m) => m.to.some((t) => t.startsWith('u0101-preparer@')) && m.subject.includes('事前评估未通过') && m.subject.includes(app.name), 20_000);
    expect(mail.text).toContain(why);

    const notices = await eventually(async () => {
      const n = await preparer.get('/api/notices');
      return n.body.items?.find((x: { subject: string }) => x.subject.includes(app.name));
    }, 'the failure among the preparer’s notices');
    expect(notices).toMatchObject({ kind: 'decided' });
    expect(notices.subject).toContain('事前评估未通过');
    expect(notices.text).toContain(why);
    // others do not see it; the budget division hears nothing of a failed report
    expect((await perf.get('/api/notices')).body.items.some((x: { subject: string }) => x.subject.includes(app.name))).toBe(false);
    expect((await budget.get('/api/notices')).body.items.some((x: { subject: string }) => x.subject.includes(app.name))).toBe(false);
  });

  it('a report passed after revision goes on to the budget division as a notice (mail and notices); one passed the first time does not', async () => {
    const revised = application({ name: '修改后通过报告项目' });
    const first = application({ name: '一次通过报告项目' });
    const r1 = await preparer.post('/api/pre-assessments', revised);
    const r2 = await preparer.post('/api/pre-assessments', first);
    const review = await taskOf(perf, revised.projectCode, 'preAssessment.review');
    expect((await act(perf, review.id, { action: 'return', reason: '绩效目标不够细化' })).status).toBe(200);
    const revise = await taskOf(preparer, revised.projectCode, 'preAssessment.revise');
    expect((await act(preparer, revise.id, { action: 'decide', outcome: 'resubmit', form: { amountFen: 500_000_001 } })).status).toBe(200);
    const review2 = await taskOf(perf, revised.projectCode, 'preAssessment.review', review.id);
    expect((await act(perf, review2.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(17) } })).status).toBe(200);
    const other = await taskOf(perf, first.projectCode, 'preAssessment.review');
    expect((await act(perf, other.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(19) } })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(r1.body.workflowId).result();
    await sys.deps.temporal.workflow.getHandle(r2.body.workflowId).result();

    const mail = await waitForMail(inject('mailWebUrl'), (m) => m.to.some((t) => t.startsWith('budget-officer@')) && m.subject.includes(revised.name), 20_000);
    expect(mail.subject).toContain('修改后的事前绩效评估报告');
    expect(mail.text).toContain('修改1次');
    expect(mail.text).toContain('5000000.01 元');
    const notice = await eventually(async () => (await budget.get('/api/notices?kind=notice')).body.items?.find((x: { subject: string }) => x.subject.includes(revised.name)), 'the budget division’s notice');
    expect(notice.text).toContain('2027年预算');
    const all = await listMail(inject('mailWebUrl'));
    expect(all.some((m) => m.to.some((t) => t.startsWith('budget-officer@')) && m.subject.includes(first.name))).toBe(false);
  });
});
