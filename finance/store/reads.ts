// Read side of the stand-in: reference data, projects, execution at a date, library, ledger.
// Every list is a keyset page (id > cursor ORDER BY id LIMIT n+1), so whole-province reads stay cheap.
import type { Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { FinanceNotFoundError, FinanceValidationError } from '../errors';
import { DEFAULT_LIMIT, Where, decodeCursor, isoTs, keysetPage } from './sql';

type Page<T> = { items: T[]; nextCursor: string | null };

export async function listDepartments(q: Queryable): Promise<{ items: c.Department[] }> {
  return { items: (await q.query<c.Department>('SELECT id, name FROM departments ORDER BY id')).rows };
}

export async function listUnits(q: Queryable, f: c.ListUnitsQuery): Promise<Page<c.Unit>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where().eq(f.deptId, (p) => `dept_id = ${p}`).eq(decodeCursor(f.cursor), (p) => `id > ${p}`);
  const sql = `SELECT id, dept_id AS "deptId", name, level, region FROM units ${w.sql} ORDER BY id LIMIT ${limit + 1}`;
  return keysetPage<c.Unit, c.Unit>(q, sql, w.params, limit, (r) => r.id, (r) => r);
}

export async function listIndustries(q: Queryable): Promise<{ items: c.Industry[] }> {
  return { items: (await q.query<c.Industry>('SELECT code, name FROM industries ORDER BY sort')).rows };
}

export async function listIndicators(q: Queryable, f: c.ListIndicatorsQuery): Promise<Page<c.Indicator>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where()
    .eq(f.industry, (p) => `industry = ${p}`)
    .eq(f.coreOnly ? true : undefined, (p) => `is_core = ${p}`)
    .eq(f.includeRetired ? undefined : 'active', (p) => `status = ${p}`)
    .eq(decodeCursor(f.cursor), (p) => `code > ${p}`);
  const sql = `SELECT code, industry, level1, level2, name, unit, direction, is_core AS "isCore", version, status
    FROM indicators ${w.sql} ORDER BY code LIMIT ${limit + 1}`;
  return keysetPage<c.Indicator, c.Indicator>(q, sql, w.params, limit, (r) => r.code, (r) => r);
}

export async function listTransfers(q: Queryable, f: c.ListTransfersQuery): Promise<{ items: c.Transfer[] }> {
  const w = new Where().eq(f.year, (p) => `year = ${p}`);
  const sql = `SELECT id, dept_id AS "deptId", year, name, total_fen AS "totalFen" FROM transfers ${w.sql} ORDER BY id`;
  return { items: (await q.query<c.Transfer>(sql, w.params)).rows };
}

const PROJECT_COLS = `id, dept_id AS "deptId", unit_id AS "unitId", year, name, industry, kind, expenditure, is_new AS "isNew",
  transfer_id AS "transferId", original_fen AS "originalFen", status`;

export async function getProject(q: Queryable, projectId: string): Promise<c.Project> {
  const p = (await q.query<c.ProjectSummary>(`SELECT ${PROJECT_COLS} FROM projects WHERE id = $1`, [projectId])).rows[0];
  if (!p) throw new FinanceNotFoundError(`project ${projectId} not found`, 'projectId');
  const lines = await q.query<c.Project['lines'][number]>(
    `SELECT line_no AS "lineNo", econ_class AS "econClass", name, budget_fen AS "budgetFen"
     FROM budget_lines WHERE project_id = $1 ORDER BY line_no`,
    [projectId],
  );
  return { ...p, lines: lines.rows };
}

export async function listProjects(q: Queryable, f: c.ListProjectsQuery): Promise<Page<c.ProjectSummary>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = projectFilter(f).eq(f.status, (p) => `status = ${p}`);
  const sql = `SELECT ${PROJECT_COLS} FROM projects ${w.sql} ORDER BY id LIMIT ${limit + 1}`;
  return keysetPage<c.ProjectSummary, c.ProjectSummary>(q, sql, w.params, limit, (r) => r.id, (r) => r);
}

function projectFilter(f: { deptId?: string; unitId?: string; year?: number; transferId?: string; expenditure?: string; cursor?: string }): Where {
  return new Where()
    .eq(f.expenditure, (p) => `expenditure = ${p}`)
    .eq(f.year, (p) => `year = ${p}`)
    .eq(f.deptId, (p) => `dept_id = ${p}`)
    .eq(f.unitId, (p) => `unit_id = ${p}`)
    .eq(f.transferId, (p) => `transfer_id = ${p}`)
    .eq(decodeCursor(f.cursor), (p) => `id > ${p}`);
}

