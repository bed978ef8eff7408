// The finance stand-in's province shaped like Xinjiang 2020 (003: 28,443 project expenditures with
// targets, 13,306 units, 474 special transfer payments issued with targets): at a small scale factor
// its ratios hold (units per project, every transfer reaching county bureaus' projects, one basic
// expenditure item per unit outside the projects), at full size its counts; deterministic from a seed.
// Generation only: no Temporal, no database.
import { describe, expect, it } from 'vitest';
import { generate, xinjiang2020Scale, type Dataset } from '../../finance/generate';

const FULL = { projects: 28_443, units: 13_306, transfers: 474 };

function shape(d: Dataset) {
  const project = d.projects.filter((p) => p.expenditure === 'project');
  const basic = d.projects.filter((p) => p.expenditure === 'basic');
  const countyUnits = new Map(d.units.filter((u) => u.level === 'county').map((u) => [u.id, u]));
  const byTransfer = new Map<string, typeof project>();
  for (const p of project) if (p.transferId) byTransfer.set(p.transferId, [...(byTransfer.get(p.transferId) ?? []), p]);
  return { project, basic, countyUnits, byTransfer };
}

describe('a province shaped like Xinjiang 2020', () => {
  it('at a twentieth of the size: units per project, transfers with county projects and basic expenditure as in the shape', () => {
    const spec = xinjiang2020Scale(0.05);
    const d = generate({ scale: spec, seed: 3, year: 2026 });
    const { project, basic, countyUnits, byTransfer } = shape(d);
    expect(d.meta.scale).toBe('xinjiang2020x0.05');
    expect(project.length).toBe(Math.round(FULL.projects * 0.05));
    expect(d.units.length).toBe(Math.round(FULL.units * 0.05));
    expect(d.transfers.length).toBe(Math.round(FULL.transfers * 0.05));
    // units per project expenditure as in 003 (13,306 / 28,443 ≈ 0.47)
    expect(d.units.length / project.length).toBeCloseTo(FULL.units / FULL.projects, 2);
    // every special transfer reaches 3 to 12 county bureaus of its department, a county project each, adding up to its total
    for (const t of d.transfers) {
      const children = byTransfer.get(t.id) ?? [];
      expect(children.length, t.id).toBeGreaterThanOrEqual(3);
      expect(children.length, t.id).toBeLessThanOrEqual(12);
      for (const p of children) {
        expect(countyUnits.get(p.unitId)?.deptId, p.id).toBe(t.deptId);
        expect(p.deptId).toBe(t.deptId);
      }
      expect(children.reduce((a, p) => a + p.originalFen, 0)).toBe(t.totalFen);
    }
    // the reach varies from transfer to transfer (not one fixed number of counties)
    expect(new Set([...byTransfer.values()].map((c) => c.length)).size).toBeGreaterThan(1);
    // every unit, county bureaus too, has exactly one basic expenditure item, besides its projects, never in a transfer
    const basicPerUnit = new Map<string, number>();
    for (const p of basic) basicPerUnit.set(p.unitId, (basicPerUnit.get(p.unitId) ?? 0) + 1);
    expect(basicPerUnit.size).toBe(d.units.length);
    expect([...basicPerUnit.values()].every((n) => n === 1)).toBe(true);
    expect(basic.some((p) => p.transferId)).toBe(false);
    // project ids are unique across both kinds
    expect(new Set(d.projects.map((p) => p.id)).size).toBe(d.projects.length);
  });

  it('is the same data set from the same seed, and another from another seed', () => {
    const spec = xinjiang2020Scale(0.02);
    const a = JSON.stringify(generate({ scale: spec, seed: 3, year: 2026 }));
    expect(JSON.stringify(generate({ scale: spec, seed: 3, year: 2026 }))).toBe(a);
    expect(JSON.stringify(generate({ scale: spec, seed: 4, year: 2026 }))).not.toBe(a);
  });

  it("at full size ('xinjiang2020'): 28,443 project expenditures, 13,306 units, 474 transfers each with county projects", () => {
    const d = generate({ scale: 'xinjiang2020', seed: 3, year: 2026 });
    const { project, basic, byTransfer } = shape(d);
    expect(d.meta.scale).toBe('xinjiang2020');
    expect(project.length).toBe(FULL.projects);
    expect(d.units.length).toBe(FULL.units);
    expect(d.transfers.length).toBe(FULL.transfers);
    expect(byTransfer.size).toBe(FULL.transfers);
    expect(basic.length).toBe(FULL.units);
    expect(d.departments.length).toBeGreaterThanOrEqual(100);
  }, 30_000);

  it('refuses a scale factor outside (0, 1]', () => {
    expect(() => xinjiang2020Scale(0)).toThrow(RangeError);
    expect(() => xinjiang2020Scale(2)).toThrow(RangeError);
  });
});
