// The finding's sign-off countersigned (会签 all / 或签 any), as the region profile asks
// (preAssessment.signOff), end to end through the HTTP API: finance reviews a key assessment, the
// division head and the director sign the finding off, the task detail shows each signer's answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionProfile } from '../../contracts/region.zod';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';

type SignOff = RegionProfile['preAssessment']['signOff'];
interface SignerView {
  userId: string | null;
  candidateGroups: string[];
  status: string;
  decidedAt: string | null;
  comment: string | null;
}

describe('pre-assessment: the finding countersigned', () => {
  let sys: TestSystem;
  let preparer: Http;
  let perf: Http;
  let head: Http;
  let director: Http;

  beforeAll(async () => {
    sys = await startSystem();
    [preparer, perf, head, director] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer'), sys.as('perf-head'), sys.as('director')]);
  });
  afterAll(async () => sys?.stop());

  const ask = (mode: SignOff['mode']): void => {
    sys.config.region.preAssessment.signOff = { mode, routes: ['key'], signers: ['division_head@FIN', 'finance_director@FIN'], source: 'test' };
  };
  const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);
  const find = (who: Http, code: string, type: string, not: string[] = []) =>
    eventually(
      async () => (await who.get(`/api/tasks?q=${encodeURIComponent(code.toLowerCase())}`)).body.items?.find((t: { id: string; type: string }) => t.type === type && !not.includes(t.id)),
      `${type} of ${code}`,
    );
  const signers = async (who: Http, id: string): Promise<SignerView[]> => {
    const d = await who.get(`/api/tasks/${encodeURIComponent(id)}`);
    expect(d.status).toBe(200);
    return d.body.state.signers;
  };

  /** Submits a key assessment (6,000,000 yuan, new) and passes its review: the sign-off task opens. */
  async function reviewed(): Promise<{ workflowId: string; code: string; signOff: { id: string } }> {
    const app = application();
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    expect(r.body.route).toBe('key');
    const review = await find(perf, app.projectCode, 'preAssessment.review');
    expect((await act(perf, review.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) }, comment: '同意' })).status).toBe(200);
    const signOff = await find(head, app.projectCode, 'preAssessment.signOff');
    return { workflowId: r.body.workflowId, code: app.projectCode, signOff };
  }

  it('会签 (all): the division head and the director must both approve; the detail shows both answers', async () => {
    ask('all');
    const { workflowId, code, signOff } = await reviewed();
    // the reviewer may not sign off their own finding; the applicant neither
    expect([403, 404]).toContain((await act(perf, signOff.id, { action: 'decide', outcome: 'approve', form: {} })).status);
    expect([403, 404]).toContain((await act(preparer, signOff.id, { action: 'decide', outcome: 'approve', form: {} })).status);

    const first = await act(head, signOff.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意，报局长' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('open'); // one of two: still open
    expect((await sys.deps.temporal.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    const status = await preparer.get(`/api/pre-assessments/${code}`);
    expect(status.body.stage).toBe('signOff');

    const second = await act(director, signOff.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意' });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('completed');
    expect(await sys.deps.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ conclusion: 'passed', score: 90, revisions: 0 });

    const s = await eventually(async () => {
      const all = await signers(director, signOff.id);
      return all.every((x) => x.status === 'approved') ? all : undefined;
    }, 'both signatures in the task detail');
    expect(s).toHaveLength(2);
    expect(s.map((x) => [x.userId, x.candidateGroups[0], x.status, x.comment])).toEqual([
      ['perf-head', 'division_head@FIN', 'approved', '同意，报局长'],
      ['director', 'finance_director@FIN', 'approved', '同意'],
    ]);
    for (const x of s) expect(Date.parse(x.decidedAt ?? '')).not.toBeNaN();
  });

  it('会签 (all): one refusal ends the sign-off and returns the application for revision, with the reason', async () => {
    ask('all');
    const { workflowId, code, signOff } = await reviewed();
    // a refusal needs its reason
    expect((await act(director, signOff.id, { action: 'decide', outcome: 'reject', form: {} })).status).toBe(400);
    const no = await act(director, signOff.id, { action: 'decide', outcome: 'reject', form: { comment: '绩效目标与资金规模不匹配' }, comment: '绩效目标与资金规模不匹配' });
    expect(no.status).toBe(200);
    expect(no.body.status).toBe('completed');
    // the other signer is skipped: nothing left to sign
    expect([403, 404, 409]).toContain((await act(head, signOff.id, { action: 'decide', outcome: 'approve', form: {} })).status);

    const revise = await find(preparer, code, 'preAssessment.revise');
    const detail = await preparer.get(`/api/tasks/${encodeURIComponent(revise.id)}`);
    expect(detail.body.state.spec.context.returnReason).toBe('绩效目标与资金规模不匹配');
    const s = await signers(director, signOff.id);
    expect(s.map((x) => x.status)).toEqual(['skipped', 'rejected']);
    expect(s[1]).toMatchObject({ userId: 'director', comment: '绩效目标与资金规模不匹配' });

    // the applicant gives up: the process ends
    expect((await act(preparer, revise.id, { action: 'decide', outcome: 'abandon', form: {} })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ conclusion: 'abandoned', revisions: 1 });
  });

  it('或签 (any): one approval suffices, the other signer is skipped', async () => {
    ask('any');
    const { workflowId, signOff } = await reviewed();
    const yes = await act(director, signOff.id, { action: 'decide', outcome: 'approve', form: {}, comment: '同意' });
    expect(yes.status).toBe(200);
    expect(yes.body.status).toBe('completed');
    expect(await sys.deps.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ conclusion: 'passed', revisions: 0 });
    const s = await signers(director, signOff.id);
    expect(s.map((x) => [x.userId, x.status])).toEqual([
      [null, 'skipped'],
      ['director', 'approved'],
    ]);
  });

  it("'none' (every region's default): no sign-off, the review's finding stands", async () => {
    expect(sys.config.region.preAssessment.signOff).toBeDefined();
    ask('none');
    const app = application();
    const r = await preparer.post('/api/pre-assessments', app);
    const review = await find(perf, app.projectCode, 'preAssessment.review');
    expect((await act(perf, review.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result()).toMatchObject({ conclusion: 'passed' });
  });
});
