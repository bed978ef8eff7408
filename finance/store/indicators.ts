// The indicator library kept by finance (指标库维护, 000/003/004: common and industry indicators, core
// ones): an indicator is added, revised into a new version (the old one stays readable, so an
// application that used it can still be read) or retired (no longer listed for new applications,
// still readable by its code); every change is recorded with who, when, what (before and after) and
// why. Idempotent like every mutation (one change per key).
import type { Db, Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { AddIndicatorRequest, ReviseIndicatorRequest, RetireIndicatorRequest } from '../../contracts/finance/finance.zod';
import { FinanceBusinessError, FinanceNotFoundError } from '../errors';
import { idempotent, type Applied } from './idempotency';
import { isoTs } from './sql';

const COLS = `code, industry, level1, level2, name, unit, direction, is_core AS "isCore", version, status`;

async function current(q: Queryable, code: string, lock = false): Promise<c.Indicator | undefined> {
  return (await q.query<c.Indicator>(`SELECT ${COLS} FROM indicators WHERE code = $1${lock ? ' FOR UPDATE' : ''}`, [code])).rows[0];
}

/** Keeps the version as it is before it changes (the catalogue's first versions have no row yet). */
async function keep(q: Queryable, i: c.Indicator): Promise<void> {
  await q.query('INSERT INTO indicator_versions(code, version, indicator) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING', [i.code, i.version, JSON.stringify(i)]);
}

async function record(q: Queryable, action: c.IndicatorChange['action'], r: { by: string; reason: string }, before: c.Indicator | null, after: c.Indicator): Promise<void> {
  await keep(q, after);
  await q.query('INSERT INTO indicator_changes(code, version, action, changed_by, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)', [
    after.code,
    after.version,
    action,
    r.by,
    r.reason,
    before ? JSON.stringify(before) : null,
    JSON.stringify(after),
  ]);
}

export function addIndicator(db: Db, raw: c.AddIndicatorRequest): Promise<Applied<c.Indicator>> {
  const r = AddIndicatorRequest.parse(raw);
  return idempotent(db, 'indicator', raw, async (q) => {
    if (!(await q.query('SELECT 1 FROM industries WHERE code = $1', [r.industry])).rows[0]) throw new FinanceNotFoundError(`industry ${r.industry} not found`, 'industry');
    const prior = await current(q, r.code);
    if (prior) throw new FinanceBusinessError('INDICATOR_EXISTS', `${r.code} is already in the indicator library (version ${prior.version}, ${prior.status}); revise it instead`, 'code');
    const added = (
      await q.query<c.Indicator>(
        `INSERT INTO indicators(code, industry, level1, level2, name, unit, direction, is_core, version, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 'active') RETURNING ${COLS}`,
        [r.code, r.industry, r.level1, r.level2, r.name, r.unit, r.direction, r.isCore],
      )
    ).rows[0];
    await record(q, 'added', r, null, added);
    return added;
  });
}

export function reviseIndicator(db: Db, raw: c.ReviseIndicatorRequest): Promise<Applied<c.Indicator>> {
  const r = ReviseIndicatorRequest.parse(raw);
  return idempotent(db, 'indicator', raw, async (q) => {
    const before = await current(q, r.code, true);
    if (!before) throw new FinanceNotFoundError(`indicator ${r.code} not found`, 'code');
    if (before.status === 'retired') throw new FinanceBusinessError('INDICATOR_RETIRED', `${r.code} is retired; add a new indicator instead`, 'code');
    await keep(q, before);
    const after = (
      await q.query<c.Indicator>(
        `UPDATE indicators SET level2 = $2, name = $3, unit = $4, direction = $5, is_core = $6, version = version + 1 WHERE code = $1 RETURNING ${COLS}`,
        [r.code, r.level2 ?? before.level2, r.name ?? before.name, r.unit ?? before.unit, r.direction ?? before.direction, r.isCore ?? before.isCore],
      )
    ).rows[0];
    await record(q, 'revised', r, before, after);
    return after;
  });
}

export function retireIndicator(db: Db, raw: c.RetireIndicatorRequest): Promise<Applied<c.Indicator>> {
  const r = RetireIndicatorRequest.parse(raw);
  return idempotent(db, 'indicator', raw, async (q) => {
    const before = await current(q, r.code, true);
    if (!before) throw new FinanceNotFoundError(`indicator ${r.code} not found`, 'code');
    if (before.status === 'retired') throw new FinanceBusinessError('INDICATOR_RETIRED', `${r.code} is already retired`, 'code');
    await keep(q, before);
    // a retirement is no new version of the content: the same version, no longer in force
    const after = (await q.query<c.Indicator>(`UPDATE indicators SET status = 'retired' WHERE code = $1 RETURNING ${COLS}`, [r.code])).rows[0];
    await q.query(`UPDATE indicator_versions SET indicator = $3::jsonb WHERE code = $1 AND version = $2`, [r.code, after.version, JSON.stringify(after)]);
    await record(q, 'retired', r, before, after);
    return after;
  });
}

/** The indicator at its current version, or the version asked for; retired ones too. */
export async function getIndicator(q: Queryable, f: c.GetIndicatorQuery): Promise<c.Indicator> {
  const now = await current(q, f.code);
  if (!now) throw new FinanceNotFoundError(`indicator ${f.code} not found`, 'code');
  if (f.version === undefined || f.version === now.version) return now;
  const old = (await q.query<{ indicator: c.Indicator }>('SELECT indicator FROM indicator_versions WHERE code = $1 AND version = $2', [f.code, f.version])).rows[0];
  if (!old) throw new FinanceNotFoundError(`indicator ${f.code} has no version ${f.version}`, 'version');
  return old.indicator;
}

export async function listIndicatorChanges(q: Queryable, f: c.ListIndicatorChangesQuery): Promise<{ items: c.IndicatorChange[] }> {
  if (!(await current(q, f.code))) throw new FinanceNotFoundError(`indicator ${f.code} not found`, 'code');
  const { rows } = await q.query<c.IndicatorChange>(
    `SELECT seq::int AS seq, code, version, action, changed_by AS "by", reason, before, after, ${isoTs('at')} AS at FROM indicator_changes WHERE code = $1 ORDER BY seq`,
    [f.code],
  );
  return { items: rows };
}
