// Deterministic synthetic data for the stand-in: same options and seed → byte-identical data set.
// Scales from the demo (a few departments, the demo users' fixed units) to a province
// (~100 departments, ~2,000 units, 30,000 projects), and a province shaped like Xinjiang 2020 (003)
// at any scale factor: xinjiang2020Scale(factor), or the named scale 'xinjiang2020' (factor 1).
import type { Department, Indicator, LibraryEntry, Transfer, Unit } from '../contracts/finance/finance.zod';
import { COUNTIES, DEPARTMENTS, ECON_CLASSES, GENERIC_UNITS, INDUSTRIES, PROVINCE_LEVEL_REGION, indicatorLibrary } from './catalog';
import { Rng } from './prng';
import { paymentSchedule, type GenPayment, type ScheduleOptions } from './schedule';

export interface ScaleSpec {
  departments: number;
  /** All units, county units of transfer payments included. */
  units: number;
  /** Projects per budget year, county projects of transfer payments included. */
  projects: number;
  transfers: number;
  countiesPerTransfer: number;
  /** 2 adds last year's (closed) budget, for evaluation. */
  years: 1 | 2;
  /** Next-year applications already in the project library, as a share of projects. */
  libraryShare: number;
  /** Counties a transfer reaches are drawn between countiesPerTransfer and this (absent: exactly countiesPerTransfer). */
  countiesPerTransferMax?: number;
  /**
   * Basic expenditure (基本支出), which rounds exclude: 'busyUnits' (default) makes the first budget item
   * of a province unit with several its basic expenditure, out of `projects`; 'everyUnit' gives every
   * unit, county units too, one basic expenditure item besides, and `projects` counts project
   * expenditure only (the projects with targets).
   */
  basicExpenditure?: 'busyUnits' | 'everyUnit';
  /** The shape's name in the data set's meta (absent: 'custom'). */
  label?: string;
}

/**
 * A province shaped like Xinjiang 2020 (003: 各级部门单位部门预算安排的 28443 个项目支出，全部按要求设置绩效目标；
 * 自治区下达的 474 笔专项转移支付资金；全区各级 13306 家部门单位), times `factor` (1: full size). Ours, not
 * the seed's: 110 departments, each transfer reaching 3 to 12 counties' bureaus, one basic expenditure
 * item per unit, no project library. Counts round to whole numbers; at least 4 departments, 1 transfer.
 */
export function xinjiang2020Scale(factor = 1): ScaleSpec {
  if (!(factor > 0 && factor <= 1)) throw new RangeError(`xinjiang2020Scale: factor must be in (0, 1], got ${factor}`);
  const n = (full: number, min: number) => Math.max(min, Math.round(full * factor));
  return {
    departments: n(110, 4),
    units: n(13_306, 8),
    projects: n(28_443, 16),
    transfers: n(474, 1),
    countiesPerTransfer: 3,
    countiesPerTransferMax: 12,
    years: 1,
    libraryShare: 0,
    basicExpenditure: 'everyUnit',
    label: factor === 1 ? 'xinjiang2020' : `xinjiang2020x${factor}`,
  };
}

export const SCALES = {
  demo: { departments: 6, units: 18, projects: 80, transfers: 1, countiesPerTransfer: 6, years: 2, libraryShare: 0.1 },
  province: { departments: 100, units: 2000, projects: 30_000, transfers: 8, countiesPerTransfer: 25, years: 1, libraryShare: 0.05 },
  xinjiang2020: xinjiang2020Scale(1),
} satisfies Record<string, ScaleSpec>;
export type ScaleName = keyof typeof SCALES;

export interface GenerateOptions {
  scale?: ScaleName | ScaleSpec;
  seed?: number;
  /** The current budget year. */
  year?: number;
  behindShare?: number;
  cutoffs?: string[];
  lagPoints?: number;
  /**
   * The region profile's pre-assessment gate (preAssessment.mandatoryAboveFen, keyAssessmentFromFen):
   * which library entries needed one, and the amounts new projects are put exactly on (one fen below
   * the key tier, on it, on the gate, one yuan above). Default: Inner Mongolia's 5,000,000 yuan (000)
   * and 1,000,000 yuan (Altay's tier, 001).
   */
  gate?: { mandatoryAboveFen: number; keyAssessmentFromFen: number };
  /**
   * Project ids are `<prefix><year>-<n>` (default 'P'): test files sharing one Temporal namespace
   * take different prefixes, since workflow ids are per project (one open warning per project).
   */
  projectIdPrefix?: string;
}

