// The important targets that go with the draft budget to the People's Congress and the government (004),
// and the published targets (001: 同步批复、同步公开), before and after the budget's approval. Real
// Temporal, finance stand-in (its project library), database and HTTP (Inner Mongolia's profile).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';
import type { Indicator } from '../../contracts/finance/finance.zod';

const YEAR = 2028; // a budget year of its own: no generated library entries, no other file's approval
const YUAN = 100;
let fin: StandIn;
let sys: TestSystem;
let preparer: Http;
let perf: Http;
let observer: Http;
let core: Indicator[];
const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);

/** A new project of 教育 with the industry's core indicators and one custom target; decided by finance. */
async function decided(name: string, amountYuan: number, outcome: 'pass' | 'passReduced' | 'fail') {
  const indicators = [
    ...core.map((i) => ({ code: i.code, kind: i.level1, category: i.level2, name: i.name, target: '95', unit: i.unit, direction: i.direction, core: true })),
    { kind: 'output', category: '数量指标', name: `${name}自定义产出`, target: '40', unit: '间', direction: '>=', customReason: '本项目特有的产出' },
  ];
  const app = application({ name, amountFen: amountYuan * YUAN, indicators, year: YEAR });
  const r = await preparer.post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const task = await eventually(async () => (await perf.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the key review');
  const form = outcome === 'fail' ? { aspects: aspects(5), comment: '立项依据不足' } : outcome === 'passReduced' ? { aspects: aspects(14), approvedAmountFen: Math.round(amountYuan * 0.3) * YUAN } : { aspects: aspects(18) };
  expect((await act(perf, task.id, { action: 'decide', outcome, form, comment: outcome === 'pass' ? '同意' : '核减或不通过' })).status).toBe(200);
  await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();
  return app;
}

beforeAll(async () => {
  fin = await startStandIn();
  sys = await startSystem({ REGION: 'inner-mongolia', FINANCE_URL: fin.url });
  [preparer, perf, observer] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer'), sys.as('observer')]);
  core = (await fin.client.listIndicators({ industry: 'edu', coreOnly: true })).items;
  expect(core.length).toBeGreaterThan(0);
});
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

describe('important targets for the People’s Congress, and publication', () => {
  it('with the draft budget the report lists the passed projects’ core targets (not the failed one’s), to observers and finance only; nothing is public; after approval the report says so and the targets are public', async () => {
    const passed = await decided('重要目标通过项目', 6_000_000, 'pass');
    const reduced = await decided('重要目标核减项目', 8_000_000, 'passReduced');
    const failed = await decided('重要目标未通过项目', 7_000_000, 'fail');
    const anon = async () => (await fetch(`${sys.url}/api/public/targets?year=${YEAR}`)).json() as Promise<{ approved: boolean; items: Array<{ project: string }> }>;

    // before the budget's approval: the draft's report, nothing public
    const draft = (await observer.get(`/api/important-targets?year=${YEAR}`)).body;
    expect(draft).toMatchObject({ year: YEAR, status: 'draft', approvedAt: null, rule: 'core' });
    expect(draft.projects.map((p: { project: string }) => p.project).sort()).toEqual([passed.name, reduced.name].sort());
    const r = draft.projects.find((p: { project: string }) => p.project === reduced.name);
    expect(r).toMatchObject({ department: '教育厅', approvedFen: 2_400_000 * YUAN, key: true });
    expect(r.targets.map((t: { name: string }) => t.name)).toEqual(core.map((i) => i.name)); // the core ones, not the custom target
    expect(await anon()).toMatchObject({ approved: false, items: [] });
    expect((await preparer.get(`/api/important-targets?year=${YEAR}`)).status).toBe(403);
    expect((await (await sys.as('d01-head')).get(`/api/important-targets?year=${YEAR}`)).status).toBe(403);

    const html = await fetch(`${sys.url}/api/important-targets?year=${YEAR}&format=html`, { headers: { authorization: `Bearer ${observer.token}` } });
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain(`${YEAR}年度预算重要绩效目标表`);
    expect(page).toContain('随预算草案报送人民代表大会和政府');
    expect(page).toContain('@media print');
    expect(page).toContain(passed.name);
    expect(page).not.toContain(failed.name);
    expect(page).toContain('2400000.00');

    const xlsx = await fetch(`${sys.url}/api/important-targets?year=${YEAR}&format=xlsx`, { headers: { authorization: `Bearer ${perf.token}` } });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, `${YEAR}年度预算重要绩效目标表`]);
    const body: unknown[][] = [];
    ws.eachRow((row, n) => void (n > 3 && body.push((row.values as unknown[]).slice(1))));
    expect(body).toHaveLength(2 * core.length);
    expect(body).toContainEqual(['教育厅', reduced.name, '是', 2_400_000, expect.any(String), core[0].level2, core[0].name, core[0].direction, '95', core[0].unit]);

    // the People's Congress approves the budget; the finance director records it
    const director = await sys.as('director');
    expect((await director.post('/api/budget-approvals', { year: YEAR, reason: '人代会批准预算' })).status).toBe(201);
    const approved = (await observer.get(`/api/important-targets?year=${YEAR}`)).body;
    expect(approved.status).toBe('approved');
    expect(approved.approvedAt).not.toBeNull();
    const after = await anon();
    expect(after.approved).toBe(true);
    expect(after.items.map((i) => i.project).sort()).toEqual([passed.name, reduced.name].sort());
    const approvedPage = await (await fetch(`${sys.url}/api/important-targets?year=${YEAR}&format=html`, { headers: { authorization: `Bearer ${observer.token}` } })).text();
    expect(approvedPage).toContain('预算已批复');
  });
});
