// Circular cross peer review (互审互评, 004) on the real system: three agencies' key-evaluation reports
// are assigned A→B→C→A, finance sees the rotation before it is sent, each agency reviews another's
// report (never its own), the author revises, finance closes with the final score, and each
// agency's quality score comes out of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

const enc = encodeURIComponent;

describe('circular cross peer review of a batch of reports', () => {
  let sys: TestSystem;
  let perf: Http;
  const agency: Record<string, Http> = {};

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'wuhai' });
    perf = await sys.as('perf-officer');
    for (const [org, user] of [['AG1', 'agency1'], ['AG2', 'agency2'], ['AG3', 'agency3']]) agency[org] = await sys.as(user);
  }, 60_000);
  afterAll(async () => sys?.stop());

  const tasks = async (who: Http, type: string) => ((await who.get(`/api/tasks?process=evaluation&type=${enc(type)}`)).body.items ?? []) as Array<{ id: string; title: string; projectId?: string }>;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown>) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });

  it('assigns A→B→C→A, shown to finance first; no agency reviews its own; revision and final scores feed the agencies’ quality', async () => {
    const batchId = `KE-${Date.now()}`;
    const reports = [
      { reportId: `${batchId}-1`, agencyId: 'AG1', title: '义务教育薄弱环节改善项目重点评价', deptId: 'D01', unitId: 'U0101' },
      { reportId: `${batchId}-2`, agencyId: 'AG2', title: '基层医疗卫生机构能力建设重点评价', deptId: 'D02', unitId: 'U0201' },
      { reportId: `${batchId}-3`, agencyId: 'AG3', title: '职业教育质量提升计划重点评价', deptId: 'D01', unitId: 'U0102' },
    ];
    expect((await agency.AG1.post('/api/evaluations/peer-reviews', { batchId, reports })).status).toBe(403);
    const r = await perf.post('/api/evaluations/peer-reviews', { batchId, reports });
    expect(r.status).toBe(201);

    const confirm = await eventually(async () => (await tasks(perf, 'evaluation.confirmPeerReview'))[0], 'the rotation shown to finance');
    const status = (await perf.get(`/api/evaluations/peer-reviews/${batchId}`)).body;
    expect(status.stage).toBe('confirming');
    expect(status.assignments.map((a: { author: string; reviewer: string }) => `${a.author}→${a.reviewer}`)).toEqual(['AG1→AG2', 'AG2→AG3', 'AG3→AG1']);
    // nothing reaches an agency before finance sends it
    expect(await tasks(agency.AG2, 'evaluation.peerReview')).toEqual([]);
    expect((await decide(perf, confirm.id, 'send', { comment: '按轮换分配' })).status).toBe(200);

    const reviewerOf: Record<string, string> = { AG1: 'AG2', AG2: 'AG3', AG3: 'AG1' };
    for (const [i, rep] of reports.entries()) {
      const reviewer = agency[reviewerOf[rep.agencyId]];
      const t = await eventually(async () => (await tasks(reviewer, 'evaluation.peerReview')).find((x) => x.title.includes(rep.title)), `review of ${rep.reportId}`);
      // the author sees no review task of its own report
      expect((await tasks(agency[rep.agencyId], 'evaluation.peerReview')).find((x) => x.title.includes(rep.title))).toBeUndefined();
      expect((await decide(reviewer, t.id, 'submit', { rubric: { method: 20, evidence: 18 + i, conclusions: 20, form: 22 }, comment: '证据链不完整' })).status).toBe(200);
      const revise = await eventually(async () => (await tasks(agency[rep.agencyId], 'evaluation.reviseReport')).find((x) => x.title.includes(rep.title)), `revision of ${rep.reportId}`);
      expect((await decide(agency[rep.agencyId], revise.id, 'resubmit', { changes: '补充了问卷原始数据' })).status).toBe(200);
      const close = await eventually(async () => (await tasks(perf, 'evaluation.closePeerReview')).find((x) => x.title.includes(rep.title)), `closing of ${rep.reportId}`);
      expect((await decide(perf, close.id, 'close', { finalScore: 85 + i })).status).toBe(200);
    }
    const done = await sys.deps.temporal.workflow.getHandle(`evaluationPeerReview:${batchId}`).result();
    expect(done.stage).toBe('done');
    expect(done.assignments.map((a: { reviewScore: number | null }) => a.reviewScore)).toEqual([80, 81, 82]);
    expect(done.agencyQuality).toEqual({ AG1: 85, AG2: 86, AG3: 87 });

    if (process.env.RECORD_HISTORIES) {
      const h = await sys.deps.temporal.workflow.getHandle(`evaluationPeerReview:${batchId}`).fetchHistory();
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationPeerReview-three-agencies-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(h));
    }
  }, 120_000);
});
