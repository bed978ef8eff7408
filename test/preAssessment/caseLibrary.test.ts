// The indicator library's past cases (案例库, 004: 市本级预算绩效管理系统案例库中成功导入 61 个项目案例,
// 涉及一般公共服务支出、教育支出等 8 大功能类科目): Wuhai's finance stand-in holds its 61 cases over 8
// industries, generated the same from the same seed; the API reads them by industry, indicator code
// and text; an application's indicator may cite one (an unknown one is a 400 naming the field);
// finance adds a case from an application that passed in the system, audited, once.
// Real Temporal, finance stand-in, database and HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PastCase } from '../../contracts/finance/finance.zod';
import { loadConfig } from '../../config';
import { startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';
import { eventually } from '../helpers/system';

let fin: StandIn;
let sys: TestSystem;
let preparer: Http;
let perf: Http;
const wuhai = loadConfig({ REGION: 'wuhai' } as NodeJS.ProcessEnv).region.preAssessment;

beforeAll(async () => {
  fin = await startStandIn({ cases: wuhai.caseLibrary, seed: 4, projectIdPrefix: 'CASE' });
  sys = await startSystem({ REGION: 'wuhai', FINANCE_URL: fin.url });
  [preparer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer')]);
});
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

const cases = async (who: Http, qs = ''): Promise<PastCase[]> => {
  const r = await who.get(`/api/case-library${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
};

describe('the case library (案例库)', () => {
  it('Wuhai holds 61 past cases over 8 industries (004), each with its targets and values achieved; the count is the seed’s in Wuhai and ours elsewhere', async () => {
    const profile = (await preparer.get('/api/profile?section=preAssessment')).body.values as Array<{ path: string; value: unknown; source: { seed: string; phrase: string } | null }>;
    const count = profile.find((v) => v.path === 'preAssessment.caseLibrary.count');
    expect(count).toMatchObject({ value: 61, source: { seed: '004', phrase: expect.stringContaining('61 个项目') } });
    expect(profile.find((v) => v.path === 'preAssessment.caseLibrary.industries')).toMatchObject({ value: 8, source: { seed: '004' } });
    const im = loadConfig({ REGION: 'inner-mongolia' } as NodeJS.ProcessEnv).region;
    expect(im.preAssessment.caseLibrary.count).not.toBe(61);
    expect(im.sources['preAssessment.caseLibrary.count']).toBeUndefined();

    const all = await cases(preparer);
    expect(all).toHaveLength(61);
    const industries = new Set(all.map((c) => c.industry));
    expect(industries.size).toBe(8);
    expect(industries).toContain('general'); // 一般公共服务支出
    expect(industries).toContain('edu'); // 教育支出
    for (const c of all) {
      expect(c.amountFen).toBeGreaterThan(0);
      expect(c.year).toBeLessThan(2026);
      expect(c.indicators.length).toBeGreaterThan(0);
      expect(c.indicators.every((i) => i.target && i.achieved)).toBe(true);
      if (c.score !== null) expect(c.grade).toBe(c.score >= 90 ? '优' : c.score >= 80 ? '良' : c.score >= 60 ? '中' : '差');
    }
    // the core indicators of its industry are among each case's
    const lib = (await preparer.get('/api/indicator-library?industry=edu&core=true')).body.items.map((i: { code: string }) => i.code);
    for (const c of all.filter((x) => x.industry === 'edu')) expect(c.indicators.map((i) => i.code)).toEqual(expect.arrayContaining(lib));

    // deterministic: another stand-in with the same seed and profile generates the same cases
    const again = await startStandIn({ cases: wuhai.caseLibrary, seed: 4, projectIdPrefix: 'CASE' });
    try {
      const theirs = (await again.client.listCases({ limit: 100 })).items;
      expect(theirs).toEqual(all);
    } finally {
      await again.stop();
    }
  });

  it('filtered by industry (code or name), by an indicator code used, by text; an unknown industry is a 400 naming the field', async () => {
    const edu = await cases(preparer, '?industry=' + encodeURIComponent('教育'));
    expect(edu.length).toBeGreaterThan(0);
    expect(edu.every((c) => c.industry === 'edu')).toBe(true);
    expect(await cases(preparer, '?industry=edu')).toEqual(edu);

    const used = await cases(preparer, '?indicator=edu.01');
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((c) => c.indicators.some((i) => i.code === 'edu.01'))).toBe(true);

    const word = edu[0].indicators.find((i) => !i.isCore)?.name ?? edu[0].indicators[0].name;
    const byText = await cases(preparer, `?q=${encodeURIComponent(word)}`);
    expect(byText.map((c) => c.id)).toContain(edu[0].id);
    expect(byText.every((c) => c.name.includes(word) || c.indicators.some((i) => i.name.includes(word)))).toBe(true);

    const bad = await preparer.get('/api/case-library?industry=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('query.industry');
    const one = await preparer.get(`/api/case-library/${edu[0].id}`);
    expect(one.body).toEqual(edu[0]);
    expect((await preparer.get('/api/case-library/C9999')).status).toBe(404);
  });

  it('an indicator may cite a past case: an unknown case is a 400 naming the indicator’s caseId, a known one is accepted', async () => {
    const [c] = await cases(preparer, '?industry=edu');
    const ind = c.indicators[0];
    const citing = (caseId: string) =>
      application({ name: '参照案例设置目标项目', indicators: [{ kind: 'output', category: ind.level2, name: ind.name, target: ind.target, unit: ind.unit, direction: ind.direction, caseId }] });
    const bad = await preparer.post('/api/pre-assessments', citing('C9999'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('body.indicators.0.caseId');
    expect(bad.body.error.message).toContain('C9999');
    const ok = await preparer.post('/api/pre-assessments', citing(c.id));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('finance adds a case from an application that passed: its approved targets with the values achieved, audited, once; not from one still in review, not by a unit', async () => {
    const app = application({ name: '结项转案例项目', indicators: [{ kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' }, { kind: 'satisfaction', category: '服务对象满意度指标', name: '师生满意度', target: '90', unit: '%', direction: '>=' }] });
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    const body = { projectCode: app.projectCode, achieved: ['42', '93'], score: 92, grade: '优', reason: '智慧教室改造效果好，可作为同类项目参照' };
    // still in review: no case
    const early = await eventually(async () => {
      const x = await perf.post('/api/case-library', body);
      return x.status === 409 ? x : null;
    }, 'refused while in review');
    expect(early.body.error.field).toBe('body.projectCode');

    const task = await eventually(async () => (await perf.get(`/api/tasks?q=${encodeURIComponent(app.projectCode.toLowerCase())}`)).body.items?.find((t: { type: string; status: string }) => t.type === 'preAssessment.review' && t.status === 'open'), 'the review');
    expect((await perf.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();

    expect((await preparer.post('/api/case-library', body)).status).toBe(403);
    const added = await perf.post('/api/case-library', body);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ source: 'concluded', sourceRef: r.body.workflowId, industry: 'edu', amountFen: app.amountFen, grade: '优', score: 92, addedBy: 'perf-officer' });
    expect(added.body.indicators.map((i: { name: string; target: string; achieved: string }) => [i.name, i.target, i.achieved])).toEqual([
      ['改造教室数量', '40', '42'],
      ['师生满意度', '90', '93'],
    ]);
    expect((await cases(preparer, '?q=' + encodeURIComponent('结项转案例'))).map((c) => c.id)).toEqual([added.body.id]);
    const twice = await perf.post('/api/case-library', body);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('CASE_EXISTS');
    const { rows } = await sys.deps.db.query<{ actor_id: string; reason: string }>(`SELECT actor_id, reason FROM audit WHERE action = 'caseLibrary.added' AND project_id = $1`, [app.projectCode]);
    expect(rows).toEqual([{ actor_id: 'perf-officer', reason: body.reason }]);
  });
});
