// The check draw (自评抽查) and its random source, pure and zod-free: the workflow computes the
// sample with it, records the seed, and shows the sample to finance before any check is sent; the
// same population, rule and seed always give the same sample (on replay too).

/** A small seeded generator (mulberry32): the same seed, the same sequence, on any machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k of the items, chosen by the seeded generator (partial Fisher–Yates on a copy, items sorted first). */
export function sample<T>(items: readonly T[], k: number, next: () => number): T[] {
  const a = [...items];
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}

/** One self-evaluated project as the draw sees it. */
export interface CheckCandidate {
  projectId: string;
  deptId: string;
  unitId: string;
  amountFen: number;
  /** A key project (重点项目), named by finance. */
  key: boolean;
  /** The level of its unit: region/province level, prefecture (地州市) or county (县市区). */
  level: 'province' | 'prefecture' | 'county';
  /** The prefecture or county it belongs to (for province level: the province itself). */
  locality: string;
}

/** The draw's rule: the profile's evaluation.spotCheck. */
export interface CheckRule {
  /** Every project of at least this amount is checked (Wuhai 004: 1,000,000 yuan, inclusive). */
  allFromFen: number;
  /** Every key project is checked (Wuhai 004). */
  keyProjects: boolean;
  /** Every province/region-level unit's project is reviewed (Xinjiang 003: 区本级全覆盖). */
  provinceLevelAll: boolean;
  /** At least this share of prefectures and counties is drawn, rounded up (Xinjiang 003: 10%); 0: none. */
  localityShare: number;
  /** A random share of the remaining projects *(ours)*. */
  sampleRate: number;
}

export type CheckReason = 'amount' | 'key' | 'provinceLevel' | 'locality' | 'random';

export interface CheckDraw {
  seed: number;
  populationSize: number;
  /** The prefectures and counties drawn, and how many there were. */
  localities: { drawn: string[]; of: number };
  /** The projects to check, each with why, sorted by project id. */
  items: Array<{ projectId: string; deptId: string; unitId: string; amountFen: number; reason: CheckReason }>;
}

const byId = (a: { projectId: string }, b: { projectId: string }): number => (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0);

/**
 * Draws the projects whose self-evaluations are checked. Mandatory first (amount, key, province
 * level), then the localities (every project of a drawn prefecture or county), then a random share
 * of what remains. The population is sorted first, so its order does not change the draw.
 */
export function drawChecks(population: readonly CheckCandidate[], rule: CheckRule, seed: number): CheckDraw {
  const next = rng(seed);
  const pop = [...population].sort(byId);
  const chosen = new Map<string, CheckReason>();
  for (const p of pop) {
    if (p.amountFen >= rule.allFromFen) chosen.set(p.projectId, 'amount');
    else if (rule.keyProjects && p.key) chosen.set(p.projectId, 'key');
    else if (rule.provinceLevelAll && p.level === 'province') chosen.set(p.projectId, 'provinceLevel');
  }
  const localities = [...new Set(pop.filter((p) => p.level !== 'province').map((p) => p.locality))].sort();
  const drawnLocalities = rule.localityShare > 0 ? sample(localities, Math.ceil(localities.length * rule.localityShare - 1e-9), next).sort() : [];
  const drawn = new Set(drawnLocalities);
  for (const p of pop) if (!chosen.has(p.projectId) && p.level !== 'province' && drawn.has(p.locality)) chosen.set(p.projectId, 'locality');
  const rest = pop.filter((p) => !chosen.has(p.projectId));
  for (const p of sample(rest, Math.round(rest.length * rule.sampleRate), next)) chosen.set(p.projectId, 'random');
  const items = pop.filter((p) => chosen.has(p.projectId)).map((p) => ({ projectId: p.projectId, deptId: p.deptId, unitId: p.unitId, amountFen: p.amountFen, reason: chosen.get(p.projectId) as CheckReason }));
  return { seed, populationSize: pop.length, localities: { drawn: drawnLocalities, of: localities.length }, items };
}

/**
 * The re-evaluation draw (再评价抽取, 002, 004): ceil(share × n) of the filed self-evaluations, by the
 * seed; the population is sorted first, so its order does not change the draw; sorted by project id.
 */
export function drawReEvaluations(projectIds: readonly string[], share: number, seed: number): string[] {
  const pop = [...new Set(projectIds)].sort();
  const k = share > 0 ? Math.ceil(pop.length * share - 1e-9) : 0;
  return sample(pop, k, rng(seed)).sort();
}
