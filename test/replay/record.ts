// Records workflow histories (standard history JSON, as `temporal workflow show -o json` writes) for the replay test: `npm run record-histories`.
// Run it when a workflow's shape changes on purpose (behind patched()), and commit the new files:
// old histories stay, so the replay test proves the new code still replays what ran before.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects as fiveAspects } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';

const dir = new URL('./histories/', import.meta.url);
const aspects = fiveAspects(17);
const app = (code: string, over: Record<string, unknown> = {}) => application({ projectCode: code, name: `历史记录项目 ${code}`, ...over });

describe('record histories', () => {
  let sys: TestSystem;
  let preparer: Http;
  let perf: Http;
  let reviewer: Http;
  const stamp = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    sys = await startSystem();
    [preparer, perf, reviewer] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer'), sys.as('d01-reviewer')]);
  });
  afterAll(async () => sys?.stop());

  const taskOf = (who: Http, code: string, type: string) =>
    eventually(async () => (await who.get(`/api/tasks?q=${code.toLowerCase()}`)).body.items?.find((t: { type: string }) => t.type === type), type);
  const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);
  const save = async (name: string, workflowId: string) => {
    await sys.deps.temporal.workflow.getHandle(workflowId).result();
    const history = await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(new URL(`preAssessment-${name}-${stamp}.json`, dir), historyToJSON(history));
  };

  it('preAssessment: key assessment passes after a return and a revision', async () => {
    const code = `REC-KEY-${Date.now()}`;
    const r = await preparer.post('/api/pre-assessments', app(code));
    const t1 = await taskOf(perf, code, 'preAssessment.review');
    await act(perf, t1.id, { action: 'claim' });
    await act(perf, t1.id, { action: 'saveDraft', form: { aspects } });
    await act(perf, t1.id, { action: 'return', reason: '目标值偏低' });
    const rv = await taskOf(preparer, code, 'preAssessment.revise');
    await act(preparer, rv.id, { action: 'decide', outcome: 'resubmit', form: { amountFen: 550_000_000 } });
    const t2 = await taskOf(perf, code, 'preAssessment.review');
    await act(perf, t2.id, { action: 'decide', outcome: 'passReduced', form: { aspects, approvedAmountFen: 500_000_000 } });
    await save('key-return-reduced', r.body.workflowId);
  });

  it('preAssessment: target review withdrawn by the applicant', async () => {
    const code = `REC-WD-${Date.now()}`;
    const r = await preparer.post('/api/pre-assessments', app(code, { amountFen: 30_000_000, isNew: false }));
    const t = await taskOf(reviewer, code, 'preAssessment.targetReview');
    await act(preparer, t.id, { action: 'urge', reason: '请尽快' });
    await act(preparer, t.id, { action: 'withdraw', reason: '撤回修改' });
    await save('target-withdrawn', r.body.workflowId);
  });

  it('preAssessment: target review by the department, then finance cuts the amount (削减)', async () => {
    const code = `REC-FIN-${Date.now()}`;
    const r = await preparer.post('/api/pre-assessments', app(code, { amountFen: 80_000_000, isNew: true }));
    const t = await taskOf(reviewer, code, 'preAssessment.targetReview');
    await act(reviewer, t.id, { action: 'decide', outcome: 'approve', form: {}, comment: '部门审核同意' });
    const criteria = Object.fromEntries(['relevance', 'feasibility', 'indicators', 'funding'].map((k) => [k, { finding: `${k} 审核意见` }]));
    const f = await taskOf(perf, code, 'preAssessment.financeTargetReview');
    await act(perf, f.id, { action: 'decide', outcome: 'cut', form: { criteria, approvedAmountFen: 24_000_000, comment: '绩效目标与资金不匹配' } });
    await save('target-finance-cut', r.body.workflowId);
  });

  it('preAssessment: target review delegated and confirmed', async () => {
    const code = `REC-GEN-${Date.now()}`;
    // continuing: below the profile's targetReview.financeFromFen it stays with the department (a new one goes on to finance)
    const r = await preparer.post('/api/pre-assessments', app(code, { amountFen: 80_000_000, isNew: false }));
    const t = await taskOf(reviewer, code, 'preAssessment.targetReview');
    await act(reviewer, t.id, { action: 'claim' });
    await act(reviewer, t.id, { action: 'delegate', toUserId: 'd01-reviewer2', reason: '请核实' });
    const reviewer2 = await sys.as('d01-reviewer2');
    await act(reviewer2, t.id, { action: 'resolve', comment: '已核实' });
    await act(reviewer, t.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意' });
    await save('target-delegated-approved', r.body.workflowId);
  });

  it('preAssessment: key finding countersigned (会签): one refusal, revision, both sign', async () => {
    const signOff = sys.config.region.preAssessment.signOff;
    sys.config.region.preAssessment.signOff = { mode: 'all', routes: ['key'], signers: ['division_head@FIN', 'finance_director@FIN'], source: 'record' };
    try {
      const [head, director] = await Promise.all([sys.as('perf-head'), sys.as('director')]);
      const code = `REC-SIGN-${Date.now()}`;
      const r = await preparer.post('/api/pre-assessments', app(code));
      const t1 = await taskOf(perf, code, 'preAssessment.review');
      await act(perf, t1.id, { action: 'decide', outcome: 'pass', form: { aspects } });
      const s1 = await taskOf(head, code, 'preAssessment.signOff');
      await act(head, s1.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意' });
      await act(director, s1.id, { action: 'decide', outcome: 'reject', form: { comment: '请补充效益指标' }, comment: '请补充效益指标' });
      const rv = await taskOf(preparer, code, 'preAssessment.revise');
      await act(preparer, rv.id, { action: 'decide', outcome: 'resubmit', form: {} });
      const t2 = await eventually(async () => {
        const t = await taskOf(perf, code, 'preAssessment.review');
        return t.id !== t1.id ? t : undefined;
      }, 'the second review');
      await act(perf, t2.id, { action: 'decide', outcome: 'pass', form: { aspects } });
      const s2 = await eventually(async () => {
        const t = await taskOf(head, code, 'preAssessment.signOff');
        return t.id !== s1.id ? t : undefined;
      }, 'the second sign-off');
      await act(director, s2.id, { action: 'decide', outcome: 'approve', form: {} });
      await act(head, s2.id, { action: 'decide', outcome: 'approve', form: {} });
      await save('key-countersigned', r.body.workflowId);
    } finally {
      sys.config.region.preAssessment.signOff = signOff;
    }
  });
});

describe('record histories with the finance stand-in', () => {
  let fin: StandIn;
  let sys: TestSystem;
  const stamp = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    fin = await startStandIn();
    sys = await startSystem({ FINANCE_URL: fin.url });
  });
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('preAssessment: key assessment passes and enters the project library', async () => {
    const [preparer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer')]);
    const core = (await fin.client.listIndicators({ industry: 'edu', coreOnly: true })).items;
    const indicators = core.map((i) => ({ code: i.code, kind: i.level1, category: i.level2, name: i.name, target: '95', unit: i.unit, direction: i.direction, core: true }));
    const code = `REC-LIB-${Date.now()}`;
    const r = await preparer.post('/api/pre-assessments', app(code, { indicators }));
    const t = await eventually(async () => (await perf.get(`/api/tasks?q=${code.toLowerCase()}`)).body.items?.[0], 'review');
    await perf.post(`/api/tasks/${encodeURIComponent(t.id)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects } });
    await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();
    const history = await sys.deps.temporal.workflow.getHandle(r.body.workflowId).fetchHistory();
    writeFileSync(new URL(`preAssessment-key-library-${stamp}.json`, dir), historyToJSON(history));
  });
});
