// The project library (项目库): entry of a project whose pre-assessment passed (000: 评估不通过就不能
// 入库), at the approved amount, with its approved targets and, for a reduced approval, the cut's
// reason (when given); idempotent like every mutation (one entry per application, one ledger row).
import type { Db, Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { LibraryRequest } from '../../contracts/finance/finance.zod';
import { FinanceBusinessError, FinanceNotFoundError, FinanceValidationError } from '../errors';
import { idempotent, ledger, type Applied } from './idempotency';
import { decodeCursor, DEFAULT_LIMIT, isoTs, keysetPage, Where } from './sql';

type Page<T> = { items: T[]; nextCursor: string | null };

export const LIBRARY_COLS = `id, application_id AS "applicationId", dept_id AS "deptId", unit_id AS "unitId", year, name, industry, kind,
  is_new AS "isNew", requested_fen AS "requestedFen", approved_fen AS "approvedFen", pre_assessment AS "preAssessment",
  core_indicators AS "coreIndicators", targets, cut, ${isoTs('added_at')} AS "addedAt"`;

/** Entry to the project library: a passed pre-assessment, core indicators known to the indicator library, the amount within the request. */
export function addToProjectLibrary(db: Db, raw: c.LibraryRequest): Promise<Applied<c.LibraryResult>> {
  const r = LibraryRequest.parse(raw);
  return idempotent(db, 'library', raw, async (q) => {
    const unit = (await q.query<{ dept_id: string }>('SELECT dept_id FROM units WHERE id = $1', [r.unitId])).rows[0];
    if (!unit) throw new FinanceNotFoundError(`unit ${r.unitId} not found`, 'unitId');
    if (unit.dept_id !== r.deptId) throw new FinanceBusinessError('UNIT_NOT_IN_DEPARTMENT', `unit ${r.unitId} is not in ${r.deptId}`, 'unitId');
    if (r.preAssessment.conclusion === 'fail') {
      throw new FinanceBusinessError('PRE_ASSESSMENT_FAILED', 'a project that failed pre-assessment cannot enter the library', 'preAssessment.conclusion');
    }
    if (r.approvedFen > r.requestedFen) throw new FinanceValidationError('approvedFen: more than requested', 'approvedFen');
    if (r.preAssessment.conclusion === 'pass_reduced' && !(r.approvedFen > 0 && r.approvedFen < r.requestedFen)) {
      throw new FinanceValidationError('approvedFen: a reduced approval is more than 0 and less than the request', 'approvedFen');
    }
    const known = await q.query<{ code: string }>('SELECT code FROM indicators WHERE code = ANY($1::text[])', [r.coreIndicators]);
    const missing = r.coreIndicators.filter((code) => !known.rows.some((k) => k.code === code));
    if (missing.length) throw new FinanceBusinessError('UNKNOWN_INDICATOR', `not in the indicator library: ${missing.join(', ')}`, 'coreIndicators');
    const industry = (await q.query('SELECT 1 FROM industries WHERE code = $1', [r.industry])).rows[0];
    if (!industry) throw new FinanceNotFoundError(`industry ${r.industry} not found`, 'industry');
    const inserted = await q.query<c.LibraryEntry>(
      `INSERT INTO library(id, application_id, dept_id, unit_id, year, name, industry, kind, is_new, requested_fen, approved_fen, pre_assessment, core_indicators, targets, cut)
       VALUES ('L' || $4::int || '-' || lpad(nextval('library_seq')::text, 6, '0'), $1, $2, $3, $4::int, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::jsonb, $14::jsonb)
       ON CONFLICT (application_id) DO NOTHING RETURNING ${LIBRARY_COLS}`,
      [r.applicationId, r.deptId, r.unitId, r.year, r.name, r.industry, r.kind, r.isNew, r.requestedFen, r.approvedFen,
        JSON.stringify(r.preAssessment), JSON.stringify(r.coreIndicators), JSON.stringify(r.targets), r.cut ? JSON.stringify(r.cut) : null],
    );
    const entry = inserted.rows[0];
    if (!entry) throw new FinanceBusinessError('ALREADY_IN_LIBRARY', `application ${r.applicationId} is already in the project library`, 'applicationId');
    const l = await ledger(q, { op: 'library', projectId: null, amountFen: r.approvedFen, key: r.idempotencyKey, detail: { libraryId: entry.id, applicationId: r.applicationId, cut: r.cut ?? null } });
    return { ...entry, ledgerSeq: l.seq };
  });
}

export async function listLibrary(q: Queryable, f: c.ListLibraryQuery): Promise<Page<c.LibraryEntry>> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  const w = new Where()
    .eq(f.deptId, (p) => `dept_id = ${p}`)
    .eq(f.year, (p) => `year = ${p}`)
    .eq(decodeCursor(f.cursor), (p) => `id > ${p}`);
  const sql = `SELECT ${LIBRARY_COLS} FROM library ${w.sql} ORDER BY id LIMIT ${limit + 1}`;
  return keysetPage<c.LibraryEntry, c.LibraryEntry>(q, sql, w.params, limit, (r) => r.id, (r) => r);
}
