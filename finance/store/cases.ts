// The indicator library's past cases (案例库, 004: 市本级预算绩效管理系统案例库中成功导入 61 个项目案例,
// 涉及一般公共服务支出、教育支出等 8 大功能类科目): past projects with their industry, amount, the
// indicators they set with target and achieved values, and their evaluation's grade when known. The
// stand-in generates them deterministically from the store's own departments, units and indicator
// library (how many, over how many industries: the region profile's preAssessment.caseLibrary), once,
// when the case table is empty; finance adds more from projects concluded in the system.
import type { Db, Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { AddCaseRequest } from '../../contracts/finance/finance.zod';
import { INDUSTRIES } from '../catalog';
import { FinanceBusinessError, FinanceNotFoundError } from '../errors';
import { Rng } from '../prng';
import { idempotent, type Applied } from './idempotency';
import { DEFAULT_LIMIT, decodeCursor, keysetPage, Where } from './sql';

/** Without a region profile's caseLibrary: the profile's default (ours: 40 cases over every industry). */
export const DEFAULT_CASES = { count: 40, industries: 23 };

export interface CaseSeed {
  /** How many cases (Wuhai 004: 61). */
  count: number;
  /** Over how many industries (Wuhai 004: 8 功能类科目; 一般公共服务 and 教育 first, as 004 names them). */
  industries: number;
  seed?: number;
  /** The current budget year: cases are from the three years before it. */
  year: number;
}

const COLS = `id, year, dept_id AS "deptId", unit_id AS "unitId", name, industry, amount_fen::bigint AS "amountFen", score::float8 AS score, grade, source,
  source_ref AS "sourceRef", indicators, added_by AS "addedBy", reason`;
type Row = Omit<c.PastCase, 'amountFen'> & { amountFen: string | number };
const asCase = (r: Row): c.PastCase => ({ ...r, amountFen: Number(r.amountFen) });

const gradeOf = (score: number): c.PastCase['grade'] => (score >= 90 ? '优' : score >= 80 ? '良' : score >= 60 ? '中' : '差');

/** A target and what was achieved, plausible for the indicator's unit and direction; and how far it was met (0–1). */
function values(rng: Rng, i: c.Indicator): { target: string; achieved: string; met: number } {
  if (i.unit === '定性') {
    const ok = rng.chance(0.8);
    return { target: '健全', achieved: ok ? '健全' : '基本健全', met: ok ? 1 : 0.8 };
  }
  if (i.unit === '%') {
    const target = i.direction === '<=' ? rng.int(95, 100) : rng.int(85, 100);
    const achieved = i.direction === '<=' ? Math.min(110, target + rng.int(-8, 6)) : Math.min(100, target + rng.int(-12, 5));
    const met = i.direction === '<=' ? Math.min(1, target / Math.max(1, achieved)) : Math.min(1, achieved / target);
    return { target: String(target), achieved: String(achieved), met };
  }
  const target = rng.int(1, 20) * (rng.chance(0.5) ? 10 : 1);
  const achieved = Math.max(0, Math.round(target * (0.75 + rng.next() * 0.4)));
  const met = i.direction === '<=' ? Math.min(1, target / Math.max(1, achieved)) : Math.min(1, achieved / target);
  return { target: String(target), achieved: String(achieved), met };
}

/** Generates and loads the cases unless the store already holds some (a restart never reseeds). */
export async function seedCasesIfEmpty(db: Db, s: CaseSeed): Promise<number> {
  if ((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0].n > 0 || s.count <= 0) return 0;
  const depts = (await db.query<{ id: string }>('SELECT id FROM departments ORDER BY id')).rows;
  const units = (await db.query<{ id: string; deptId: string; name: string }>(`SELECT id, dept_id AS "deptId", name FROM units WHERE level = 'province' ORDER BY id`)).rows;
  const library = (await db.query<c.Indicator>(`SELECT code, industry, level1, level2, name, unit, direction, is_core AS "isCore" FROM indicators WHERE status = 'active' ORDER BY code`)).rows;
  if (!depts.length || !units.length) return 0;
  const deptIndustry = new Map((await db.query<{ id: string; industry: string }>(`SELECT dept_id AS id, min(industry) AS industry FROM projects GROUP BY dept_id`)).rows.map((r) => [r.id, r.industry]));
  const order = ['general', 'edu', ...INDUSTRIES.map((i) => i.code).filter((x) => x !== 'general' && x !== 'edu')];
  const industries = order.slice(0, Math.max(1, Math.min(s.industries, order.length)));
  const rng = new Rng((s.seed ?? 1) * 104_729 + 61);
  const rows: c.PastCase[] = [];
  for (let n = 0; n < s.count; n++) {
    const industry = industries[n % industries.length];
    const def = INDUSTRIES.find((i) => i.code === industry)!;
    const ownDepts = depts.filter((d) => deptIndustry.get(d.id) === industry);
    const deptId = (ownDepts.length ? rng.pick(ownDepts) : rng.pick(depts)).id;
    const deptUnits = units.filter((u) => u.deptId === deptId);
    const unit = deptUnits.length ? rng.pick(deptUnits) : rng.pick(units);
    const year = s.year - rng.int(1, 3);
    const amountFen = Math.round(Math.max(100_000, 2_000_000 * Math.exp(rng.normal() * 1.1)) / 1000) * 1000 * 100;
    const own = library.filter((i) => i.industry === industry);
    const core = own.filter((i) => i.isCore);
    const others = own.filter((i) => !i.isCore);
    const extra: c.Indicator[] = [];
    for (let k = 0; k < 3 && others.length; k++) extra.push(others.splice(rng.int(0, others.length - 1), 1)[0]);
    const picked = [...core, ...extra].sort((a, b) => (a.code < b.code ? -1 : 1));
    const measured = picked.map((i) => ({ i, ...values(rng, i) }));
    const known = rng.chance(0.85);
    const mean = measured.reduce((sum, m) => sum + m.met, 0) / Math.max(1, measured.length);
    const score = known ? Math.round(Math.min(99, Math.max(50, mean * 100 - rng.int(0, 12))) * 10) / 10 : null;
    rows.push({
      id: `C${String(n + 1).padStart(4, '0')}`,
      year,
      deptId,
      unitId: unit.id,
      name: `${year}年${unit.name}${rng.pick(def.topics)}项目`,
      industry,
      amountFen,
      score,
      grade: score === null ? null : gradeOf(score),
      source: 'imported',
      sourceRef: null,
      indicators: measured.map(({ i, target, achieved }) => ({ code: i.code, level1: i.level1, level2: i.level2, name: i.name, unit: i.unit, direction: i.direction, target, achieved, isCore: i.isCore })),
      addedBy: 'import',
      reason: null,
    });
  }
  await db.tx(async (q) => {
    for (const r of rows) await insert(q, r);
    await q.query(`SELECT setval('cases_seq', $1)`, [rows.length]);
  });
  return rows.length;
}

async function insert(q: Queryable, r: c.PastCase): Promise<c.PastCase> {
  const { rows } = await q.query<Row>(
    `INSERT INTO cases(id, year, dept_id, unit_id, name, industry, amount_fen, score, grade, source, source_ref, indicators, added_by, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14) RETURNING ${COLS}`,
    [r.id, r.year, r.deptId, r.unitId, r.name, r.industry, r.amountFen, r.score, r.grade, r.source, r.sourceRef, JSON.stringify(r.indicators), r.addedBy, r.reason],
  );
  return asCase(rows[0]);
}

export async function listCases(q: Queryable, f: c.ListCasesQuery): Promise<{ items: c.PastCase[]; nextCursor: string | null }> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where()
    .eq(f.industry, (p) => `industry = ${p}`)
    .eq(f.indicator, (p) => `indicators @> jsonb_build_array(jsonb_build_object('code', ${p}::text))`)
    .eq(f.q ? `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : undefined, (p) => `(name ILIKE ${p} OR indicators::text ILIKE ${p})`)
    .eq(decodeCursor(f.cursor), (p) => `id > ${p}`);
  return keysetPage<Row, c.PastCase>(q, `SELECT ${COLS} FROM cases ${w.sql} ORDER BY id LIMIT ${limit + 1}`, w.params, limit, (r) => r.id, asCase);
}

export async function getCase(q: Queryable, f: c.GetCaseQuery): Promise<c.PastCase> {
  const r = (await q.query<Row>(`SELECT ${COLS} FROM cases WHERE id = $1`, [f.id])).rows[0];
  if (!r) throw new FinanceNotFoundError(`case ${f.id} not found`, 'id');
  return asCase(r);
}

/** Finance adds a case from a project concluded in the system: one case per source (CASE_EXISTS otherwise). */
export function addCase(db: Db, raw: c.AddCaseRequest): Promise<Applied<c.PastCase>> {
  const r = AddCaseRequest.parse(raw);
  return idempotent(db, 'case', raw, async (q) => {
    if (!(await q.query('SELECT 1 FROM industries WHERE code = $1', [r.industry])).rows[0]) throw new FinanceNotFoundError(`industry ${r.industry} not found`, 'industry');
    const prior = (await q.query<{ id: string }>('SELECT id FROM cases WHERE source_ref = $1', [r.sourceRef])).rows[0];
    if (prior) throw new FinanceBusinessError('CASE_EXISTS', `${r.sourceRef} is already case ${prior.id}`, 'sourceRef');
    const n = (await q.query<{ n: string }>(`SELECT nextval('cases_seq')::text AS n`)).rows[0].n;
    return insert(q, {
      id: `C${n.padStart(4, '0')}`,
      year: r.year,
      deptId: r.deptId,
      unitId: r.unitId,
      name: r.name,
      industry: r.industry,
      amountFen: r.amountFen,
      score: r.score,
      grade: r.grade,
      source: 'concluded',
      sourceRef: r.sourceRef,
      indicators: r.indicators,
      addedBy: r.by,
      reason: r.reason,
    });
  });
}
