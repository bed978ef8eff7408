// The gate's outcome in the finance system, exactly once (000: 评估不通过就不能入库、不安排预算): a pass
// enters the stand-in's project library at the requested amount with the approved targets, a reduced
// pass at the reduced amount with the cut's reason, a failure not at all. Real Temporal, finance
// stand-in, database and HTTP (Inner Mongolia: new projects above 5,000,000 yuan).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';
import type { Indicator } from '../../contracts/finance/finance.zod';

let fin: StandIn;
let sys: TestSystem;
let preparer: Http;
let perf: Http;
let core: Indicator[];

const YUAN = 100;
const act = (who: Http, id: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(id)}/actions`, body);

/** A new 6,000,000-yuan project with 教育's core indicators from the library; its key review in finance's inbox. */
async function submitted() {
  const indicators = [
    ...core.map((i) => ({ code: i.code, kind: i.level1, category: i.level2, name: i.name, target: '95', unit: i.unit, direction: i.direction, core: true })),
    { kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=', customReason: '本项目特有的产出' },
  ];
  const app = application({ amountFen: 6_000_000 * YUAN, indicators });
  const r = await preparer.post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const task = await eventually(async () => (await perf.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the key review');
  return { app, workflowId: r.body.workflowId as string, task };
}
const entriesOf = async (workflowId: string) => (await fin.client.listProjectLibrary({ deptId: 'D01', limit: 500 })).items.filter((e) => e.applicationId === workflowId);

beforeAll(async () => {
  fin = await startStandIn();
  sys = await startSystem({ REGION: 'inner-mongolia', FINANCE_URL: fin.url });
  [preparer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer')]);
  core = (await fin.client.listIndicators({ industry: 'edu', coreOnly: true })).items;
  expect(core.length).toBeGreaterThan(0);
});
afterAll(async () => {
  await sys?.stop();
  await fin?.stop();
});

describe('the project library in the finance system', () => {
  it('a pass makes one library entry at the requested amount with the approved targets', async () => {
    const { workflowId, task } = await submitted();
    expect((await act(perf, task.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ conclusion: 'passed' });
    const entries = await entriesOf(workflowId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ industry: 'edu', requestedFen: 6_000_000 * YUAN, approvedFen: 6_000_000 * YUAN, preAssessment: { conclusion: 'pass' }, coreIndicators: core.map((i) => i.code), cut: null });
    expect(entries[0].targets.map((t) => t.name)).toEqual([...core.map((i) => i.name), '改造教室数量']);
    const audit = (await perf.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`)).body.map((a: { action: string }) => a.action);
    expect(audit).toContain('preAssessment.libraryEntered');
  });

  it('a reduced pass enters at the reduced amount (about 30% of the request, as 000’s case), with the cut’s reason', async () => {
    const { workflowId, task } = await submitted();
    const form = { aspects: aspects(14), approvedAmountFen: 1_800_000 * YUAN };
    expect((await act(perf, task.id, { action: 'decide', outcome: 'passReduced', form, comment: '投入经济性不足，核减预算' })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(workflowId).result();
    const entries = await entriesOf(workflowId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ approvedFen: 1_800_000 * YUAN, requestedFen: 6_000_000 * YUAN, preAssessment: { conclusion: 'pass_reduced' }, cut: { reason: '投入经济性不足，核减预算' } });
  });

  it('a failure makes no entry, and the unit is told why', async () => {
    const { workflowId, task } = await submitted();
    expect((await act(perf, task.id, { action: 'decide', outcome: 'fail', form: { aspects: aspects(6), comment: '立项必要性不足' }, comment: '立项必要性不足' })).status).toBe(200);
    expect(await sys.deps.temporal.workflow.getHandle(workflowId).result()).toMatchObject({ conclusion: 'failed' });
    expect(await entriesOf(workflowId)).toHaveLength(0);
    const audit = (await perf.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`)).body as Array<{ action: string; reason: string | null }>;
    expect(audit.find((a) => a.action === 'preAssessment.failed')?.reason).toBe('立项必要性不足');
  });

  it('the entry is keyed <workflowId>/projectLibrary: that step sent again (a retried attempt, a restarted worker) replays the first entry, no second one', async () => {
    const { workflowId, task } = await submitted();
    expect((await act(perf, task.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(workflowId).result();
    const [first] = await entriesOf(workflowId);
    const rows = (await fin.client.listLedger({ limit: 500 })).items.filter((l) => l.idempotencyKey === `${workflowId}/projectLibrary`);
    expect(rows).toHaveLength(1);
    const { id: _id, addedAt: _at, targets, cut: _cut, ...sent } = first;
    const again = await fin.client.addToProjectLibrary({ ...sent, targets, idempotencyKey: `${workflowId}/projectLibrary`, preAssessment: { conclusion: 'pass', reportRef: workflowId } });
    expect(again.id).toBe(first.id);
    expect(await entriesOf(workflowId)).toHaveLength(1);
  });
});

describe('the indicator library and core indicators', () => {
  it('reads the library with filters: industry by code or name, level, core', async () => {
    const edu = (await preparer.get('/api/indicator-library?industry=' + encodeURIComponent('教育'))).body.items as Indicator[];
    expect(edu.length).toBeGreaterThan(core.length);
    expect(new Set(edu.map((i) => i.industry))).toEqual(new Set(['edu']));
    const coreOnly = (await preparer.get('/api/indicator-library?industry=edu&core=true')).body.items as Indicator[];
    expect(coreOnly.map((i) => i.code)).toEqual(core.map((i) => i.code));
    const benefit = (await preparer.get('/api/indicator-library?industry=edu&level=benefit')).body.items as Indicator[];
    expect(benefit.length).toBeGreaterThan(0);
    expect(benefit.every((i) => i.level1 === 'benefit')).toBe(true);
    const bad = await preparer.get('/api/indicator-library?industry=不存在');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('industry');
  });

  it('an unknown library code is refused with 400 naming the indicator’s field', async () => {
    const app = application({ indicators: [{ code: 'edu.99', kind: 'output', category: '数量指标', name: '虚构指标', target: '1', unit: '个', direction: '>=' }] });
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('body.indicators.0.code');
  });

  it('with core indicators required at submission, a missing core indicator and a custom one without a reason are refused, naming the fields', async () => {
    const before = sys.config.region.preAssessment.coreIndicators;
    sys.config.region.preAssessment.coreIndicators = 'atSubmission';
    try {
      const custom = { kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' };
      const lacking = application({ indicators: [custom] });
      const r = await preparer.post('/api/pre-assessments', lacking);
      expect(r.status).toBe(400);
      const fields = r.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['body.indicators', 'body.indicators.0.customReason']));
      expect(r.body.error.details.find((d: { field: string }) => d.field === 'body.indicators').message).toContain(core[0].code);
      const complete = application({
        indicators: [
          ...core.map((i) => ({ code: i.code, kind: i.level1, category: i.level2, name: i.name, target: '95', unit: i.unit, direction: i.direction, core: true })),
          { ...custom, customReason: '本项目特有的产出' },
        ],
      });
      expect((await preparer.post('/api/pre-assessments', complete)).status).toBe(201);
    } finally {
      sys.config.region.preAssessment.coreIndicators = before;
    }
  });
});

describe('published targets (同步公开)', () => {
  it('approved targets appear without login only once the budget is approved; a failed application never does', async () => {
    const passed = await submitted();
    const failed = await submitted();
    const anon = async (y: number) => {
      const r = await fetch(`${sys.url}/api/public/targets?year=${y}`);
      return { status: r.status, body: (await r.json()) as { approved: boolean; items: Array<{ project: string; department: string; approvedFen: number; targets: Array<{ name: string }> }> } };
    };
    expect((await act(perf, passed.task.id, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(200);
    expect((await act(perf, failed.task.id, { action: 'decide', outcome: 'fail', form: { aspects: aspects(5), comment: '立项依据不足' } })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(passed.workflowId).result();
    await sys.deps.temporal.workflow.getHandle(failed.workflowId).result();
    const appYear = passed.app.year as number;

    const before = await anon(appYear);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ approved: false, items: [] });

    // only the finance director records the budget's approval
    expect((await perf.post('/api/budget-approvals', { year: appYear })).status).toBe(403);
    const director = await sys.as('director');
    expect((await director.post('/api/budget-approvals', { year: appYear, reason: '人大批准预算' })).status).toBe(201);
    expect((await director.post('/api/budget-approvals', { year: appYear })).status).toBe(409);

    const after = await anon(appYear);
    expect(after.body.approved).toBe(true);
    const mine = after.body.items.filter((i) => i.project === passed.app.name);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine[0]).toMatchObject({ department: '教育厅', approvedFen: 6_000_000 * YUAN });
    expect(mine[0].targets.map((t) => t.name)).toContain(core[0].name);
    expect(await entriesOf(failed.workflowId)).toHaveLength(0); // so it cannot be listed

    const page = await fetch(`${sys.url}/preAssessment/published.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/public/targets');
    // the approval is audited: who, when, why
    const audit = await sys.deps.db.query<{ actor_id: string; reason: string }>(`SELECT actor_id, reason FROM audit WHERE action = 'budget.approved'`);
    expect(audit.rows).toEqual([{ actor_id: 'director', reason: '人大批准预算' }]);
  });
});
