// The synthetic data generator: deterministic, realistic spreads, the demo's fixed organisation.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INDUSTRIES } from '../../finance/catalog';
import { generate, MAJOR_FROM_YUAN, type Dataset } from '../../finance/generate';
import { timeProgress } from '../../finance/schedule';

const hash = (d: Dataset) => createHash('sha256').update(JSON.stringify(d)).digest('hex');
const province = generate({ scale: 'province', seed: 42, year: 2026 });

/** Share of a year's projects more than `lag` points behind time progress at a cut-off. */
function behindShare(d: Dataset, year: number, mmdd: string, lag = 20): number {
  const paid = new Map<string, number>();
  for (const p of d.payments) if (p.paidOn <= `${year}-${mmdd}`) paid.set(p.projectId, (paid.get(p.projectId) ?? 0) + p.amountFen);
  const projects = d.projects.filter((p) => p.year === year);
  const tp = timeProgress(year, mmdd) * 100;
  return projects.filter((p) => tp - ((paid.get(p.id) ?? 0) / p.originalFen) * 100 > lag).length / projects.length;
}

describe('synthetic finance data', () => {
  it('is deterministic: same seed, byte-identical data; another seed, other data', () => {
    expect(hash(generate({ scale: 'province', seed: 42, year: 2026 }))).toBe(hash(province));
    expect(hash(generate({ seed: 7, year: 2026 }))).toBe(hash(generate({ seed: 7, year: 2026 })));
    expect(hash(generate({ seed: 8, year: 2026 }))).not.toBe(hash(generate({ seed: 7, year: 2026 })));
  });

  it('the demo holds the fixed departments and units of the demo users', () => {
    const d = generate({ year: 2026 });
    expect(d.departments.slice(0, 2)).toEqual([{ id: 'D01', name: '教育厅' }, { id: 'D02', name: '卫生健康委员会' }]);
    const unitsOf = (dept: string) => d.units.filter((u) => u.deptId === dept).map((u) => `${u.id} ${u.name}`);
    expect(unitsOf('D01')).toEqual(['U0101 第一中学', 'U0102 职业技术学院']);
    expect(unitsOf('D02')).toEqual(['U0201 人民医院', 'U0202 疾病预防控制中心']);
    expect(d.departments.length).toBeGreaterThanOrEqual(5);
    expect(d.meta.years).toEqual([2025, 2026]);
  });

  it('a province: 30,000 projects over ~2,000 units and ~100 departments', () => {
    expect(province.projects).toHaveLength(30_000);
    expect(province.departments).toHaveLength(100);
    expect(province.units.length).toBeGreaterThanOrEqual(1_900);
    expect(province.units.length).toBeLessThanOrEqual(2_100);
    expect(new Set(province.projects.map((p) => p.id)).size).toBe(30_000);
    expect(new Set(province.units.map((u) => u.id)).size).toBe(province.units.length);
  });

  it('amounts run from 100,000 to 500,000,000 yuan in integer fen; lines add up; payments never exceed the budget', () => {
    const paid = new Map<string, number>();
    for (const p of province.payments) {
      expect(Number.isSafeInteger(p.amountFen) && p.amountFen > 0).toBe(true);
      paid.set(p.projectId, (paid.get(p.projectId) ?? 0) + p.amountFen);
    }
    for (const p of province.projects) {
      expect(Number.isSafeInteger(p.originalFen)).toBe(true);
      expect(p.originalFen).toBeGreaterThanOrEqual(100_000 * 100);
      expect(p.originalFen).toBeLessThanOrEqual(500_000_000 * 100);
      expect(p.lines.reduce((a, l) => a + l.budgetFen, 0)).toBe(p.originalFen);
      expect(paid.get(p.id) ?? 0).toBeLessThanOrEqual(p.originalFen);
    }
    const yuan = province.projects.map((p) => p.originalFen / 100).sort((a, b) => a - b);
    expect(yuan[yuan.length - 1]).toBeGreaterThan(100_000_000); // a long tail of big projects
    expect(yuan[Math.floor(yuan.length / 2)]).toBeLessThan(5_000_000); // most are modest
  });

  it('a share of new projects are major ones above the pre-assessment threshold', () => {
    const fresh = province.projects.filter((p) => p.isNew);
    const major = fresh.filter((p) => p.originalFen > MAJOR_FROM_YUAN * 100);
    expect(fresh.length / province.projects.length).toBeGreaterThan(0.15);
    expect(major.length / fresh.length).toBeGreaterThan(0.3);
    expect(major.length / fresh.length).toBeLessThan(0.8);
  });

  it('puts ~5% of projects behind schedule at each default round, and a configured share when asked', () => {
    for (const cutoff of ['04-30', '07-31']) {
      const share = behindShare(province, 2026, cutoff);
      expect(share).toBeGreaterThan(0.04);
      expect(share).toBeLessThan(0.06);
    }
    const tenPct = generate({ scale: { departments: 20, units: 200, projects: 5_000, transfers: 1, countiesPerTransfer: 5, years: 1, libraryShare: 0 }, year: 2026, behindShare: 0.1, cutoffs: ['05-31', '09-30'] });
    for (const cutoff of ['05-31', '09-30']) expect(Math.abs(behindShare(tenPct, 2026, cutoff) - 0.1)).toBeLessThan(0.02);
  });

  it('breaks special transfer payments down to county-level projects', () => {
    expect(province.transfers.length).toBeGreaterThanOrEqual(5);
    for (const t of province.transfers) {
      const county = province.projects.filter((p) => p.transferId === t.id);
      expect(county.length).toBeGreaterThan(10);
      expect(county.reduce((a, p) => a + p.originalFen, 0)).toBe(t.totalFen);
      const units = new Set(province.units.filter((u) => u.level === 'county').map((u) => u.id));
      expect(county.every((p) => units.has(p.unitId) && p.deptId === t.deptId)).toBe(true);
    }
  });

  it('tells basic expenditure (基本支出) from project expenditure: a unit with several items has one basic one', () => {
    const basic = province.projects.filter((p) => p.expenditure === 'basic');
    expect(basic.length).toBeGreaterThan(1_000);
    expect(basic.length / province.projects.length).toBeLessThan(0.1);
    expect(basic.every((p) => p.transferId === null && p.name.endsWith('基本支出'))).toBe(true);
    expect(new Set(basic.map((p) => p.unitId)).size).toBe(basic.length);
  });

  it('seeds an indicator library of the 23 industry types, each with core indicators', () => {
    expect(INDUSTRIES).toHaveLength(23);
    expect(province.indicators.length).toBeGreaterThan(200);
    expect(province.indicators.length).toBeLessThan(400);
    for (const ind of INDUSTRIES) expect(province.indicators.some((i) => i.industry === ind.code && i.isCore)).toBe(true);
    expect(new Set(province.indicators.map((i) => i.level1))).toEqual(new Set(['output', 'benefit', 'satisfaction']));
  });
});
