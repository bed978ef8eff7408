// The agency register and the expert library on the real system: finance enters agencies (staff,
// declared conflicts) and experts (fields, conflicts), audited; the expert draw is seeded and recuses
// declared conflicts; a circular cross peer review's final scores feed each agency's quality score
// and credit; the next selection ranks by credit and leaves out conflicts and agencies below the
// minimum, and a commission from the register is refused for such an agency and recorded otherwise.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { drawExperts } from '../../contracts/evaluation/experts';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

const enc = encodeURIComponent;

describe('the agency register and the expert library', () => {
  let sys: TestSystem;
  let perf: Http;
  let preparer: Http;
  const agency: Record<string, Http> = {};

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'wuhai' });
    perf = await sys.as('perf-officer');
    preparer = await sys.as('u0101-preparer');
    for (const [org, user] of [['AG1', 'agency1'], ['AG2', 'agency2'], ['AG3', 'agency3']]) agency[org] = await sys.as(user);
  }, 60_000);
  afterAll(async () => sys?.stop());

  const tasks = async (who: Http, type: string) => ((await who.get(`/api/tasks?process=evaluation&type=${enc(type)}`)).body.items ?? []) as Array<{ id: string; title: string }>;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown>) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });

  it('is kept by finance only, for agencies of the directory, every change audited', async () => {
    const entry = { name: '甲绩效评价咨询公司', staff: [{ name: '项目经理甲', qualification: '注册会计师' }, { name: '评价员乙' }], conflicts: ['D02'], reason: '入库' };
    expect((await preparer.put('/api/evaluations/agencies/AG1', entry)).status).toBe(403);
    const bad = await perf.put('/api/evaluations/agencies/U0101', entry);
    expect(bad.status).toBe(400);
    expect(bad.body.field ?? JSON.stringify(bad.body)).toContain('id');
    expect((await perf.put('/api/evaluations/agencies/AG1', { ...entry, reason: '' })).status).toBe(400);
    expect((await perf.put('/api/evaluations/agencies/AG1', entry)).body).toEqual({ id: 'AG1', version: 1 });
    expect((await perf.put('/api/evaluations/agencies/AG2', { name: '乙会计师事务所', staff: [{ name: '评价员丙' }], reason: '入库' })).status).toBe(200);
    expect((await perf.put('/api/evaluations/agencies/AG3', { name: '丙工程咨询公司', staff: [{ name: '评价员丁' }], reason: '入库' })).status).toBe(200);
    expect((await perf.put('/api/evaluations/agencies/AG1', { ...entry, staff: entry.staff.slice(0, 1), reason: '人员变动' })).body.version).toBe(2);
    const list = (await perf.get('/api/evaluations/agencies')).body as any[];
    expect(list.map((a) => a.id)).toEqual(['AG1', 'AG2', 'AG3']);
    expect(list[0]).toMatchObject({ staff: [{ name: '项目经理甲' }], conflicts: ['D02'], quality: null, credit: 80, commissions: 0 });
    const { rows } = await sys.deps.db.query<{ action: string; actor_id: string; reason: string }>(`SELECT action, actor_id, reason FROM audit WHERE action = 'evaluation.agencySaved' ORDER BY at, id`);
    expect(rows.map((r) => [r.actor_id, r.reason])).toEqual([['perf-officer', '入库'], ['perf-officer', '入库'], ['perf-officer', '入库'], ['perf-officer', '人员变动']]);
  });

  it('draws experts by a seed, never one with a declared conflict with the department or unit', async () => {
    const experts = [
      { id: 'EX1', name: '高教授', fields: ['教育'], conflicts: ['D01'] },
      { id: 'EX2', name: '林研究员', fields: ['教育'], conflicts: [] },
      { id: 'EX3', name: '马高工', fields: ['教育', '工程'], conflicts: ['U0101'] },
      { id: 'EX4', name: '宋会计师', fields: ['财务'], conflicts: [] },
      { id: 'EX5', name: '钟教授', fields: ['教育'], conflicts: [] },
    ];
    for (const e of experts) expect((await perf.put(`/api/evaluations/experts/${e.id}`, { ...e, reason: '专家入库' })).status).toBe(200);
    expect((await perf.put('/api/evaluations/experts/EX9', { name: '无领域', fields: [], reason: 'x' })).status).toBe(400);
    const draw = (await perf.post('/api/evaluations/experts/draw', { n: 2, fields: ['教育'], deptId: 'D01', unitId: 'U0101', seed: 7 })).body;
    expect(draw.recused.sort()).toEqual(['EX1', 'EX3']);
    expect(draw.experts.sort()).toEqual(['EX2', 'EX5']);
    expect(draw).toEqual(drawExperts(experts, { n: 2, fields: ['教育'], deptId: 'D01', unitId: 'U0101' }, 7));
    // another department: the conflicted experts are back in the draw
    const other = (await perf.post('/api/evaluations/experts/draw', { n: 4, fields: ['教育'], deptId: 'D02', seed: 7 })).body;
    expect(other.recused).toEqual([]);
    expect(other.experts.sort()).toEqual(['EX1', 'EX2', 'EX3', 'EX5']);
  });

  it('feeds the peer review’s final scores into each agency’s quality score, and the credit into the next selection', async () => {
    const batchId = `REG-${Date.now()}`;
    const reports = [
      { reportId: `${batchId}-1`, agencyId: 'AG1', title: '学前教育发展资金重点评价', deptId: 'D01', unitId: 'U0101' },
      { reportId: `${batchId}-2`, agencyId: 'AG2', title: '公共卫生服务补助资金重点评价', deptId: 'D01', unitId: 'U0102' },
      { reportId: `${batchId}-3`, agencyId: 'AG3', title: '农村道路建设项目重点评价', deptId: 'D01', unitId: 'U0101' },
    ];
    expect((await perf.post('/api/evaluations/peer-reviews', { batchId, reports })).status).toBe(201);
    const confirm = await eventually(async () => (await tasks(perf, 'evaluation.confirmPeerReview')).find((t) => t.title.includes('3')), 'the rotation shown to finance');
    expect((await decide(perf, confirm.id, 'send', { comment: '下发' })).status).toBe(200);
    const reviewerOf: Record<string, string> = { AG1: 'AG2', AG2: 'AG3', AG3: 'AG1' };
    const finalScores: Record<string, number> = { AG1: 91, AG2: 58, AG3: 84 };
    for (const rep of reports) {
      const reviewer = agency[reviewerOf[rep.agencyId]];
      const t = await eventually(async () => (await tasks(reviewer, 'evaluation.peerReview')).find((x) => x.title.includes(rep.title)), `review of ${rep.reportId}`);
      expect((await decide(reviewer, t.id, 'submit', { rubric: { method: 20, evidence: 20, conclusions: 20, form: 20 }, comment: '结论依据需补充' })).status).toBe(200);
      const revise = await eventually(async () => (await tasks(agency[rep.agencyId], 'evaluation.reviseReport')).find((x) => x.title.includes(rep.title)), `revision of ${rep.reportId}`);
      expect((await decide(agency[rep.agencyId], revise.id, 'resubmit', { changes: '已补充' })).status).toBe(200);
      const close = await eventually(async () => (await tasks(perf, 'evaluation.closePeerReview')).find((x) => x.title.includes(rep.title)), `closing of ${rep.reportId}`);
      expect((await decide(perf, close.id, 'close', { finalScore: finalScores[rep.agencyId] })).status).toBe(200);
    }
    const done = await sys.deps.temporal.workflow.getHandle(`evaluationPeerReview:${batchId}`).result();
    expect(done.agencyQuality).toEqual(finalScores);
    if (process.env.RECORD_HISTORIES) {
      const h = await sys.deps.temporal.workflow.getHandle(`evaluationPeerReview:${batchId}`).fetchHistory();
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationPeerReview-quality-to-register-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(h));
    }

    // the register carries the final scores as each agency's quality score and credit
    const list = (await perf.get('/api/evaluations/agencies')).body as any[];
    expect(Object.fromEntries(list.map((a) => [a.id, [a.quality, a.credit, a.peerReviews]]))).toEqual({ AG1: [91, 91, 1], AG2: [58, 58, 1], AG3: [84, 84, 1] });
    const { rows } = await sys.deps.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM audit WHERE action = 'evaluation.qualityRecorded' AND workflow_id = $1`, [`evaluationPeerReview:${batchId}`]);
    expect(rows[0].n).toBe('3');

    // the next selection for D02: AG1 declared a conflict with D02, AG2 is below the minimum credit (60), AG3 is selected
    const d02 = (await perf.get('/api/evaluations/agencies/selection?deptId=D02')).body;
    expect(d02.eligible.map((a: { id: string }) => a.id)).toEqual(['AG3']);
    expect(d02.excluded).toEqual([
      { id: 'AG1', reason: 'conflict', credit: 91 },
      { id: 'AG2', reason: 'credit', credit: 58 },
    ]);
    // for D01 the best credit comes first; a finance entry in AG1's credit record moves it behind AG3
    expect((await perf.get('/api/evaluations/agencies/selection?deptId=D01')).body.eligible.map((a: { id: string }) => a.id)).toEqual(['AG1', 'AG3']);
    expect((await perf.post('/api/evaluations/agencies/AG1/credit', { points: -10, ref: '2025-逾期提交报告', reason: '报告逾期15天' })).body).toEqual({ id: 'AG1', credit: 81 });
    expect((await perf.get('/api/evaluations/agencies/selection?deptId=D01')).body.eligible.map((a: { id: string }) => a.id)).toEqual(['AG3', 'AG1']);
    expect((await perf.get('/api/evaluations/agencies/selection?deptId=')).status).toBe(400);
  }, 180_000);

  it('commissions from the register: refused below the minimum credit or with a conflict, recorded otherwise with its experts drawn from the library', async () => {
    const subject = (ref: string) => ({ kind: 'project', ref, title: '学前教育发展资金', deptId: 'D01', unitId: 'U0101' });
    const low = await perf.post('/api/evaluations/key-evaluations', { subject: subject(`REG-K1-${Date.now()}`), agencyId: 'AG2', expertFields: ['教育'], expertCount: 2 });
    expect(low.status).toBe(400);
    expect(JSON.stringify(low.body)).toContain('body.agencyId');
    const conflict = await perf.post('/api/evaluations/key-evaluations', { subject: { ...subject(`REG-K2-${Date.now()}`), deptId: 'D02', unitId: 'U0201' }, agencyId: 'AG1', expertCount: 1 });
    expect(conflict.status).toBe(400);
    const ref = `REG-K3-${Date.now()}`;
    const ok = await perf.post('/api/evaluations/key-evaluations', { subject: subject(ref), agencyId: 'AG3', expertFields: ['教育'], expertCount: 2, expertSeed: 7 });
    expect(ok.status).toBe(201);
    const status = await eventually(async () => (await perf.get(`/api/evaluations/key-evaluations/${enc(ref)}`)).body?.experts ? (await perf.get(`/api/evaluations/key-evaluations/${enc(ref)}`)).body : undefined, 'the key evaluation');
    expect(status.experts.sort()).toEqual(['EX2', 'EX5']);
    expect(status.recusedExperts.sort()).toEqual(['EX1', 'EX3']);
    const list = (await perf.get('/api/evaluations/agencies')).body as any[];
    expect(list.find((a) => a.id === 'AG3').commissions).toBe(1);
    expect(list.find((a) => a.id === 'AG2').commissions).toBe(0);
  });
});
