// Exactly-once mutations. The key is claimed first inside the transaction, so a concurrent duplicate
// waits on the unique index and then sees the stored result; a rejected mutation rolls the claim back
// and leaves no trace (a retry is judged afresh).
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../db/index';
import type { LedgerOp } from '../../contracts/finance/finance.zod';
import { FinanceConflictError } from '../errors';

export interface Applied<T> {
  result: T;
  /** True when the result is the stored answer to an earlier identical request. */
  replayed: boolean;
}

export async function idempotent<T>(
  db: Db,
  op: LedgerOp,
  req: { idempotencyKey: string },
  apply: (q: Queryable) => Promise<T>,
): Promise<Applied<T>> {
  const { idempotencyKey: key, ...body } = req;
  const hash = createHash('sha256').update(`${op}\n${canonicalJson(body)}`).digest('hex');
  return db.tx(async (q) => {
    const claimed = await q.query(
      'INSERT INTO idempotency(key, op, request_hash) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key',
      [key, op, hash],
    );
    if (claimed.rows.length === 0) {
      const prev = (await q.query<{ request_hash: string; response: T }>('SELECT request_hash, response FROM idempotency WHERE key = $1', [key])).rows[0];
      if (prev.request_hash !== hash) {
        throw new FinanceConflictError(`idempotency key ${key} was already used with a different request`);
      }
      return { result: prev.response, replayed: true };
    }
    const result = await apply(q);
    await q.query('UPDATE idempotency SET response = $2::json WHERE key = $1', [key, JSON.stringify(result)]);
    return { result, replayed: false };
  });
}

/** JSON with object keys sorted, so equal requests hash equally whatever the field order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Appends the ledger row of an applied mutation. */
export async function ledger(
  q: Queryable,
  e: { op: LedgerOp; projectId: string | null; amountFen: number | null; key: string; detail: Record<string, unknown> },
): Promise<{ seq: number; at: string }> {
  const r = await q.query<{ seq: number; at: string }>(
    `INSERT INTO ledger(op, project_id, amount_fen, idem_key, detail) VALUES ($1, $2, $3, $4, $5::jsonb)
     RETURNING seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`,
    [e.op, e.projectId, e.amountFen, e.key, JSON.stringify(e.detail)],
  );
  return r.rows[0];
}
