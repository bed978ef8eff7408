// The queued decisions' figures (api/inbox/queued.ts): a queued move is answered 202 once it is in
// the database; it is applied when the dispatcher's Update for its execution is answered and the
// answer's inbox rows are written (task_decisions.settled_at). Both are measured: the acceptance
// client-side, from the first try; the application from the database's own clock (created_at →
// settled_at, the same server), and per Update (decisions sharing a batch_id left in one Update).
import type { Db } from '../db';

const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export interface AppliedFigures {
  decisions: number;
  applied: number;
  refused: number;
  /** created_at → settled_at. */
  appliedP50Ms: number;
  appliedP99Ms: number;
  /** decisions ÷ (last settled − first accepted). */
  appliedPerSecond: number;
  /** decisions per Update (per batch). */
  perUpdate: number;
}

/** Waits until every decision is applied or refused (or the timeout), then reads the figures. */
export async function appliedFigures(db: Db, ids: string[], { signal, timeoutMs = 600_000 }: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<AppliedFigures & { firstRefusals: string[] }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM task_decisions WHERE id = ANY($1::text[]) AND status = 'queued'`, [ids]);
    if (rows[0].n === 0) break;
    if (Date.now() > end) throw new Error(`${rows[0].n} of ${ids.length} queued decisions still queued after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { rows } = await db.query<{ status: string; ms: number; batch_id: string | null; created: number; settled: number; error: { message?: string } | null }>(
    `SELECT status, extract(epoch FROM settled_at - created_at) * 1000 AS ms, batch_id, extract(epoch FROM created_at) * 1000 AS created, extract(epoch FROM settled_at) * 1000 AS settled, error
     FROM task_decisions WHERE id = ANY($1::text[])`,
    [ids],
  );
  const ms = rows.map((r) => Number(r.ms));
  const first = Math.min(...rows.map((r) => Number(r.created)));
  const last = Math.max(...rows.map((r) => Number(r.settled)));
  const batches = new Set(rows.map((r) => r.batch_id)).size;
  return {
    decisions: rows.length,
    applied: rows.filter((r) => r.status === 'applied').length,
    refused: rows.filter((r) => r.status === 'refused').length,
    appliedP50Ms: pct(ms, 50),
    appliedP99Ms: pct(ms, 99),
    appliedPerSecond: rows.length / ((last - first) / 1000),
    perUpdate: rows.length / Math.max(1, batches),
    firstRefusals: rows.filter((r) => r.status === 'refused').slice(0, 5).map((r) => r.error?.message ?? '?'),
  };
}

/** The decision id of a 202 answer. */
export const decisionIdOf = (body: string): string => (JSON.parse(body) as { decisionId: string }).decisionId;
