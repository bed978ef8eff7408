// A key evaluation (重点评价) commissioned to a third-party agency on the real system: an agency that
// declared a conflict with the department is refused; experts are drawn with recusal and a recorded
// seed; the agency submits its report through its own inbox, finance returns it, the agency revises
// and resubmits, finance accepts, and the score is graded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { drawExperts } from '../../contracts/evaluation/experts';
import { REPO_ROOT } from '../../app/processPaths';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

const enc = encodeURIComponent;

describe('a key evaluation commissioned to an agency', () => {
  let sys: TestSystem;
  let perf: Http;
  let ag1: Http;
  let ag2: Http;

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'wuhai' });
    [perf, ag1, ag2] = await Promise.all(['perf-officer', 'agency1', 'agency2'].map((u) => sys.as(u)));
  }, 60_000);
  afterAll(async () => sys?.stop());

  const tasks = async (who: Http, type: string) => ((await who.get(`/api/tasks?process=evaluation&type=${enc(type)}`)).body.items ?? []) as Array<{ id: string; title: string }>;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown>) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });
  const agencies = [
    { id: 'AG1', conflicts: ['D01'] },
    { id: 'AG2', conflicts: [] },
  ];
  const experts = Array.from({ length: 8 }, (_, i) => ({ id: `E${i + 1}`, fields: ['教育'], conflicts: i < 2 ? ['D01'] : [] }));

  it('refuses an agency that declared a conflict with the department, with the field', async () => {
    const subject = { kind: 'project', ref: `KE-C-${Date.now()}`, title: '义务教育学校改造项目', deptId: 'D01', unitId: 'U0101' };
    const r = await perf.post('/api/evaluations/key-evaluations', { subject, agencyId: 'AG1', agencies, experts, expertFields: ['教育'], expertCount: 3 });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('body.agencyId');
  });

  it('draws experts without the conflicted ones, returns the agency’s report for revision and accepts it when it is back', async () => {
    const ref = `KE-${Date.now()}`;
    const subject = { kind: 'project', ref, title: '义务教育学校改造项目', deptId: 'D01', unitId: 'U0101' };
    const r = await perf.post('/api/evaluations/key-evaluations', { subject, agencyId: 'AG2', agencies, experts, expertFields: ['教育'], expertCount: 3, expertSeed: 2024, financeStaff: ['perf-officer2'] });
    expect(r.status).toBe(201);
    const status = await eventually(async () => (await perf.get(`/api/evaluations/key-evaluations/${ref}`)).body?.stage && (await perf.get(`/api/evaluations/key-evaluations/${ref}`)).body, 'the commission');
    expect(status).toMatchObject({ agencyId: 'AG2', expertSeed: 2024, recusedExperts: ['E1', 'E2'], financeStaff: ['perf-officer2'] });
    expect(status.experts).toEqual(drawExperts(experts, { n: 3, fields: ['教育'], deptId: 'D01', unitId: 'U0101' }, 2024).experts);
    expect(status.experts).not.toContain('E1');

    // the report is AG2's to submit: AG1 does not see it
    const t = await eventually(async () => (await tasks(ag2, 'evaluation.agencyReport'))[0], 'the report task in the agency’s inbox');
    expect(await tasks(ag1, 'evaluation.agencyReport')).toEqual([]);
    const scores = { economy: 16, efficiency: 15, effectiveness: 17, results: 16, sustainability: 14 };
    expect((await decide(ag2, t.id, 'submit', { summary: '项目总体完成较好', scores })).status).toBe(200);
    const a1 = await eventually(async () => (await tasks(perf, 'evaluation.acceptReport'))[0], 'acceptance');
    expect((await decide(perf, a1.id, 'sendBack', { comment: '满意度调查样本不足' })).status).toBe(200);

    const t2 = await eventually(async () => (await tasks(ag2, 'evaluation.agencyReport')).find((x) => x.id !== t.id), 'the report back with the agency');
    const back = (await ag2.get(`/api/tasks/${enc(t2.id)}`)).body;
    expect(JSON.stringify(back)).toContain('满意度调查样本不足');
    expect((await decide(ag2, t2.id, 'submit', { summary: '补充样本后结论不变', scores: { ...scores, results: 18 } })).status).toBe(200);
    const a2 = await eventually(async () => (await tasks(perf, 'evaluation.acceptReport')).find((x) => x.id !== a1.id), 'second acceptance');
    expect((await decide(perf, a2.id, 'accept', { comment: '验收通过' })).status).toBe(200);

    const done = await sys.deps.temporal.workflow.getHandle(`evaluationKeyEvaluation:${ref}`).result();
    expect(done).toMatchObject({ stage: 'accepted', revisions: 1, score: 80, grade: '良' });

    if (process.env.RECORD_HISTORIES) {
      const h = await sys.deps.temporal.workflow.getHandle(`evaluationKeyEvaluation:${ref}`).fetchHistory();
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationKeyEvaluation-returned-once-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(h));
    }
  }, 120_000);
});
