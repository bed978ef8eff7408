// A commissioned third-party agency (第三方机构) works in its own scope on the real system: its
// report task is held by its own staff only (a colleague of the same agency may take it over,
// finance's officers and another agency may not; finance's division head hands it out within the
// agency), and the API refuses another agency (403) the commission's status and a peer-review
// batch it has no part in; a drawn expert reads the fieldwork it was drawn for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

const enc = encodeURIComponent;

describe('an agency’s own inbox scope', () => {
  let sys: TestSystem;
  let perf: Http;
  let head: Http;
  let ag1: Http;
  let ag2: Http;
  let ag2b: Http;
  let expert: Http;
  const ref = `KE-SCOPE-${Date.now()}`;
  const batchId = `PR-SCOPE-${Date.now()}`;

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'wuhai' });
    // a second member of AG2's staff (乙会计师事务所), as the directory holds agency staff
    await sys.deps.db.query(
      `INSERT INTO users (id, name, email, org_id, roles, groups, dept_scope, head_id, demo) VALUES ('agency2b', '乙所评价二组', 'agency2b@demo.jixiao.local', 'AG2', '{agency_evaluator}', '{agency_evaluator@AG2}', '{}', NULL, true)`,
    );
    [perf, head, ag1, ag2, ag2b, expert] = await Promise.all(['perf-officer', 'perf-head', 'agency1', 'agency2', 'agency2b', 'expert1'].map((u) => sys.as(u)));
    const subject = { kind: 'project', ref, title: '公立医院设备购置项目', deptId: 'D02', unitId: 'U0201' };
    const experts = [{ id: 'expert1', fields: ['卫生'], conflicts: [] }, { id: 'E9', fields: ['卫生'], conflicts: [] }];
    const r = await perf.post('/api/evaluations/key-evaluations', { subject, agencyId: 'AG2', agencies: [{ id: 'AG1', conflicts: [] }, { id: 'AG2', conflicts: [] }], experts, expertFields: ['卫生'], expertCount: 2, expertSeed: 7 });
    expect(r.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    for (const id of [`evaluationKeyEvaluation:${ref}`, `evaluationPeerReview:${batchId}`]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sys?.stop();
  });

  const reportTask = (who: Http) => eventually(async () => ((await who.get(`/api/tasks?process=evaluation&type=evaluation.agencyReport`)).body.items ?? []).find((t: { title: string }) => t.title.includes('公立医院设备购置项目')), 'the report task');
  const transfer = (who: Http, taskId: string, to: string) => who.post(`/api/tasks/${enc(taskId)}/actions`, { action: 'transfer', toUserId: to, reason: '工作调整' });

  it('gives the report to the commissioned agency’s staff only, who may hand it to a colleague but never to finance or another agency', async () => {
    const t = await reportTask(ag2);
    expect((await ag1.get(`/api/tasks?process=evaluation&type=evaluation.agencyReport`)).body.items ?? []).toEqual([]);
    expect([403, 404]).toContain((await ag1.get(`/api/tasks/${enc(t.id)}`)).status);
    const toOther = await transfer(ag2, t.id, 'agency1');
    expect(toOther.status).toBe(403);
    expect(toOther.body.error.message).toContain('AG2');
    expect((await transfer(ag2, t.id, 'perf-officer')).status).toBe(403);
    // candidates for a hand-off: AG2's own staff only
    const cands = (await ag2.get(`/api/tasks/${enc(t.id)}/candidates?move=transfer`)).body;
    const ids = (Array.isArray(cands) ? cands : (cands.items ?? [])).map((c: { id: string }) => c.id);
    expect(ids).toContain('agency2b');
    expect(ids).not.toContain('agency1');
    expect(ids).not.toContain('perf-officer');
    expect((await ag2.post(`/api/tasks/${enc(t.id)}/actions`, { action: 'claim' })).status).toBe(200);
    const moved = await transfer(ag2, t.id, 'agency2b');
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const mine = await reportTask(ag2b);
    expect(mine.id).toBe(t.id);
    // finance's division head, who commissioned it, hands it back within the agency
    expect((await head.post(`/api/tasks/${enc(t.id)}/actions`, { action: 'reassign', toUserId: 'agency1', reason: '调整' })).status).toBe(403);
    expect((await head.post(`/api/tasks/${enc(t.id)}/actions`, { action: 'reassign', toUserId: 'agency2', reason: '调整' })).status).toBe(200);
  }, 90_000);

  it('lets the commissioned agency and a drawn expert read the commission, and refuses another agency', async () => {
    const own = await eventually(async () => {
      const r = await ag2.get(`/api/evaluations/key-evaluations/${ref}`);
      return r.status === 200 ? r : undefined;
    }, 'the commission');
    expect(own.body).toMatchObject({ agencyId: 'AG2' });
    const other = await ag1.get(`/api/evaluations/key-evaluations/${ref}`);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('AG1');
    // expert1 is drawn (2 of 2, no conflict): it reads the fieldwork it was drawn for
    expect(own.body.experts).toContain('expert1');
    expect((await expert.get(`/api/evaluations/key-evaluations/${ref}`)).status).toBe(200);
    expect((await perf.get(`/api/evaluations/key-evaluations/${ref}`)).status).toBe(200);
  }, 60_000);

  it('lets an agency read a peer-review batch it authors or reviews in, and refuses one it has no part in', async () => {
    const reports = [
      { reportId: `${batchId}-R1`, agencyId: 'AG1', title: '报告一', deptId: 'D01', unitId: 'U0101' },
      { reportId: `${batchId}-R2`, agencyId: 'AG2', title: '报告二', deptId: 'D02', unitId: 'U0201' },
    ];
    expect((await perf.post('/api/evaluations/peer-reviews', { batchId, reports })).status).toBe(201);
    const s = await eventually(async () => {
      const r = await ag1.get(`/api/evaluations/peer-reviews/${batchId}`);
      return r.status === 200 ? r.body : undefined;
    }, 'the batch');
    expect(s.assignments.map((a: { author: string; reviewer: string }) => [a.author, a.reviewer]).sort()).toEqual([['AG1', 'AG2'], ['AG2', 'AG1']]);
    expect((await ag2.get(`/api/evaluations/peer-reviews/${batchId}`)).status).toBe(200);
    const ag3 = await sys.as('agency3');
    expect((await ag3.get(`/api/evaluations/peer-reviews/${batchId}`)).status).toBe(403);
    expect((await expert.get(`/api/evaluations/peer-reviews/${batchId}`)).status).toBe(403); // no expert panel: two agencies
  }, 60_000);
});
