// Small helpers for hand-written SQL: numbered parameters, keyset cursors, ISO text for dates.
import type { Queryable } from '../../db/index';
import { FinanceValidationError } from '../errors';

/** Collects parameters and AND-conditions; `p(v)` returns the placeholder for v. */
export class Where {
  readonly params: unknown[] = [];
  private readonly conds: string[] = [];
  p(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
  /** Adds `cond(placeholder)` when v is given. */
  eq(v: unknown, cond: (ph: string) => string): this {
    if (v !== undefined && v !== null) this.conds.push(cond(this.p(v)));
    return this;
  }
  get sql(): string {
    return this.conds.length ? `WHERE ${this.conds.join(' AND ')}` : '';
  }
}

export const DEFAULT_LIMIT = 100;

/** Cursors are opaque to callers: base64url of the last key of the page. */
export function encodeCursor(lastKey: string | number): string {
  return Buffer.from(String(lastKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encodeCursor(key) !== cursor) throw new FinanceValidationError('cursor: not a cursor this service returned', 'cursor');
  return key;
}

/** Runs a keyset page query that fetched limit+1 rows; returns the page and the next cursor. */
export async function keysetPage<R, T>(
  q: Queryable,
  sql: string,
  params: unknown[],
  limit: number,
  key: (r: R) => string | number,
  map: (r: R) => T,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const rows = (await q.query<R>(sql, params)).rows;
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { items: page.map(map), nextCursor: more ? encodeCursor(key(page[page.length - 1])) : null };
}

/** timestamptz as ISO 8601 UTC text, the same from PGlite and PostgreSQL. */
export const isoTs = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const isoDate = (col: string): string => `to_char(${col}, 'YYYY-MM-DD')`;
