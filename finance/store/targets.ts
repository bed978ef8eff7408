// Versioned performance targets (绩效目标调整, 002): an approved adjustment is a new version of a
// project's targets, never an overwrite; the highest version is current, every older one stays
// readable with who revised it, why and from where. Idempotent like every mutation (one version and
// one ledger row per key).
import type { Db, Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { FinanceBusinessError, FinanceNotFoundError } from '../errors';
import { idempotent, ledger, type Applied } from './idempotency';
import { DEFAULT_LIMIT, Where, decodeCursor, isoTs, keysetPage } from './sql';

const COLS = `project_id AS "projectId", year, version, indicators, reason, source, revised_by AS "by", ref, ${isoTs('at')} AS at`;

/** A new version of the project's targets (version = current + 1). */
export function reviseTargets(db: Db, r: c.ReviseTargetsRequest): Promise<Applied<c.ReviseTargetsResult>> {
  return idempotent(db, 'targets', r, async (q) => {
    const p = (await q.query<{ dept_id: string; year: number }>('SELECT dept_id, year FROM projects WHERE id = $1 FOR UPDATE', [r.projectId])).rows[0];
    if (!p) throw new FinanceNotFoundError(`project ${r.projectId} not found`, 'projectId');
    if (p.year !== r.year) throw new FinanceBusinessError('OUTSIDE_BUDGET_YEAR', `${r.projectId} is a ${p.year} budget; cannot revise its ${r.year} targets`, 'year');
    const current = (await q.query<{ v: number | null }>('SELECT max(version) AS v FROM target_versions WHERE project_id = $1', [r.projectId])).rows[0]?.v ?? 0;
    const version = Number(current) + 1;
    const row = (
      await q.query<c.TargetVersion>(
        `INSERT INTO target_versions(project_id, version, year, dept_id, indicators, reason, source, revised_by, ref)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9) RETURNING ${COLS}`,
        [r.projectId, version, r.year, p.dept_id, JSON.stringify(r.indicators), r.reason, r.source, r.by, r.ref ?? null],
      )
    ).rows[0];
    const l = await ledger(q, { op: 'targets', projectId: r.projectId, amountFen: null, key: r.idempotencyKey, detail: { version, reason: r.reason, source: r.source, by: r.by, ...(r.ref ? { ref: r.ref } : {}) } });
    return { ...row, ledgerSeq: l.seq };
  });
}

const versionZero = (projectId: string, year: number): c.TargetVersion => ({ projectId, year, version: 0, indicators: [], reason: null, source: null, by: null, ref: null, at: null });

async function projectYear(q: Queryable, projectId: string): Promise<number> {
  const p = (await q.query<{ year: number }>('SELECT year FROM projects WHERE id = $1', [projectId])).rows[0];
  if (!p) throw new FinanceNotFoundError(`project ${projectId} not found`, 'projectId');
  return p.year;
}

/** The current version (or the one asked for); version 0 when nothing was revised. */
export async function getTargets(q: Queryable, f: c.GetTargetsQuery): Promise<c.TargetVersion> {
  const year = await projectYear(q, f.projectId);
  const row =
    f.version === undefined
      ? (await q.query<c.TargetVersion>(`SELECT ${COLS} FROM target_versions WHERE project_id = $1 ORDER BY version DESC LIMIT 1`, [f.projectId])).rows[0]
      : (await q.query<c.TargetVersion>(`SELECT ${COLS} FROM target_versions WHERE project_id = $1 AND version = $2`, [f.projectId, f.version])).rows[0];
  if (row) return row;
  if (f.version === undefined || f.version === 0) return versionZero(f.projectId, year);
  throw new FinanceNotFoundError(`project ${f.projectId} has no targets version ${f.version}`, 'version');
}

export async function listTargetVersions(q: Queryable, f: c.ListTargetVersionsQuery): Promise<{ items: c.TargetVersion[] }> {
  await projectYear(q, f.projectId);
  return { items: (await q.query<c.TargetVersion>(`SELECT ${COLS} FROM target_versions WHERE project_id = $1 ORDER BY version`, [f.projectId])).rows };
}

/** The current version of each revised project of a year (in the id range asked for), by project id. */
export async function listTargets(q: Queryable, f: c.ListTargetsQuery): Promise<{ items: c.TargetVersion[]; nextCursor: string | null }> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where()
    .eq(f.year, (p) => `year = ${p}`)
    .eq(f.deptId, (p) => `dept_id = ${p}`)
    .eq(f.fromId, (p) => `project_id >= ${p}`)
    .eq(f.toId, (p) => `project_id <= ${p}`)
    .eq(decodeCursor(f.cursor), (p) => `project_id > ${p}`);
  const sql = `SELECT DISTINCT ON (project_id) ${COLS} FROM target_versions ${w.sql} ORDER BY project_id, version DESC LIMIT ${limit + 1}`;
  return keysetPage<c.TargetVersion, c.TargetVersion>(q, sql, w.params, limit, (r) => r.projectId, (r) => r);
}