/**
 * Execution rows at a date. Rate = paid / available in basis points (floor); a project with nothing
 * available (all reclaimed, nothing paid) counts as fully executed: nothing is left to spend.
 */
function executionSql(asOfPh: string, where: string): string {
  return `SELECT e.*, CASE WHEN e."availableFen" > 0 THEN (e."paidFen" * 10000 / e."availableFen")::int ELSE 10000 END AS "executionRateBp"
  FROM (SELECT id AS "projectId", dept_id AS "deptId", unit_id AS "unitId", status,
      original_fen + adjusted_fen AS "budgetFen", reclaimed_fen AS "reclaimedFen",
      original_fen + adjusted_fen - reclaimed_fen AS "availableFen",
      COALESCE((SELECT sum(x.amount_fen) FROM payments x WHERE x.project_id = projects.id AND x.paid_on <= ${asOfPh}::date), 0)::bigint AS "paidFen"
    FROM projects ${where}) e`;
}

export async function getExecution(q: Queryable, f: c.GetExecutionQuery): Promise<c.Execution> {
  const rows = await q.query<Omit<c.Execution, 'asOf'>>(executionSql('$2', 'WHERE id = $1'), [f.projectId, f.asOf]);
  if (!rows.rows[0]) throw new FinanceNotFoundError(`project ${f.projectId} not found`, 'projectId');
  return { ...rows.rows[0], asOf: f.asOf };
}

export async function listExecution(q: Queryable, f: c.ListExecutionQuery): Promise<Page<c.Execution>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = projectFilter(f);
  const asOf = w.p(f.asOf);
  const rate = f.maxRateBp === undefined ? '' : `WHERE "executionRateBp" <= ${w.p(f.maxRateBp)}`;
  const sql = `SELECT * FROM (${executionSql(asOf, w.sql)}) r ${rate} ORDER BY "projectId" LIMIT ${limit + 1}`;
  return keysetPage<Omit<c.Execution, 'asOf'>, c.Execution>(q, sql, w.params, limit, (r) => r.projectId, (r) => ({ ...r, asOf: f.asOf }));
}

export const RECOMMENDATION_COLS = `project_id AS "projectId", dept_id AS "deptId", year, base_fen AS "baseFen",
  recommended_fen AS "recommendedFen", recommended_fen - base_fen AS "changeFen", grade, reason, ${isoTs('at')} AS at`;

export async function listRecommendations(q: Queryable, f: c.ListRecommendationsQuery): Promise<Page<c.Recommendation>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where()
    .eq(f.year, (p) => `year = ${p}`)
    .eq(f.deptId, (p) => `dept_id = ${p}`)
    .eq(decodeCursor(f.cursor), (p) => `project_id > ${p}`);
  const sql = `SELECT ${RECOMMENDATION_COLS} FROM recommendations ${w.sql} ORDER BY project_id LIMIT ${limit + 1}`;
  return keysetPage<c.Recommendation, c.Recommendation>(q, sql, w.params, limit, (r) => r.projectId, (r) => r);
}

export async function listLedger(q: Queryable, f: c.ListLedgerQuery): Promise<Page<c.LedgerEntry>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(f.cursor);
  if (after !== undefined && !/^\d+$/.test(after)) throw new FinanceValidationError('cursor: not a ledger cursor', 'cursor');
  const w = new Where()
    .eq(f.projectId, (p) => `project_id = ${p}`)
    .eq(f.op, (p) => `op = ${p}`)
    .eq(f.idempotencyKey, (p) => `idem_key = ${p}`)
    .eq(after === undefined ? undefined : Number(after), (p) => `seq > ${p}`);
  const sql = `SELECT seq, op, project_id AS "projectId", amount_fen AS "amountFen", idem_key AS "idempotencyKey", detail,
    ${isoTs('at')} AS at FROM ledger ${w.sql} ORDER BY seq LIMIT ${limit + 1}`;
  return keysetPage<c.LedgerEntry, c.LedgerEntry>(q, sql, w.params, limit, (r) => r.seq, (r) => r);
}
