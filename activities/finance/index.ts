// Activities that call the finance system (预算管理一体化系统) through a FinanceClient.
// - Mutations take a `step` name; the idempotency key is `<workflowId>/<step>`, so a retried attempt,
//   a replay or a reset of the same workflow never doubles a suspension or a reclaim.
// - Errors a retry cannot fix become non-retryable ApplicationFailures typed by business rule
//   (ALREADY_RECLAIMED, PROJECT_SUSPENDED, …) or FINANCE_<code>; faults stay retryable (FINANCE_UNAVAILABLE).
// - Whole-province reads are pages (≤ 500 rows) or a heartbeating scan that returns a bounded result.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type * as c from '../../contracts/finance/finance.zod';
import { FinanceError } from '../../finance/errors';

/** A mutation request as a workflow passes it: a step name instead of an idempotency key. */
export type Step<R> = Omit<R, 'idempotencyKey'> & { step: string };

/** A laggard as a scan returns it: small, so a thousand fit comfortably in one activity result. */
export interface ExecutionBrief {
  projectId: string;
  unitId: string;
  availableFen: number;
  paidFen: number;
  executionRateBp: number;
}

export interface ScanExecutionInput extends Omit<c.ListExecutionQuery, 'cursor' | 'limit'> {
  /** Resume after this cursor (from a previous result's nextCursor). */
  cursor?: string;
  pageSize?: number;
  /** Stop and return nextCursor once this many items are collected. */
  maxItems?: number;
}

export interface ScanExecutionResult {
  items: ExecutionBrief[];
  pages: number;
  /** Null when the scan reached the end. */
  nextCursor: string | null;
}

const MAX_PAGE = 500;
const pageLimit = (limit?: number) => Math.min(limit ?? 100, MAX_PAGE);

/** `<workflowId>/<step>`; hashed when it would exceed the contract's key length. */
export function idempotencyKey(workflowId: string, step: string): string {
  if (!step) throw ApplicationFailure.nonRetryable('a finance mutation needs a step name', 'FINANCE_VALIDATION');
  const key = `${workflowId}/${step}`;
  return key.length <= 500 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function toFailure(e: unknown): unknown {
  if (!(e instanceof FinanceError)) return e;
  return ApplicationFailure.create({
    message: e.message,
    type: e.failureType,
    nonRetryable: !e.retryable,
    details: [{ code: e.code, rule: e.extra.rule ?? null, field: e.extra.field ?? null }],
  });
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toFailure(e);
  }
}

export function createFinanceActivities(client: c.FinanceClient) {
  const keyed = <R extends { step: string }>(r: R) => {
    const { step, ...rest } = r;
    const workflowId = Context.current().info.workflowExecution?.workflowId;
    if (!workflowId) throw ApplicationFailure.nonRetryable('finance mutations run in a workflow: the key derives from its id', 'FINANCE_VALIDATION');
    return { ...rest, idempotencyKey: idempotencyKey(workflowId, step) };
  };

  return {
    financeGetProject: (q: c.GetProjectQuery) => guarded(() => client.getProject(q)),
    financeGetExecution: (q: c.GetExecutionQuery) => guarded(() => client.getExecution(q)),
    financeListProjects: (q: c.ListProjectsQuery) => guarded(() => client.listProjects({ ...q, limit: pageLimit(q.limit) })),
    financeListExecution: (q: c.ListExecutionQuery) => guarded(() => client.listExecution({ ...q, limit: pageLimit(q.limit) })),
    financeListIndicators: (q: c.ListIndicatorsQuery) => guarded(() => client.listIndicators({ ...q, limit: pageLimit(q.limit) })),
    financeListLedger: (q: c.ListLedgerQuery) => guarded(() => client.listLedger({ ...q, limit: pageLimit(q.limit) })),
    /** A project's current targets (or a version): what monitoring rounds and the evaluation read. */
    financeGetTargets: (q: c.GetTargetsQuery) => guarded(() => client.getTargets(q)),
    financeListTargetVersions: (q: c.ListTargetVersionsQuery) => guarded(() => client.listTargetVersions(q)),

    /**
     * Pages through execution (e.g. a round's laggards with maxRateBp), heartbeating the cursor after
     * every page; a retried attempt resumes from the last heartbeat instead of starting over.
     */
    async financeScanExecution(input: ScanExecutionInput): Promise<ScanExecutionResult> {
      const ctx = Context.current();
      const { cursor: start, pageSize, maxItems: max = 1000, ...query } = input;
      const maxItems = Math.max(1, max);
      const resumed = ctx.info.heartbeatDetails as { cursor: string | null; items: ExecutionBrief[]; pages: number } | undefined;
      const state = resumed ?? { cursor: start ?? null, items: [], pages: 0 };
      do {
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        const page = await guarded(() =>
          client.listExecution({ ...query, cursor: state.cursor ?? undefined, limit: Math.min(pageSize ?? MAX_PAGE, MAX_PAGE, maxItems - state.items.length) }),
        );
        state.items.push(...page.items.map(({ projectId, unitId, availableFen, paidFen, executionRateBp }) => ({ projectId, unitId, availableFen, paidFen, executionRateBp })));
        state.cursor = page.nextCursor;
        state.pages++;
        ctx.heartbeat(state);
      } while (state.cursor && state.items.length < maxItems);
      return { items: state.items, pages: state.pages, nextCursor: state.cursor };
    },

    financeSuspendPayments: (r: Step<c.SuspendRequest>) => guarded(() => client.suspendPayments(keyed(r))),
    financeResumePayments: (r: Step<c.ResumeRequest>) => guarded(() => client.resumePayments(keyed(r))),
    financeReclaimFunds: (r: Step<c.ReclaimRequest>) => guarded(() => client.reclaimFunds(keyed(r))),
    financeAdjustBudget: (r: Step<c.AdjustRequest>) => guarded(() => client.adjustBudget(keyed(r))),
    financeRecordPayment: (r: Step<c.PaymentRequest>) => guarded(() => client.recordPayment(keyed(r))),
    financeAddToProjectLibrary: (r: Step<c.LibraryRequest>) => guarded(() => client.addToProjectLibrary(keyed(r))),
    financeRecommendNextYearBudget: (r: Step<c.RecommendRequest>) => guarded(() => client.recommendNextYearBudget(keyed(r))),
    /**
     * A new version of a project's targets (an approved target adjustment: monitoring's form, the
     * warning's adjust outcome); key <workflowId>/<step>, so a retry never makes a second version.
     */
    financeReviseTargets: (r: Step<c.ReviseTargetsRequest>) => guarded(() => client.reviseTargets(keyed(r))),
  };
}

export type FinanceActivities = ReturnType<typeof createFinanceActivities>;
