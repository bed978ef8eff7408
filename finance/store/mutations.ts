// Write side: each mutation locks its project row, checks the finance system's rules, changes the
// state and appends one ledger row, all inside the idempotent transaction.
import type { Db, Queryable } from '../../db/index';
import type * as c from '../../contracts/finance/finance.zod';
import { FinanceBusinessError, FinanceNotFoundError } from '../errors';
import { idempotent, ledger, type Applied } from './idempotency';
import { RECOMMENDATION_COLS } from './reads';

interface Locked {
  id: string;
  dept_id: string;
  unit_id: string;
  year: number;
  status: c.Project['status'];
  budget: number;
  reclaimed: number;
  paid: number;
}

async function lockProject(q: Queryable, projectId: string): Promise<Locked & { available: number; unspent: number }> {
  const p = (
    await q.query<Locked>(
      `SELECT id, dept_id, unit_id, year, status, original_fen + adjusted_fen AS budget, reclaimed_fen AS reclaimed, paid_fen AS paid
       FROM projects WHERE id = $1 FOR UPDATE`,
      [projectId],
    )
  ).rows[0];
  if (!p) throw new FinanceNotFoundError(`project ${projectId} not found`, 'projectId');
  const available = p.budget - p.reclaimed;
  return { ...p, available, unspent: available - p.paid };
}

const refOf = (r: { reason: string; ref?: string }) => ({ reason: r.reason, ...(r.ref ? { ref: r.ref } : {}) });

async function setStatus(db: Db, r: c.SuspendRequest, to: c.Project['status']): Promise<Applied<c.StatusResult>> {
  const op = to === 'suspended' ? 'suspend' : 'resume';
  return idempotent(db, op, r, async (q) => {
    const p = await lockProject(q, r.projectId);
    if (p.status === to) {
      throw to === 'suspended'
        ? new FinanceBusinessError('ALREADY_SUSPENDED', `payments of ${r.projectId} are already suspended`, 'projectId')
        : new FinanceBusinessError('NOT_SUSPENDED', `payments of ${r.projectId} are not suspended`, 'projectId');
    }
    await q.query('UPDATE projects SET status = $2 WHERE id = $1', [r.projectId, to]);
    const l = await ledger(q, { op, projectId: r.projectId, amountFen: null, key: r.idempotencyKey, detail: refOf(r) });
    return { projectId: r.projectId, status: to, ledgerSeq: l.seq, at: l.at };
  });
}

export const suspendPayments = (db: Db, r: c.SuspendRequest) => setStatus(db, r, 'suspended');
export const resumePayments = (db: Db, r: c.ResumeRequest) => setStatus(db, r, 'active');

/** Reclaimed funds leave the available budget; only what is not yet paid can be reclaimed. */
export function reclaimFunds(db: Db, r: c.ReclaimRequest): Promise<Applied<c.ReclaimResult>> {
  return idempotent(db, 'reclaim', r, async (q) => {
    const p = await lockProject(q, r.projectId);
    if (p.unspent === 0 && p.reclaimed > 0) {
      throw new FinanceBusinessError('ALREADY_RECLAIMED', `the unspent funds of ${r.projectId} were already reclaimed`, 'projectId');
    }
    const amount = r.amountFen ?? p.unspent;
    if (amount === 0 || amount > p.unspent) {
      throw new FinanceBusinessError('INSUFFICIENT_BALANCE', `${r.projectId} has ${p.unspent} fen unspent, cannot reclaim ${amount}`, 'amountFen');
    }
    await q.query('UPDATE projects SET reclaimed_fen = reclaimed_fen + $2 WHERE id = $1', [r.projectId, amount]);
    const l = await ledger(q, { op: 'reclaim', projectId: r.projectId, amountFen: amount, key: r.idempotencyKey, detail: refOf(r) });
    return { projectId: r.projectId, reclaimedFen: amount, totalReclaimedFen: p.reclaimed + amount, availableFen: p.available - amount, ledgerSeq: l.seq, at: l.at };
  });
}

