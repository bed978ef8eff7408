// The finance contract, over HTTP against the stand-in: reads, business rules, idempotency, validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinanceBusinessError, FinanceConflictError, FinanceNotFoundError, FinanceValidationError } from '../../finance/errors';
import { routes } from '../../finance/api';
import { startStandIn, YEAR, type StandIn } from './standIn';

let s: StandIn;
beforeAll(async () => {
  s = await startStandIn();
});
afterAll(async () => s?.stop());

let keySeq = 0;
const key = (what: string) => `contract-test/${what}/${++keySeq}`;

/** An active project of the current year with money left, not touched by another test. */
let projectSeq = 0;
async function freshProject() {
  const page = await s.client.listProjects({ year: YEAR, limit: 1000 });
  const p = page.items.filter((x) => x.transferId === null)[projectSeq++];
  return p;
}

describe('reads', () => {
  it('serves an OpenAPI document with every route, generated from the request schemas', async () => {
    const r = await s.http('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    for (const route of Object.values(routes)) {
      const op = r.body.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
    }
    const suspend = r.body.paths['/v1/suspensions'].post.requestBody.content['application/json'].schema;
    expect(suspend.required).toContain('idempotencyKey');
    expect(r.body.paths['/v1/reclaims'].post.responses['422']).toBeDefined();
  });

  it('holds the demo users’ fixed departments and units', async () => {
    const depts = (await s.client.listDepartments()).items;
    expect(depts.slice(0, 2)).toEqual([
      { id: 'D01', name: '教育厅' },
      { id: 'D02', name: '卫生健康委员会' },
    ]);
    expect(depts.length).toBeGreaterThan(2);
    expect((await s.client.listUnits({ deptId: 'D01' })).items.map((u) => [u.id, u.name])).toEqual([['U0101', '第一中学'], ['U0102', '职业技术学院']]);
    expect((await s.client.listUnits({ deptId: 'D02' })).items.map((u) => [u.id, u.name])).toEqual([['U0201', '人民医院'], ['U0202', '疾病预防控制中心']]);
  });

  it('pages the indicator library by cursor: 23 industry types, a few hundred indicators, core ones marked', async () => {
    expect((await s.client.listIndustries()).items).toHaveLength(23);
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await s.client.listIndicators({ cursor, limit: 60 });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all.length).toBeGreaterThan(200);
    expect(new Set(all.map((i) => i.code)).size).toBe(all.length);
    const edu = await s.client.listIndicators({ industry: 'edu', coreOnly: true });
    expect(edu.items.length).toBeGreaterThan(0);
    expect(edu.items.every((i) => i.industry === 'edu' && i.isCore)).toBe(true);
  });

  it('pages all projects exactly once, and filters', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.client.listProjects({ cursor, limit: 25 });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(160); // demo: 80 a year, this year and last
    const u = await s.client.listProjects({ unitId: 'U0101', year: YEAR });
    expect(u.items.length).toBeGreaterThan(0);
    expect(u.items.every((p) => p.unitId === 'U0101' && p.deptId === 'D01' && p.year === YEAR)).toBe(true);
  });

  it('shows a project with budget lines that add up, and special transfers down to county projects', async () => {
    const p = await s.client.getProject({ projectId: (await freshProject()).id });
    expect(p.lines.reduce((a, l) => a + l.budgetFen, 0)).toBe(p.originalFen);
    const [t] = (await s.client.listTransfers({ year: YEAR })).items;
    const county = await s.client.listProjects({ transferId: t.id });
    expect(county.items.reduce((a, x) => a + x.originalFen, 0)).toBe(t.totalFen);
    const units = (await s.client.listUnits({ deptId: t.deptId })).items;
    expect(county.items.every((x) => units.find((u) => u.id === x.unitId)?.level === 'county')).toBe(true);
  });

  it('reports execution that grows through the year, rate = paid / available in basis points', async () => {
    const { id } = await freshProject();
    const at = await Promise.all(['04-30', '07-31', '12-31'].map((d) => s.client.getExecution({ projectId: id, asOf: `${YEAR}-${d}` })));
    expect(at[0].paidFen).toBeLessThanOrEqual(at[1].paidFen);
    expect(at[1].paidFen).toBeLessThanOrEqual(at[2].paidFen);
    expect(at[2].paidFen).toBeGreaterThan(0);
    for (const e of at) expect(e.executionRateBp).toBe(Math.floor((e.paidFen * 10000) / e.availableFen));
  });

  it('lists a round’s laggards page-wise with maxRateBp', async () => {
    const q = { year: YEAR, asOf: `${YEAR}-04-30`, limit: 1000 };
    const all = (await s.client.listExecution(q)).items;
    const lag = (await s.client.listExecution({ ...q, maxRateBp: 1000 })).items;
    expect(lag.map((e) => e.projectId)).toEqual(all.filter((e) => e.executionRateBp <= 1000).map((e) => e.projectId));
    expect(lag.length).toBeGreaterThan(0);
  });
});

