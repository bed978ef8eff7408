// Department evaluation (部门评价, 001, 003) on the real system: a department chooses projects of its
// units, evaluates each (score, grade by the region's bands at 79.99 / 80, findings) and writes its
// own report; kept apart from the self-evaluations (no self-evaluation cycle is touched).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

const enc = encodeURIComponent;
const YEAR = 2031;

describe('a department’s evaluation of its units’ projects', () => {
  let sys: TestSystem;
  let reviewer: Http;
  let preparer: Http;
  let perf: Http;
  let d02: Http;

  beforeAll(async () => {
    sys = await startSystem({ REGION: 'xinjiang' });
    [reviewer, preparer, perf, d02] = await Promise.all(['d01-reviewer', 'u0101-preparer', 'perf-officer', 'd02-reviewer'].map((u) => sys.as(u)));
  }, 60_000);
  afterAll(async () => sys?.stop());

  const tasks = async (who: Http, type: string) => ((await who.get(`/api/tasks?process=evaluation&type=${enc(type)}`)).body.items ?? []) as Array<{ id: string; title: string }>;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown>) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });

  it('evaluates the chosen projects, grades them, and closes with the department’s own report', async () => {
    const projects = [
      { projectId: `DE-${YEAR}-1`, name: '中小学校舍维修改造', unitId: 'U0101', amountFen: 120_000_000 },
      { projectId: `DE-${YEAR}-2`, name: '职业技能培训补助', unitId: 'U0102', amountFen: 30_000_000 },
    ];
    expect((await preparer.post('/api/evaluations/department-evaluations', { year: YEAR, projects })).status).toBe(403);
    expect((await perf.post('/api/evaluations/department-evaluations', { year: YEAR, projects })).status).toBe(403);
    const foreign = await reviewer.post('/api/evaluations/department-evaluations', { year: YEAR, projects: [...projects, { projectId: 'DE-X', name: '他部门项目', unitId: 'U0201', amountFen: 1 }] });
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('body.projects.2.unitId');
    const r = await reviewer.post('/api/evaluations/department-evaluations', { year: YEAR, projects });
    expect(r.status).toBe(201);
    expect((await reviewer.post('/api/evaluations/department-evaluations', { year: YEAR, projects })).status).toBe(409);

    const scores = [79.99, 80];
    for (const [i, p] of projects.entries()) {
      const t = await eventually(async () => (await tasks(reviewer, 'evaluation.departmentEvaluate')).find((x) => x.title.includes(p.name)), `evaluation of ${p.name}`);
      // the unit whose project it is sees no such task: the department evaluates
      expect((await tasks(preparer, 'evaluation.departmentEvaluate')).length).toBe(0);
      expect((await decide(reviewer, t.id, 'submit', { score: scores[i] })).status).toBe(400); // findings required
      expect((await decide(reviewer, t.id, 'submit', { score: scores[i], findings: '资金使用规范，效益有待提升' })).status).toBe(200);
    }
    const report = await eventually(async () => (await tasks(reviewer, 'evaluation.departmentReport'))[0], 'the department’s report');
    expect((await decide(reviewer, report.id, 'submit', { summary: '两个项目总体良好，建议加强绩效跟踪' })).status).toBe(200);
    const done = await sys.deps.temporal.workflow.getHandle(`evaluationDepartmentEvaluation:${YEAR}:D01`).result();
    expect(done.stage).toBe('done');
    expect(done.projects.map((p: { grade: string }) => p.grade)).toEqual(['中', '良']);
    expect(done.report).toMatchObject({ summary: '两个项目总体良好，建议加强绩效跟踪', by: 'd01-reviewer' });
    expect((await reviewer.get(`/api/evaluations/department-evaluations/${YEAR}/D01`)).body.stage).toBe('done');
    expect((await d02.get(`/api/evaluations/department-evaluations/${YEAR}/D01`)).status).toBe(403);
    // apart from the self-evaluations: no cycle exists for the year
    expect((await perf.get(`/api/evaluations/cycles/${YEAR}`)).status).toBe(404);

    if (process.env.RECORD_HISTORIES) {
      const h = await sys.deps.temporal.workflow.getHandle(`evaluationDepartmentEvaluation:${YEAR}:D01`).fetchHistory();
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationDepartmentEvaluation-two-projects-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(h));
    }
  }, 120_000);
});
