// The check draw (自评抽查复核): Wuhai checks every project of 1,000,000 yuan or more and every key
// project; Xinjiang reviews every region-level unit and draws at least 10% of its prefectures and
// counties; the rest is a seeded random share. Same seed, same draw.
import { describe, expect, it } from 'vitest';
import { drawReEvaluations, drawChecks, type CheckCandidate, type CheckRule } from '../../contracts/evaluation/draw';
import { regionProfile } from '../../config/regions';

const rule = (region: string): CheckRule => {
  const s = regionProfile(region, { warn: () => undefined }).evaluation.spotCheck;
  return { allFromFen: s.allFromFen, keyProjects: s.keyProjects, provinceLevelAll: s.provinceLevelAll, localityShare: s.localityShare, sampleRate: s.sampleRate };
};
const project = (id: string, over: Partial<CheckCandidate> = {}): CheckCandidate => ({ projectId: id, deptId: 'D01', unitId: 'U0101', amountFen: 10_000_000, key: false, level: 'province', locality: '自治区本级', ...over });

describe('Wuhai’s check population (004)', () => {
  const wuhai = { ...rule('wuhai'), sampleRate: 0 };
  it('includes a project of 1,000,000.00 yuan and excludes one of 999,999.99, and takes every key project', () => {
    const d = drawChecks([project('P1', { amountFen: 100_000_000 }), project('P2', { amountFen: 99_999_999 }), project('P3', { amountFen: 5_000_000, key: true })], wuhai, 7);
    expect(d.items.map((i) => [i.projectId, i.reason])).toEqual([
      ['P1', 'amount'],
      ['P3', 'key'],
    ]);
  });

  it('adds a seeded random share of the rest, the same for the same seed', () => {
    const pop = Array.from({ length: 200 }, (_, i) => project(`P${String(i).padStart(3, '0')}`, { amountFen: 1_000_000 + i }));
    const r = { ...wuhai, sampleRate: 0.1 };
    const a = drawChecks(pop, r, 20260430);
    expect(a.items).toHaveLength(20);
    expect(a.items.every((i) => i.reason === 'random')).toBe(true);
    expect(drawChecks([...pop].reverse(), r, 20260430)).toEqual(a);
    expect(drawChecks(pop, r, 1).items).not.toEqual(a.items);
  });
});

describe('Xinjiang’s checks (003)', () => {
  const xj = { ...rule('xinjiang'), sampleRate: 0 };
  // 14 prefectures with 3 counties each: 56 localities
  const prefectures = Array.from({ length: 14 }, (_, p) => `地州${p + 1}`);
  const pop: CheckCandidate[] = [
    ...Array.from({ length: 30 }, (_, i) => project(`R${i}`)),
    ...prefectures.flatMap((pf, p) => [
      project(`F${p}`, { level: 'prefecture', locality: pf, unitId: `UF${p}` }),
      ...[1, 2, 3].map((c) => project(`C${p}-${c}`, { level: 'county', locality: `${pf}县${c}`, unitId: `UC${p}${c}` })),
    ]),
  ];

  it('reviews every region-level unit’s project and draws at least ceil(10%) of 56 prefectures and counties: 6', () => {
    const d = drawChecks(pop, xj, 42);
    expect(d.items.filter((i) => i.reason === 'provinceLevel')).toHaveLength(30);
    expect(d.localities.of).toBe(56);
    expect(d.localities.drawn).toHaveLength(6);
    const drawn = new Set(d.localities.drawn);
    const local = pop.filter((p) => p.level !== 'province' && drawn.has(p.locality)).map((p) => p.projectId).sort();
    expect(d.items.filter((i) => i.reason === 'locality').map((i) => i.projectId)).toEqual(local);
  });

  it('draws 1 of 3 localities (ceil of 0.3) and the same ones for the same seed', () => {
    const small = [project('A', { level: 'county', locality: '甲县' }), project('B', { level: 'county', locality: '乙县' }), project('C', { level: 'county', locality: '丙县' })];
    expect(drawChecks(small, xj, 5).localities.drawn).toHaveLength(1);
    expect(drawChecks(small, xj, 5)).toEqual(drawChecks(small, xj, 5));
  });

  it('draws over 30,000 projects in well under a second', () => {
    const big = Array.from({ length: 30_000 }, (_, i) => project(`P${i}`, { level: i % 3 ? 'county' : 'province', locality: `县${i % 400}`, amountFen: i * 1000 }));
    const t = performance.now();
    const d = drawChecks(big, { ...rule('xinjiang') }, 9);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(d.localities.drawn).toHaveLength(40);
  });

  it('draws the re-evaluation share rounded up, whatever the order, the same for the same seed', () => {
    const ids = Array.from({ length: 41 }, (_, i) => `P${String(i).padStart(3, '0')}`);
    const d = drawReEvaluations(ids, 0.05, 11);
    expect(d).toHaveLength(3); // ceil(41 × 5%) = ceil(2.05)
    expect(drawReEvaluations([...ids].reverse(), 0.05, 11)).toEqual(d);
    expect(new Set(d).size).toBe(3);
    expect(d.every((x) => ids.includes(x))).toBe(true);
    expect(drawReEvaluations(ids, 0.1, 11)).toHaveLength(5);
    expect(drawReEvaluations(ids, 0, 11)).toEqual([]);
    expect(drawReEvaluations(ids.slice(0, 20), 0.05, 11)).toHaveLength(1); // exactly 1.0 stays 1
  });
});