/** Pre-assessment threshold for new major projects (Inner Mongolia: 5,000,000 yuan). */
export const MAJOR_FROM_YUAN = 5_000_000;
const MIN_YUAN = 100_000;
const MAX_YUAN = 500_000_000;

export interface GenProject {
  id: string;
  deptId: string;
  unitId: string;
  year: number;
  name: string;
  industry: string;
  kind: 'project' | 'policy';
  /** 基本支出 (basic: staff and running costs) or 项目支出 (project expenditure). */
  expenditure: 'basic' | 'project';
  isNew: boolean;
  transferId: string | null;
  originalFen: number;
  lines: { lineNo: number; econClass: string; name: string; budgetFen: number }[];
}
export type GenLibraryEntry = Omit<LibraryEntry, 'id' | 'addedAt' | 'targets' | 'cut'>;

export interface Dataset {
  meta: { seed: number; scale: string; year: number; years: number[]; behindShare: number; cutoffs: string[]; lagPoints: number };
  departments: Department[];
  units: Unit[];
  indicators: Indicator[];
  transfers: Transfer[];
  projects: GenProject[];
  payments: GenPayment[];
  library: GenLibraryEntry[];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const industryOf = (code: string) => INDUSTRIES.find((i) => i.code === code)!;

/** Amount in yuan: log-normal around 1.5 million, or above the major-project threshold. */
function amountYuan(rng: Rng, major: boolean): number {
  const y = major ? MAJOR_FROM_YUAN * Math.exp(Math.abs(rng.normal()) * 1.2) : 1_500_000 * Math.exp(rng.normal() * 1.3);
  return Math.round(Math.min(MAX_YUAN, Math.max(major ? MAJOR_FROM_YUAN + 1000 : MIN_YUAN, y)) / 1000) * 1000;
}

function budgetLines(rng: Rng, totalFen: number): GenProject['lines'] {
  const classes = [...ECON_CLASSES];
  return rng.split(totalFen, rng.int(1, 4), 100_000).map((budgetFen, i) => {
    const [code, name] = classes.splice(rng.int(0, classes.length - 1), 1)[0];
    return { lineNo: i + 1, econClass: code, name, budgetFen };
  });
}

/** Largest-remainder apportionment of n over weights, at least `min` each. */
function apportion(n: number, weights: number[], min = 1): number[] {
  const free = n - min * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (free * w) / sum);
  const out = raw.map((r) => min + Math.floor(r));
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0, left = n - out.reduce((a, b) => a + b, 0); k < left; k++) out[order[k % order.length][1]]++;
  return out;
}

