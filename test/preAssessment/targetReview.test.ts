// Target review with finance in it (002, 004): the competent department reviews a new project's
// targets first, then finance's performance division on 002's four criteria, each with a finding;
// finance approves, returns for revision, cuts the amount (削减) or delays or cancels the budget
// (缓批或取消). Real Temporal, database and HTTP (Inner Mongolia).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application } from '../helpers/fixtures';

let sys: TestSystem;
let preparer: Http;
let reviewer: Http;
let perf: Http;

const YUAN = 100;
const criteria = {
  relevance: { finding: '与教育厅职能相关' },
  feasibility: { finding: '措施可行' },
  indicators: { finding: '指标设置科学，可量化' },
  funding: { finding: '资金测算合理' },
};
const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);
const taskOf = (who: Http, code: string, type: string, not?: string) =>
  eventually(async () => (await who.get(`/api/tasks?q=${code.toLowerCase()}`)).body.items?.find((t: { type: string; id: string; status: string }) => t.type === type && t.id !== not && t.status === 'open'), `${type} of ${code}`);

/** A new 800,000-yuan project (no pre-assessment in Inner Mongolia): the department approves its targets; finance's task. */
async function toFinance(over: Record<string, unknown> = {}) {
  const app = application({ amountFen: 800_000 * YUAN, isNew: true, ...over });
  const r = await preparer.post('/api/pre-assessments', app);
  expect(r.body.route).toBe('targetReview');
  const dept = await taskOf(reviewer, app.projectCode, 'preAssessment.targetReview');
  expect((await act(reviewer, dept.id, { action: 'decide', outcome: 'approve', form: {}, comment: '部门审核同意' })).status).toBe(200);
  const fin = await taskOf(perf, app.projectCode, 'preAssessment.financeTargetReview');
  return { app, workflowId: r.body.workflowId as string, fin };
}
const result = (workflowId: string) => sys.deps.temporal.workflow.getHandle(workflowId).result();