/** A cut may not take the budget below what is already paid (or below zero). */
export function adjustBudget(db: Db, r: c.AdjustRequest): Promise<Applied<c.AdjustResult>> {
  return idempotent(db, 'adjust', r, async (q) => {
    const p = await lockProject(q, r.projectId);
    if (p.available + r.deltaFen < p.paid || p.budget + r.deltaFen < 0) {
      throw new FinanceBusinessError('INSUFFICIENT_BALANCE', `${r.projectId} has ${p.unspent} fen unspent, cannot cut ${-r.deltaFen}`, 'deltaFen');
    }
    await q.query('UPDATE projects SET adjusted_fen = adjusted_fen + $2 WHERE id = $1', [r.projectId, r.deltaFen]);
    const l = await ledger(q, { op: 'adjust', projectId: r.projectId, amountFen: r.deltaFen, key: r.idempotencyKey, detail: refOf(r) });
    return { projectId: r.projectId, deltaFen: r.deltaFen, budgetFen: p.budget + r.deltaFen, availableFen: p.available + r.deltaFen, ledgerSeq: l.seq, at: l.at };
  });
}

/** Suspended projects reject new payments (a warning stops budget execution). */
export function recordPayment(db: Db, r: c.PaymentRequest): Promise<Applied<c.PaymentResult>> {
  return idempotent(db, 'payment', r, async (q) => {
    const p = await lockProject(q, r.projectId);
    if (p.status === 'suspended') throw new FinanceBusinessError('PROJECT_SUSPENDED', `payments of ${r.projectId} are suspended`, 'projectId');
    if (Number(r.paidOn.slice(0, 4)) !== p.year) {
      throw new FinanceBusinessError('OUTSIDE_BUDGET_YEAR', `${r.projectId} is a ${p.year} budget; cannot pay on ${r.paidOn}`, 'paidOn');
    }
    if (r.amountFen > p.unspent) {
      throw new FinanceBusinessError('INSUFFICIENT_BALANCE', `${r.projectId} has ${p.unspent} fen unspent, cannot pay ${r.amountFen}`, 'amountFen');
    }
    const pay = await q.query<{ id: number }>(
      'INSERT INTO payments(project_id, paid_on, amount_fen, line_no) VALUES ($1, $2, $3, $4) RETURNING id',
      [r.projectId, r.paidOn, r.amountFen, r.lineNo ?? null],
    );
    await q.query('UPDATE projects SET paid_fen = paid_fen + $2 WHERE id = $1', [r.projectId, r.amountFen]);
    const paymentId = pay.rows[0].id;
    const l = await ledger(q, { op: 'payment', projectId: r.projectId, amountFen: r.amountFen, key: r.idempotencyKey, detail: { paymentId, paidOn: r.paidOn } });
    return { paymentId, projectId: r.projectId, amountFen: r.amountFen, paidOn: r.paidOn, totalPaidFen: p.paid + r.amountFen, ledgerSeq: l.seq };
  });
}

/** One recommendation per project and next year; a later one replaces it (the ledger keeps both). */
export function recommendNextYearBudget(db: Db, r: c.RecommendRequest): Promise<Applied<c.RecommendResult>> {
  return idempotent(db, 'recommend', r, async (q) => {
    const p = await lockProject(q, r.projectId);
    const l = await ledger(q, {
      op: 'recommend',
      projectId: r.projectId,
      amountFen: r.recommendedFen,
      key: r.idempotencyKey,
      detail: { ...refOf(r), year: p.year + 1, grade: r.grade ?? null },
    });
    const rec = await q.query<c.Recommendation>(
      `INSERT INTO recommendations(project_id, year, dept_id, base_fen, recommended_fen, grade, reason, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz)
       ON CONFLICT (project_id, year) DO UPDATE SET base_fen = excluded.base_fen, recommended_fen = excluded.recommended_fen,
         grade = excluded.grade, reason = excluded.reason, at = excluded.at
       RETURNING ${RECOMMENDATION_COLS}`,
      [r.projectId, p.year + 1, p.dept_id, p.available, r.recommendedFen, r.grade ?? null, r.reason, l.at],
    );
    return { ...rec.rows[0], ledgerSeq: l.seq };
  });
}
