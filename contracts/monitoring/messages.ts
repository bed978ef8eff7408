// What finance tells a running round beyond starting it, and what a round's parts tell each other
// beyond their done counts (names.ts): cancelling the round (作废本轮监控, an Update whose validator
// and the API's fast pre-check share one rule), a part told to stop confirming it has closed its
// forms, and a part that failed for good saying why before it fails. Zod-free: for workflow code and
// the API alike.
import { defineUpdate } from '@temporalio/workflow';
import type { RoundTotals } from './round.zod';

/** Finance's cancellation of a round, as the API sends it (who from the verified token). */
export interface CancelRoundRequest {
  by: string;
  byName: string;
  reason: string;
}

/** A round's cancellation as recorded: who, why and when (workflow time). */
export interface RoundCancellation {
  by: string;
  byName: string;
  reason: string;
  at: string;
}

export interface CancelRoundResult {
  round: string;
  stage: 'cancelled';
  cancelled: RoundCancellation;
  /** Departments of the round, and how many were still running and had to stop. */
  departments: number;
  stopped: number;
  totals: RoundTotals;
  /** Parts (workflow ids) that did not confirm within the round's bound (stopConfirmMs). */
  unconfirmed?: string[];
}

/** A department part that failed for good, as its round keeps it until finance re-runs the department. */
export interface DepartmentFailure {
  deptId: string;
  workflowId: string;
  reason: string;
  at: string;
  /** Its batches still running (with open forms): closed by the re-run or by a cancellation. */
  open: number[];
}

/** DEPARTMENT_FAILED_SIGNAL's payload. */
export interface PartFailed {
  deptId: string;
  workflowId: string;
  reason: string;
  open: number[];
}

/** BATCH_FAILED_SIGNAL's payload. */
export interface BatchFailed {
  batch: number;
  workflowId: string;
  reason: string;
  /** It ended on a Temporal cancellation request (its forms closed), not on an error. */
  cancelled?: boolean;
}

/** STOPPED_SIGNAL's payload: the part closed its open forms and ends with these counts. */
export interface PartStopped {
  workflowId: string;
  deptId?: string;
  batch?: number;
  totals: RoundTotals;
  /** A department's batches (workflow ids) that did not confirm within its bound: their forms may still be open. */
  unconfirmed?: string[];
}

/** The failure types of a refused cancellation (HTTP 409). */
export const ROUND_REFUSALS = {
  closed: 'RoundClosed',
  cancelled: 'RoundCancelled',
  cancelling: 'RoundCancelling',
  unsupported: 'RoundNotCancellable',
  invalid: 'InvalidInput',
} as const;

export type RoundStage = 'opening' | 'open' | 'closed' | 'cancelling' | 'cancelled';

/** Why a round in this stage cannot be cancelled (null: it can). The workflow's validator and the API's pre-check. */
export function cancelRefusal(stage: string, cancelled?: RoundCancellation | null): { type: string; message: string } | null {
  const who = cancelled ? ` by ${cancelled.byName || cancelled.by} at ${cancelled.at} (${cancelled.reason})` : '';
  if (stage === 'closed') return { type: ROUND_REFUSALS.closed, message: 'the round is closed: there is nothing left to cancel' };
  if (stage === 'cancelled') return { type: ROUND_REFUSALS.cancelled, message: `the round was already cancelled${who}` };
  if (stage === 'cancelling') return { type: ROUND_REFUSALS.cancelling, message: `the round is already being cancelled${who}` };
  return null;
}

/** Finance cancels the round: every department's part closes its open forms; the round records who, why, when and ends. */
export const cancelRoundUpdate = defineUpdate<CancelRoundResult, [CancelRoundRequest]>('monitoring.round.cancel');
