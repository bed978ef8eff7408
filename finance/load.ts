// Bulk loading of a generated data set: one transaction, multi-row INSERT … SELECT FROM unnest(arrays)
// in chunks, so 30,000 projects with their lines and payments load in seconds, not minutes.
import type { Db, Queryable } from '../db/index';
import { INDUSTRIES } from './catalog';
import { generate, type Dataset, type GenerateOptions } from './generate';

const CHUNK = 20_000;
type PgType = 'text' | 'int' | 'bigint' | 'bool' | 'date' | 'jsonb';

async function bulk<T>(q: Queryable, table: string, cols: [name: string, type: PgType, get: (r: T) => unknown][], rows: T[]): Promise<void> {
  // jsonb travels as text[] and is cast per row: arrays of jsonb are not portable between drivers.
  const args = cols.map(([, type], i) => (type === 'jsonb' ? `$${i + 1}::text[]` : `$${i + 1}::${type}[]`));
  const select = cols.map(([name, type]) => (type === 'jsonb' ? `${name}::jsonb` : name)).join(', ');
  const names = cols.map(([name]) => name).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${args.join(', ')}) AS t(${names})`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await q.query(sql, cols.map(([, type, get]) => chunk.map((r) => (type === 'jsonb' ? JSON.stringify(get(r)) : get(r)))));
  }
}

export interface LoadStats {
  ms: number;
  departments: number;
  units: number;
  projects: number;
  payments: number;
  indicators: number;
}

export async function loadDataset(db: Db, ds: Dataset): Promise<LoadStats> {
  const t0 = performance.now();
  const paid = new Map<string, number>();
  for (const p of ds.payments) paid.set(p.projectId, (paid.get(p.projectId) ?? 0) + p.amountFen);
  await db.tx(async (q) => {
    await q.query('INSERT INTO meta(key, value) VALUES ($1, $2::jsonb)', ['dataset', JSON.stringify(ds.meta)]);
    await bulk(q, 'departments', [['id', 'text', (r) => r.id], ['name', 'text', (r) => r.name]], ds.departments);
    await bulk(q, 'units', [['id', 'text', (r) => r.id], ['dept_id', 'text', (r) => r.deptId], ['name', 'text', (r) => r.name], ['level', 'text', (r) => r.level], ['region', 'text', (r) => r.region]], ds.units);
    await bulk(q, 'industries', [['code', 'text', (r) => r.code], ['name', 'text', (r) => r.name], ['sort', 'int', (r) => INDUSTRIES.indexOf(r)]], INDUSTRIES);
    await bulk(q, 'indicators', [
      ['code', 'text', (r) => r.code], ['industry', 'text', (r) => r.industry], ['level1', 'text', (r) => r.level1], ['level2', 'text', (r) => r.level2],
      ['name', 'text', (r) => r.name], ['unit', 'text', (r) => r.unit], ['direction', 'text', (r) => r.direction], ['is_core', 'bool', (r) => r.isCore],
    ], ds.indicators);
    await bulk(q, 'transfers', [['id', 'text', (r) => r.id], ['dept_id', 'text', (r) => r.deptId], ['year', 'int', (r) => r.year], ['name', 'text', (r) => r.name], ['total_fen', 'bigint', (r) => r.totalFen]], ds.transfers);
    await bulk(q, 'projects', [
      ['id', 'text', (r) => r.id], ['dept_id', 'text', (r) => r.deptId], ['unit_id', 'text', (r) => r.unitId], ['year', 'int', (r) => r.year],
      ['name', 'text', (r) => r.name], ['industry', 'text', (r) => r.industry], ['kind', 'text', (r) => r.kind], ['expenditure', 'text', (r) => r.expenditure], ['is_new', 'bool', (r) => r.isNew],
      ['transfer_id', 'text', (r) => r.transferId], ['original_fen', 'bigint', (r) => r.originalFen], ['paid_fen', 'bigint', (r) => paid.get(r.id) ?? 0],
    ], ds.projects);
    const lines = ds.projects.flatMap((p) => p.lines.map((l) => ({ projectId: p.id, ...l })));
    await bulk(q, 'budget_lines', [['project_id', 'text', (r) => r.projectId], ['line_no', 'int', (r) => r.lineNo], ['econ_class', 'text', (r) => r.econClass], ['name', 'text', (r) => r.name], ['budget_fen', 'bigint', (r) => r.budgetFen]], lines);
    await bulk(q, 'payments', [['project_id', 'text', (r) => r.projectId], ['paid_on', 'date', (r) => r.paidOn], ['amount_fen', 'bigint', (r) => r.amountFen], ['line_no', 'int', (r) => r.lineNo]], ds.payments);
    const library = ds.library.map((l, i) => ({ ...l, id: `L${l.year}-${String(i + 1).padStart(6, '0')}` }));
    await bulk(q, 'library', [
      ['id', 'text', (r) => r.id], ['application_id', 'text', (r) => r.applicationId], ['dept_id', 'text', (r) => r.deptId], ['unit_id', 'text', (r) => r.unitId],
      ['year', 'int', (r) => r.year], ['name', 'text', (r) => r.name], ['industry', 'text', (r) => r.industry], ['kind', 'text', (r) => r.kind],
      ['is_new', 'bool', (r) => r.isNew], ['requested_fen', 'bigint', (r) => r.requestedFen], ['approved_fen', 'bigint', (r) => r.approvedFen],
      ['pre_assessment', 'jsonb', (r) => r.preAssessment], ['core_indicators', 'jsonb', (r) => r.coreIndicators],
    ], library);
    // API-added entries continue the numbering after the generated ones.
    if (library.length) await q.query(`SELECT setval('library_seq', $1)`, [library.length]);
  });
  await db.exec('ANALYZE');
  return {
    ms: Math.round(performance.now() - t0),
    departments: ds.departments.length,
    units: ds.units.length,
    projects: ds.projects.length,
    payments: ds.payments.length,
    indicators: ds.indicators.length,
  };
}

/** Generates and loads a data set unless the store already holds one (a restart never reseeds). */
export async function seedIfEmpty(db: Db, opts: GenerateOptions): Promise<(LoadStats & { generateMs: number }) | null> {
  const n = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM departments')).rows[0].n;
  if (n > 0) return null;
  const t0 = performance.now();
  const ds = generate(opts);
  const generateMs = Math.round(performance.now() - t0);
  return { ...(await loadDataset(db, ds)), generateMs };
}