describe('business rules', () => {
  it('suspended projects reject payments until resumed', async () => {
    const { id } = await freshProject();
    await s.client.suspendPayments({ idempotencyKey: key('s'), projectId: id, reason: '执行率预警' });
    const pay = { projectId: id, amountFen: 10_000, paidOn: `${YEAR}-08-01` };
    await expect(s.client.recordPayment({ idempotencyKey: key('p'), ...pay })).rejects.toMatchObject({ rule: 'PROJECT_SUSPENDED', retryable: false });
    await expect(s.client.suspendPayments({ idempotencyKey: key('s'), projectId: id, reason: 'again' })).rejects.toMatchObject({ rule: 'ALREADY_SUSPENDED' });
    await s.client.resumePayments({ idempotencyKey: key('r'), projectId: id, reason: '核实可完成' });
    await expect(s.client.resumePayments({ idempotencyKey: key('r'), projectId: id, reason: 'again' })).rejects.toMatchObject({ rule: 'NOT_SUSPENDED' });
    const paid = await s.client.recordPayment({ idempotencyKey: key('p'), ...pay });
    expect(paid.amountFen).toBe(10_000);
    await expect(s.client.recordPayment({ idempotencyKey: key('p'), ...pay, paidOn: `${YEAR + 1}-01-05` })).rejects.toMatchObject({ rule: 'OUTSIDE_BUDGET_YEAR' });
  });

  it('reclaimed funds leave the available budget; a second full reclaim is ALREADY_RECLAIMED', async () => {
    const { id } = await freshProject();
    const before = await s.client.getExecution({ projectId: id, asOf: `${YEAR}-12-31` });
    const part = await s.client.reclaimFunds({ idempotencyKey: key('c'), projectId: id, amountFen: 100, reason: '部分收回' });
    expect(part.availableFen).toBe(before.availableFen - 100);
    const rest = await s.client.reclaimFunds({ idempotencyKey: key('c'), projectId: id, reason: '收回结余' });
    expect(rest.reclaimedFen).toBe(before.availableFen - before.paidFen - 100);
    const after = await s.client.getExecution({ projectId: id, asOf: `${YEAR}-12-31` });
    expect(after).toMatchObject({ availableFen: before.paidFen, reclaimedFen: before.availableFen - before.paidFen, executionRateBp: 10000 });
    const again = s.client.reclaimFunds({ idempotencyKey: key('c'), projectId: id, reason: '再次收回' });
    await expect(again).rejects.toBeInstanceOf(FinanceBusinessError);
    await expect(again).rejects.toMatchObject({ rule: 'ALREADY_RECLAIMED', failureType: 'ALREADY_RECLAIMED' });
  });

  it('adjusts budgets but never below what is paid', async () => {
    const { id } = await freshProject();
    const e = await s.client.getExecution({ projectId: id, asOf: `${YEAR}-12-31` });
    const up = await s.client.adjustBudget({ idempotencyKey: key('a'), projectId: id, deltaFen: 500_000, reason: '追加' });
    expect(up.budgetFen).toBe(e.budgetFen + 500_000);
    const cut = -(e.availableFen + 500_000 - e.paidFen + 1);
    await expect(s.client.adjustBudget({ idempotencyKey: key('a'), projectId: id, deltaFen: cut, reason: '核减' })).rejects.toMatchObject({ rule: 'INSUFFICIENT_BALANCE' });
  });

  it('enters the project library only with known core indicators and a passed pre-assessment', async () => {
    const base = {
      deptId: 'D01', unitId: 'U0101', year: YEAR + 1, name: '校舍抗震加固项目', industry: 'edu', kind: 'project' as const, isNew: true,
      requestedFen: 800_000_000, approvedFen: 600_000_000, preAssessment: { conclusion: 'pass_reduced' as const, reportRef: 'PA-1' }, coreIndicators: ['edu.01'],
    };
    const entry = await s.client.addToProjectLibrary({ idempotencyKey: key('l'), applicationId: 'APP-1', ...base });
    expect(entry.id).toMatch(/^L\d{4}-\d{6}$/);
    expect((await s.client.listProjectLibrary({ year: YEAR + 1, deptId: 'D01', limit: 1000 })).items.map((x) => x.applicationId)).toContain('APP-1');
    await expect(s.client.addToProjectLibrary({ idempotencyKey: key('l'), applicationId: 'APP-1', ...base })).rejects.toMatchObject({ rule: 'ALREADY_IN_LIBRARY' });
    await expect(s.client.addToProjectLibrary({ idempotencyKey: key('l'), applicationId: 'APP-2', ...base, coreIndicators: ['edu.99'] })).rejects.toMatchObject({ rule: 'UNKNOWN_INDICATOR', extra: { field: 'coreIndicators' } });
    await expect(s.client.addToProjectLibrary({ idempotencyKey: key('l'), applicationId: 'APP-3', ...base, preAssessment: { conclusion: 'fail' } })).rejects.toMatchObject({ rule: 'PRE_ASSESSMENT_FAILED' });
    await expect(s.client.addToProjectLibrary({ idempotencyKey: key('l'), applicationId: 'APP-4', ...base, unitId: 'U0201' })).rejects.toMatchObject({ rule: 'UNIT_NOT_IN_DEPARTMENT' });
  });

  it('records next-year budget recommendations; the latest counts', async () => {
    const { id, year } = await freshProject();
    const e = await s.client.getExecution({ projectId: id, asOf: `${YEAR}-12-31` });
    await s.client.recommendNextYearBudget({ idempotencyKey: key('n'), projectId: id, recommendedFen: e.availableFen, grade: '良', reason: '维持' });
    const cut = await s.client.recommendNextYearBudget({ idempotencyKey: key('n'), projectId: id, recommendedFen: Math.floor(e.availableFen * 0.8), grade: '中', reason: '评价结果为中，核减20%' });
    expect(cut).toMatchObject({ year: year + 1, baseFen: e.availableFen, changeFen: Math.floor(e.availableFen * 0.8) - e.availableFen, grade: '中' });
    const listed = (await s.client.listRecommendations({ year: year + 1, limit: 1000 })).items.filter((r) => r.projectId === id);
    expect(listed).toEqual([expect.objectContaining({ recommendedFen: cut.recommendedFen })]);
  });

  it('answers 404 for unknown projects', async () => {
    await expect(s.client.getProject({ projectId: 'P1999-00001' })).rejects.toBeInstanceOf(FinanceNotFoundError);
    await expect(s.client.suspendPayments({ idempotencyKey: key('s'), projectId: 'P1999-00001', reason: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false });
  });
});

describe('idempotency', () => {
  it('the same key and body return the first result and leave one ledger row', async () => {
    const { id } = await freshProject();
    const req = { idempotencyKey: key('idem'), projectId: id, amountFen: 1_000, reason: '收回' };
    const first = await s.http('POST', '/v1/reclaims', req);
    const second = await s.http('POST', '/v1/reclaims', { reason: req.reason, amountFen: req.amountFen, projectId: id, idempotencyKey: req.idempotencyKey });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBe('false');
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const ledger = await s.client.listLedger({ idempotencyKey: req.idempotencyKey });
    expect(ledger.items).toHaveLength(1);
    expect(ledger.items[0]).toMatchObject({ op: 'reclaim', projectId: id, amountFen: 1_000 });
  });

  it('the same key with a different body is 409', async () => {
    const { id } = await freshProject();
    const k = key('idem');
    await s.client.adjustBudget({ idempotencyKey: k, projectId: id, deltaFen: 100, reason: '追加' });
    const r = await s.http('POST', '/v1/adjustments', { idempotencyKey: k, projectId: id, deltaFen: 200, reason: '追加' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('CONFLICT_IDEMPOTENCY');
    await expect(s.client.adjustBudget({ idempotencyKey: k, projectId: id, deltaFen: 200, reason: '追加' })).rejects.toBeInstanceOf(FinanceConflictError);
    expect((await s.client.listLedger({ idempotencyKey: k })).items).toHaveLength(1);
  });

  it('a rejected request leaves no trace: the same key may succeed once the rule allows it', async () => {
    const { id } = await freshProject();
    const k = key('idem');
    await expect(s.client.resumePayments({ idempotencyKey: k, projectId: id, reason: '恢复' })).rejects.toMatchObject({ rule: 'NOT_SUSPENDED' });
    expect((await s.client.listLedger({ idempotencyKey: k })).items).toHaveLength(0);
  });
});

describe('bad requests get 400 with the field named, never a 500', () => {
  const cases: [string, string, string, unknown, string][] = [
    ['a float amount', 'POST', '/v1/payments', { idempotencyKey: 'k', projectId: 'P2026-00001', amountFen: 1.5, paidOn: '2026-05-01' }, 'amountFen'],
    ['a missing idempotency key', 'POST', '/v1/suspensions', { projectId: 'P2026-00001', reason: 'x' }, 'idempotencyKey'],
    ['an unknown field', 'POST', '/v1/suspensions', { idempotencyKey: 'k', projectId: 'P2026-00001', reason: 'x', extra: 1 }, 'extra'],
    ['a negative amount', 'POST', '/v1/reclaims', { idempotencyKey: 'k', projectId: 'P2026-00001', reason: 'x', amountFen: -5 }, 'amountFen'],
    ['a zero adjustment', 'POST', '/v1/adjustments', { idempotencyKey: 'k', projectId: 'P2026-00001', reason: 'x', deltaFen: 0 }, 'deltaFen'],
    ['a bad date', 'POST', '/v1/payments', { idempotencyKey: 'k', projectId: 'P2026-00001', amountFen: 1, paidOn: '2026-13-01' }, 'paidOn'],
    ['a nested bad value', 'POST', '/v1/project-library', { idempotencyKey: 'k', applicationId: 'A', deptId: 'D01', unitId: 'U0101', year: 2027, name: 'n', industry: 'edu', kind: 'project', isNew: true, requestedFen: 1, approvedFen: 1, preAssessment: { conclusion: 'maybe' }, coreIndicators: ['edu.01'] }, 'preAssessment.conclusion'],
    ['malformed JSON', 'POST', '/v1/suspensions', '{"idempotencyKey": ', 'body'],
    ['a JSON array body', 'POST', '/v1/suspensions', [1, 2], 'body'],
    ['a non-numeric limit', 'GET', '/v1/projects?limit=abc', undefined, 'limit'],
    ['a limit too large', 'GET', '/v1/projects?limit=100000', undefined, 'limit'],
    ['a forged cursor', 'GET', '/v1/projects?cursor=@@@', undefined, 'cursor'],
    ['a bad asOf', 'GET', '/v1/projects/P2026-00001/execution?asOf=yesterday', undefined, 'asOf'],
    ['a missing year', 'GET', '/v1/execution?asOf=2026-04-30', undefined, 'year'],
    ['an unknown query parameter', 'GET', '/v1/projects?dept=D01', undefined, 'dept'],
    ['a bad fault setting', 'PUT', '/admin/faults', { errorRate: 2 }, 'errorRate'],
  ];
  it.each(cases)('%s', async (_what, method, path, body, field) => {
    const r = await s.http(method, path, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', field });
    expect(r.body.error.message).toContain(field);
  });

  it('the client raises them as non-retryable validation errors', async () => {
    const bad = s.client.recordPayment({ idempotencyKey: 'k', projectId: 'P2026-00001', amountFen: 1.5, paidOn: '2026-05-01' });
    await expect(bad).rejects.toBeInstanceOf(FinanceValidationError);
    await expect(bad).rejects.toMatchObject({ retryable: false, extra: { field: 'amountFen' }, failureType: 'FINANCE_VALIDATION' });
  });

  it('unknown routes are JSON 404s', async () => {
    const r = await s.http('GET', '/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
  });
});
