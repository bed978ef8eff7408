// A commissioned third-party agency (第三方机构) works in its own scope on the real system: its
// report task is held by its own staff only (a colleague of the same agency may take it over,
// finance's officers and another agency may not; finance's division head hands it out within the
// agency), and the API refuses another agency (403) the commission's status and a peer-review
// batch it has no part in; a drawn expert finds its fieldwork opinion in its own inbox (not another
// expert's), reads the commission, and its opinion reaches finance at acceptance.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
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
  let expert2: Http;
  const ref = `KE-SCOPE-${Date.now()}`;
  const batchId = `PR-SCOPE-${Date.now()}`;

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'wuhai' });
    // a second member of AG2's staff (乙会计师事务所), as the directory holds agency staff
    await sys.deps.db.query(
      `INSERT INTO users (id, name, email, org_id, roles, groups, dept_scope, head_id, demo) VALUES ('agency2b', '乙所评价二组', 'agency2b@demo.jixiao.local', 'AG2', '{agency_evaluator}', '{agency_evaluator@AG2}', '{}', NULL, true)`,
    );
    await sys.deps.db.query(
      `INSERT INTO users (id, name, email, org_id, roles, groups, dept_scope, head_id, demo) VALUES ('expert2', '林研究员', 'expert2@demo.jixiao.local', 'EXP', '{expert}', '{expert@EXP}', '{}', NULL, true)`,
    );
    [perf, head, ag1, ag2, ag2b, expert, expert2] = await Promise.all(['perf-officer', 'perf-head', 'agency1', 'agency2', 'agency2b', 'expert1', 'expert2'].map((u) => sys.as(u)));
    const subject = { kind: 'project', ref, title: '公立医院设备购置项目', deptId: 'D02', unitId: 'U0201' };
    const experts = [{ id: 'expert1', fields: ['卫生'], conflicts: [] }, { id: 'expert2', fields: ['卫生'], conflicts: [] }];
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

  it('puts each drawn expert’s fieldwork opinion in that expert’s inbox only; the opinion reaches finance at acceptance and an unanswered one closes', async () => {
    const opinionTask = (who: Http) => eventually(async () => ((await who.get(`/api/tasks?process=evaluation&type=evaluation.expertOpinion`)).body.items ?? [])[0], 'the expert’s opinion task');
    const mine = await opinionTask(expert);
    const theirs = await opinionTask(expert2);
    expect(mine.id).not.toBe(theirs.id);
    expect(((await expert.get(`/api/tasks?process=evaluation&type=evaluation.expertOpinion`)).body.items ?? []).map((t: { id: string }) => t.id)).toEqual([mine.id]);
    expect((await ag1.get(`/api/tasks?process=evaluation&type=evaluation.expertOpinion`)).body.items ?? []).toEqual([]);
    expect((await expert.post(`/api/tasks/${enc(mine.id)}/actions`, { action: 'decide', outcome: 'submit', form: { opinion: '设备利用率偏低，建议补充使用记录' } })).status).toBe(200);
    await eventually(async () => ((await perf.get(`/api/evaluations/key-evaluations/${ref}`)).body.expertOpinions?.length === 1 ? true : undefined), 'the opinion recorded');

    const t = await reportTask(ag2);
    const scores = { economy: 18, efficiency: 18, effectiveness: 18, results: 18, sustainability: 18 };
    expect((await ag2.post(`/api/tasks/${enc(t.id)}/actions`, { action: 'decide', outcome: 'submit', form: { summary: '总体良好', scores } })).status).toBe(200);
    const acc = await eventually(async () => ((await perf.get(`/api/tasks?process=evaluation&type=evaluation.acceptReport`)).body.items ?? [])[0], 'acceptance');
    const d = (await perf.get(`/api/tasks/${enc(acc.id)}`)).body;
    expect((d.state?.spec?.context ?? d.spec?.context ?? d.context).expertOpinions).toEqual([expect.objectContaining({ expertId: 'expert1', opinion: '设备利用率偏低，建议补充使用记录' })]);
    expect((await perf.post(`/api/tasks/${enc(acc.id)}/actions`, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    const done = await sys.deps.temporal.workflow.getHandle(`evaluationKeyEvaluation:${ref}`).result();
    expect(done).toMatchObject({ stage: 'accepted', score: 90, grade: '优' });
    if (process.env.RECORD_HISTORIES) {
      // the key evaluation with the experts' fieldwork opinions (patched jixiao.evaluation.expert-fieldwork), for the replay test
      const h = await sys.deps.temporal.workflow.getHandle(`evaluationKeyEvaluation:${ref}`).fetchHistory();
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationKeyEvaluation-expert-fieldwork-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(h));
    }
    // expert2 gave none: its task closed with the acceptance
    await eventually(async () => (((await expert2.get(`/api/tasks?process=evaluation&type=evaluation.expertOpinion`)).body.items ?? []).length === 0 ? true : undefined), 'the unanswered opinion closed');
  }, 90_000);
});