beforeAll(async () => {
  sys = await startSystem({ REGION: 'inner-mongolia' });
  [preparer, reviewer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-reviewer'), sys.as('perf-officer')]);
});
afterAll(async () => sys?.stop());

describe('target review: the department, then finance on the four criteria', () => {
  it('finance approves after the department: passed at the requested amount, the department’s decision first in the audit trail; a criterion without a finding is refused naming it', async () => {
    const { app, workflowId, fin } = await toFinance();
    expect((await preparer.get(`/api/pre-assessments/${app.projectCode}`)).body.stage).toBe('financeReview');
    // a finding missing for a criterion is refused, naming it
    const bad = await act(perf, fin.id, { action: 'decide', outcome: 'approve', form: { criteria: { ...criteria, funding: { finding: '' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('form.criteria.funding.finding');
    expect((await act(perf, fin.id, { action: 'decide', outcome: 'approve', form: { criteria }, comment: '财政审核通过' })).status).toBe(200);
    expect(await result(workflowId)).toMatchObject({ conclusion: 'passed', approvedAmountFen: 800_000 * YUAN });
    const audit = (await perf.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`)).body.map((a: { action: string; actorId: string }) => `${a.action}:${a.actorId}`);
    expect(audit.indexOf('task.decide:d01-reviewer')).toBeLessThan(audit.indexOf('task.decide:perf-officer'));
    expect(audit).toContain('preAssessment.passed:system');
  });

  it('finance cuts the amount (削减): passed at 240,000 yuan of 800,000, the reason recorded', async () => {
    const { workflowId, fin } = await toFinance();
    const noReason = await act(perf, fin.id, { action: 'decide', outcome: 'cut', form: { criteria, approvedAmountFen: 240_000 * YUAN } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('form.comment');
    expect((await act(perf, fin.id, { action: 'decide', outcome: 'cut', form: { criteria, approvedAmountFen: 240_000 * YUAN, comment: '绩效目标与资金不匹配，削减预算' } })).status).toBe(200);
    expect(await result(workflowId)).toMatchObject({ conclusion: 'passedReduced', approvedAmountFen: 240_000 * YUAN });
  });

  it('finance delays (缓批) one budget and cancels (取消) another', async () => {
    const a = await toFinance();
    const b = await toFinance();
    expect((await act(perf, a.fin.id, { action: 'decide', outcome: 'delayOrCancel', form: { criteria, decision: 'delay', comment: '绩效目标不完整，缓批' } })).status).toBe(200);
    expect((await act(perf, b.fin.id, { action: 'decide', outcome: 'delayOrCancel', form: { criteria, decision: 'cancel', comment: '未编制有效绩效目标，取消项目预算' } })).status).toBe(200);
    expect(await result(a.workflowId)).toMatchObject({ conclusion: 'delayed', approvedAmountFen: null });
    expect(await result(b.workflowId)).toMatchObject({ conclusion: 'cancelled', approvedAmountFen: null });
  });

  it('finance returns the targets for revision: the unit resubmits, the department and then finance review again', async () => {
    const { app, workflowId, fin } = await toFinance();
    expect((await act(perf, fin.id, { action: 'return', reason: '指标设置不够科学，请细化质量指标' })).status).toBe(200);
    const revise = await taskOf(preparer, app.projectCode, 'preAssessment.revise');
    expect((await preparer.get(`/api/tasks/${encodeURIComponent(revise.id)}`)).body.state.spec.context.returnReason).toContain('指标设置不够科学');
    expect((await act(preparer, revise.id, { action: 'decide', outcome: 'resubmit', form: { comment: '已细化' } })).status).toBe(200);
    const dept2 = await taskOf(reviewer, app.projectCode, 'preAssessment.targetReview');
    expect((await act(reviewer, dept2.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    const fin2 = await taskOf(perf, app.projectCode, 'preAssessment.financeTargetReview', fin.id);
    expect((await act(perf, fin2.id, { action: 'decide', outcome: 'approve', form: { criteria } })).status).toBe(200);
    expect(await result(workflowId)).toMatchObject({ conclusion: 'passed', revisions: 1 });
  });

  it('a continuing 500,000-yuan project below the profile’s financeFromFen (ours) concludes with the department alone', async () => {
    const app = application({ amountFen: 500_000 * YUAN, isNew: false });
    const r = await preparer.post('/api/pre-assessments', app);
    const dept = await taskOf(reviewer, app.projectCode, 'preAssessment.targetReview');
    expect((await act(reviewer, dept.id, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    expect(await result(r.body.workflowId)).toMatchObject({ conclusion: 'passed', approvedAmountFen: 500_000 * YUAN });
  });
});

describe('the figures finance reports', () => {
  it('per year and department: assessed, first-pass rate, requested, approved and cut; as CSV and xlsx too', async () => {
    const lead = await sys.as('perf-head');
    // the six of this file: approved, cut, delayed, cancelled, passed after one return, a continuing one
    const f = await eventually(async () => {
      const r = await lead.get('/api/pre-assessment-figures?year=2027');
      const d01 = r.body.items?.find((x: { deptId: string }) => x.deptId === 'D01');
      return d01?.assessed === 6 ? d01 : undefined;
    }, 'the figures of D01');
    expect(f).toEqual({ deptId: 'D01', deptName: '教育厅', assessed: 6, passedFirstTime: 3, firstPassRate: 0.5, requestedFen: 4_500_000 * YUAN, approvedFen: 2_340_000 * YUAN, cutFen: 2_160_000 * YUAN });

    const csv = await fetch(`${sys.url}/api/pre-assessment-figures?year=2027&format=csv`, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain('一次性审核通过率');
    expect(text).toContain('D01,教育厅,6,3,50,4500000,2340000,2160000');

    const xlsx = await fetch(`${sys.url}/api/pre-assessment-figures?year=2027&format=xlsx`, { headers: { authorization: `Bearer ${lead.token}` } });
    expect(xlsx.status).toBe(200);
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(2).values).toEqual([undefined, 'D01', '教育厅', 6, 3, 50, 4_500_000, 2_340_000, 2_160_000]);

    expect((await preparer.get('/api/pre-assessment-figures?year=2027')).status).toBe(403);
    // a department's head sees its own department only
    const [d01, d02] = await Promise.all([sys.as('d01-head'), sys.as('d02-head')]);
    expect((await d01.get('/api/pre-assessment-figures?year=2027')).body.items.map((x: { deptId: string }) => x.deptId)).toEqual(['D01']);
    expect((await d02.get('/api/pre-assessment-figures?year=2027')).body.items.some((x: { deptId: string }) => x.deptId === 'D01')).toBe(false);
  });
});