export function generate(opts: GenerateOptions = {}): Dataset {
  const spec: ScaleSpec = typeof opts.scale === 'object' ? opts.scale : SCALES[opts.scale ?? 'demo'];
  const seed = opts.seed ?? 1;
  const year = opts.year ?? new Date().getUTCFullYear();
  const sched = { behindShare: opts.behindShare ?? 0.05, cutoffs: opts.cutoffs ?? ['04-30', '07-31'], lagPoints: opts.lagPoints ?? 20 };
  const years = spec.years === 2 ? [year - 1, year] : [year];
  const rng = new Rng(seed);
  const gate = opts.gate ?? { mandatoryAboveFen: MAJOR_FROM_YUAN * 100, keyAssessmentFromFen: 1_000_000 * 100 };
  // 999,999.99 / 1,000,000 / 5,000,000 / 5,000,001 yuan with the default gate
  const edgesFen = [gate.keyAssessmentFromFen - 1, gate.keyAssessmentFromFen, gate.mandatoryAboveFen, gate.mandatoryAboveFen + 100].filter((f) => f >= MIN_YUAN * 100);
  const isDemo = opts.scale === undefined || opts.scale === 'demo';

  // Departments, each with a main industry.
  const depts = Array.from({ length: spec.departments }, (_, i) => {
    const [name, industry] = DEPARTMENTS[i] ?? [`直属机构${i + 1}`, 'general'];
    return { id: `D${pad(i + 1, 2)}`, num: pad(i + 1, 2), name, industry };
  });

  // Transfer payments go to departments whose industry has one (D01/D02 last, to keep the demo's
  // fixed departments to their two units); each reaches county bureaus.
  const candidates = [...depts.slice(2), ...depts.slice(0, 2)].filter((d) => industryOf(d.industry).transfer);
  const firstOfIndustry = candidates.filter((d, i) => candidates.findIndex((x) => x.industry === d.industry) === i);
  const transferDepts = [...firstOfIndustry, ...candidates.filter((d) => !firstOfIndustry.includes(d))];
  const units: Unit[] = [];
  const countyUnits: { deptId: string; transferIdx: number; unitId: string; county: string }[] = [];
  for (let t = 0; t < spec.transfers && transferDepts.length; t++) {
    const d = transferDepts[t % transferDepts.length];
    const start = rng.int(0, COUNTIES.length - 1);
    // a varying reach draws from the generator only when asked for: other shapes stay as they were
    const reach = spec.countiesPerTransferMax ? rng.int(spec.countiesPerTransfer, spec.countiesPerTransferMax) : spec.countiesPerTransfer;
    for (let k = 0; k < Math.min(reach, COUNTIES.length); k++) {
      const county = COUNTIES[(start + k) % COUNTIES.length];
      let u = units.find((x) => x.deptId === d.id && x.region === county);
      if (!u) {
        const n = units.filter((x) => x.deptId === d.id).length + 1;
        u = { id: `U${d.num}C${pad(n, 2)}`, deptId: d.id, name: `${county}${industryOf(d.industry).countyBureau}`, level: 'county', region: county };
        units.push(u);
      }
      countyUnits.push({ deptId: d.id, transferIdx: t, unitId: u.id, county });
    }
  }

  // Province-level units: the demo's D01/D02 have exactly their two fixed units.
  const provincial = Math.max(depts.length, spec.units - units.length);
  const perDept = isDemo
    ? [2, 2, ...apportion(provincial - 4, depts.slice(2).map(() => 1))]
    : apportion(provincial, depts.map(() => Math.exp(rng.normal() * 0.8)));
  const deptUnits = new Map<string, Unit[]>();
  depts.forEach((d, i) => {
    const names = [...industryOf(d.industry).units, ...GENERIC_UNITS.map((s) => `${d.name}${s}`), ...COUNTIES.map((c) => `${d.name}${c}工作站`)];
    const list = Array.from({ length: perDept[i] }, (_, k): Unit => ({
      // U + department number + 2-digit unit number (U0101); past 99 a dash keeps ids unique.
      id: k < 99 ? `U${d.num}${pad(k + 1, 2)}` : `U${d.num}-${k + 1}`,
      deptId: d.id,
      name: names[k] ?? `${d.name}直属单位${k + 1}`,
      level: 'province',
      region: PROVINCE_LEVEL_REGION,
    }));
    deptUnits.set(d.id, list);
    units.push(...list);
  });
  units.sort((a, b) => (a.id < b.id ? -1 : 1));
  const unitList = [...deptUnits.values()].flat();
  const deptOf = new Map(depts.map((d) => [d.id, d]));

  const transfers: Transfer[] = [];
  const projects: GenProject[] = [];
  const payments: GenPayment[] = [];
  for (const y of years) {
    const schedule: ScheduleOptions = { year: y, ...sched };
    let seq = 0;
    const addProject = (p: Omit<GenProject, 'id' | 'year' | 'lines'>): number => {
      const project = { id: `${opts.projectIdPrefix ?? 'P'}${y}-${pad(++seq, 5)}`, year: y, ...p, lines: budgetLines(rng, p.originalFen) };
      projects.push(project);
      const paid = paymentSchedule(rng, schedule, project.id, project.originalFen, project.lines.length);
      payments.push(...paid);
      return paid.length;
    };
    // The first new projects of the year sit exactly on the thresholds, so the edges are exercised.
    // Their lines and payments come from a generator of their own: every other draw stays as it was.
    const edges = [...edgesFen];
    const edgeRng = new Rng(seed * 7919 + y);
    const putOnEdge = (paidCount: number) => {
      const p = projects[projects.length - 1];
      const fen = edges.shift()!;
      payments.splice(payments.length - paidCount, paidCount);
      p.originalFen = fen;
      p.lines = budgetLines(edgeRng, fen);
      payments.push(...paymentSchedule(edgeRng, schedule, p.id, fen, p.lines.length));
    };

    // Special transfer payments broken down to county-level projects (穿透式监控).
    for (let t = 0; t < spec.transfers && transferDepts.length; t++) {
      const d = transferDepts[t % transferDepts.length];
      const ind = industryOf(d.industry);
      const id = `T${y}-${pad(t + 1, 2)}`;
      let total = 0;
      for (const cu of countyUnits.filter((c) => c.transferIdx === t)) {
        const originalFen = Math.round(Math.max(MIN_YUAN, 3_000_000 * Math.exp(rng.normal() * 0.6)) / 1000) * 1000 * 100;
        total += originalFen;
        addProject({ deptId: d.id, unitId: cu.unitId, name: `${y}年${cu.county}${ind.transfer}`, industry: ind.code, kind: 'project', expenditure: 'project', isNew: false, transferId: id, originalFen });
      }
      transfers.push({ id, deptId: d.id, year: y, name: `${y}年${ind.transfer}`, totalFen: total });
    }

    const everyUnit = spec.basicExpenditure === 'everyUnit';
    const addBasic = (u: Unit) => {
      const d = deptOf.get(u.deptId)!;
      addProject({ deptId: d.id, unitId: u.id, name: `${y}年${u.name}基本支出`, industry: d.industry, kind: 'project', expenditure: 'basic', isNew: false, transferId: null, originalFen: amountYuan(rng, false) * 100 });
    };

    // Ordinary projects over province-level units, some units much busier than others.
    const counts = apportion(spec.projects - seq, unitList.map(() => Math.exp(rng.normal() * 0.7)), 0);
    unitList.forEach((u, i) => {
      const d = deptOf.get(u.deptId)!;
      if (everyUnit) addBasic(u);
      for (let k = 0; k < counts[i]; k++) {
        const ind = rng.chance(0.9) ? industryOf(d.industry) : rng.pick(INDUSTRIES);
        const kind = rng.chance(0.15) ? 'policy' : 'project';
        const isNew = rng.chance(0.25);
        const originalFen = amountYuan(rng, isNew && rng.chance(0.4)) * 100;
        const name = `${y}年${u.name}${rng.pick(ind.topics)}${kind === 'policy' ? '补助' : '项目'}`;
        // a unit with several budget items has its basic expenditure (基本支出) as the first; no draw
        // of the generator depends on it, so the rest of the data set is as before
        const basic = !everyUnit && k === 0 && counts[i] >= 2;
        const paidCount = addProject({
          deptId: d.id,
          unitId: u.id,
          name: basic ? `${y}年${u.name}基本支出` : name,
          industry: ind.code,
          kind: basic ? 'project' : kind,
          expenditure: basic ? 'basic' : 'project',
          isNew: basic ? false : isNew,
          transferId: null,
          originalFen,
        });
        if (!basic && isNew && edges.length) putOnEdge(paidCount);
      }
    });
    // every county bureau of a transfer payment has its basic expenditure too
    if (everyUnit) for (const u of units) if (u.level === 'county') addBasic(u);
  }

  // Next year's applications already in the project library.
  const indicators = indicatorLibrary();
  const library: GenLibraryEntry[] = Array.from({ length: Math.round(spec.projects * spec.libraryShare) }, (_, i) => {
    const u = rng.pick(unitList);
    const ind = industryOf(deptOf.get(u.deptId)!.industry);
    const requestedFen = amountYuan(rng, rng.chance(0.3)) * 100;
    const major = requestedFen > gate.mandatoryAboveFen;
    const conclusion = !major ? 'not_required' : rng.chance(0.7) ? 'pass' : 'pass_reduced';
    // a reduced approval keeps 30% to 90% of the request (000's case: about 30% of 2.85 billion yuan kept, 核减预算近7成)
    const approvedFen = conclusion === 'pass_reduced' ? Math.max(100_000, Math.round((requestedFen * (0.3 + rng.next() * 0.6)) / 100_000) * 100_000) : requestedFen;
    return {
      applicationId: `A${year + 1}-${pad(i + 1, 5)}`,
      deptId: u.deptId,
      unitId: u.id,
      year: year + 1,
      name: `${year + 1}年${u.name}${rng.pick(ind.topics)}项目`,
      industry: ind.code,
      kind: 'project',
      isNew: true,
      requestedFen,
      approvedFen,
      preAssessment: { conclusion, ...(major ? { reportRef: `PA-${year + 1}-${pad(i + 1, 5)}` } : {}) },
      coreIndicators: indicators.filter((x) => x.industry === ind.code && x.isCore).map((x) => x.code),
    };
  });

  return {
    meta: { seed, scale: typeof opts.scale === 'string' ? opts.scale : opts.scale ? (opts.scale.label ?? 'custom') : 'demo', year, years, ...sched },
    departments: depts.map(({ id, name }) => ({ id, name })),
    units,
    indicators,
    transfers,
    projects,
    payments,
    library,
  };
}
