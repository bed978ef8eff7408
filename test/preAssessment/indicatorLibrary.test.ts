// Finance keeps the indicator library (指标库维护): adds an industry indicator, revises it into a new
// version (the old readable), retires it (refused for new applications naming the field, readable for
// the old ones); finance only; each change audited (who, when, what, why) here and in the finance
// system. Real Temporal, finance stand-in, database and HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type Http, type TestSystem } from '../helpers/system';
import { application } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';

let fin: StandIn;
let sys: TestSystem;
let preparer: Http;
let perf: Http;
const CODE = `edu.9${process.pid % 10}`;

beforeAll(async () => {
  fin = await startStandIn();
  sys = await startSystem({ REGION: 'inner-mongolia', FINANCE_URL: fin.url });
  [preparer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer')]);
});
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

const entry = { code: CODE, industry: 'edu', level1: 'output', level2: '数量指标', name: '智慧教室覆盖班级数', unit: '个', direction: '>=', isCore: false, reason: '教育信息化项目需要统一的产出指标' };
const using = (code: string, name = '使用新指标的项目') =>
  application({ name, amountFen: 200_000_000, isNew: false, indicators: [{ code, kind: 'output', category: '数量指标', name: '智慧教室覆盖班级数', target: '30', unit: '个', direction: '>=' }] });

describe('the indicator library kept by finance', () => {
  it('add, version and retire an indicator: finance only, validated, audited; a retired one is refused for new applications and readable for old ones', async () => {
    // only finance keeps the library
    expect((await preparer.post('/api/indicator-library', entry)).status).toBe(403);
    expect((await (await sys.as('d01-head')).post('/api/indicator-library', entry)).status).toBe(403);
    // validated by its zod contract, the field named
    const bad = await perf.post('/api/indicator-library', { ...entry, code: '教育01', reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.code', 'body.reason']));
    const noIndustry = await perf.post('/api/indicator-library', { ...entry, industry: 'nope' });
    expect(noIndustry.status).toBe(404);
    expect(noIndustry.body.error.field).toBe('body.industry');

    const added = await perf.post('/api/indicator-library', entry);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ code: CODE, industry: 'edu', version: 1, status: 'active', isCore: false });
    const twice = await perf.post('/api/indicator-library', entry);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'INDICATOR_EXISTS', field: 'code' });
    expect((await preparer.get(`/api/indicator-library?industry=edu`)).body.items.map((i: { code: string }) => i.code)).toContain(CODE);

    // an application uses it while it is in force
    const old = using(CODE, '旧申报使用第一版指标');
    expect((await preparer.post('/api/pre-assessments', old)).status).toBe(201);

    // a new version: the old one stays readable
    const v2 = await perf.post(`/api/indicator-library/${CODE}/versions`, { name: '智慧教室覆盖班级比例', unit: '%', reason: '按比例考核更能反映覆盖面' });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ code: CODE, version: 2, name: '智慧教室覆盖班级比例', unit: '%', status: 'active' });
    expect((await preparer.get(`/api/indicator-library/${CODE}?version=1`)).body).toMatchObject({ version: 1, name: '智慧教室覆盖班级数', unit: '个' });
    expect((await preparer.get(`/api/indicator-library/${CODE}`)).body).toMatchObject({ version: 2, name: '智慧教室覆盖班级比例' });
    expect((await perf.post(`/api/indicator-library/${CODE}/versions`, { name: 'x' })).body.error.field).toBe('body.reason');

    // retired: out of the list in force, refused for a new application naming the field, still readable
    const retired = await perf.post(`/api/indicator-library/${CODE}/retire`, { reason: '并入通用指标，停止使用' });
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ code: CODE, version: 2, status: 'retired' });
    expect((await perf.post(`/api/indicator-library/${CODE}/retire`, { reason: '再次停用' })).status).toBe(409);
    expect((await preparer.get('/api/indicator-library?industry=edu')).body.items.map((i: { code: string }) => i.code)).not.toContain(CODE);
    expect((await preparer.get('/api/indicator-library?industry=edu&includeRetired=true')).body.items.find((i: { code: string }) => i.code === CODE)).toMatchObject({ status: 'retired' });
    const refused = await preparer.post('/api/pre-assessments', using(CODE, '新申报使用已停用指标'));
    expect(refused.status).toBe(400);
    const d = refused.body.error.details.find((x: { field: string }) => x.field === 'body.indicators.0.code');
    expect(d.message).toContain('retired');
    const unknown = await preparer.post('/api/pre-assessments', using('edu.x1'));
    expect(unknown.body.error.details.find((x: { field: string }) => x.field === 'body.indicators.0.code').message).toContain('not in the indicator library');
    // the old application and the versions it used stay readable
    expect((await preparer.get(`/api/pre-assessments/${old.projectCode}`)).body.application.indicators[0].code).toBe(CODE);
    expect((await preparer.get(`/api/indicator-library/${CODE}?version=1`)).body).toMatchObject({ version: 1, name: '智慧教室覆盖班级数', status: 'active' });
    expect((await preparer.get(`/api/indicator-library/${CODE}`)).body.status).toBe('retired');

    // the trail: who, when, what (before and after), why; in the finance system and in the product's audit
    const changes = (await perf.get(`/api/indicator-library/${CODE}/changes`)).body.items;
    expect(changes.map((c: { action: string; version: number; by: string; reason: string }) => [c.action, c.version, c.by, c.reason])).toEqual([
      ['added', 1, 'perf-officer', entry.reason],
      ['revised', 2, 'perf-officer', '按比例考核更能反映覆盖面'],
      ['retired', 2, 'perf-officer', '并入通用指标，停止使用'],
    ]);
    expect(changes[1].before).toMatchObject({ name: '智慧教室覆盖班级数', version: 1 });
    expect(changes.every((c: { at: string }) => !Number.isNaN(Date.parse(c.at)))).toBe(true);
    const audit = await sys.deps.db.query<{ actor_id: string; action: string; reason: string }>(`SELECT actor_id, action, reason FROM audit WHERE action LIKE 'indicatorLibrary.%' ORDER BY at, key`);
    expect(audit.rows.map((r) => `${r.action}:${r.actor_id}`)).toEqual(['indicatorLibrary.added:perf-officer', 'indicatorLibrary.revised:perf-officer', 'indicatorLibrary.retired:perf-officer']);

    // in the OpenAPI document, generated from the same zod schemas
    const doc = (await (await fetch(`${sys.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/indicator-library'));
    expect(paths.length).toBeGreaterThanOrEqual(4);
    expect(paths.some((p) => p.endsWith('/retire'))).toBe(true);
  });
});
