// Monitoring's activities: who is in a round (read page by page from the finance system: project
// expenditure only, 000: 本级预算项目(除基本支出外)), the round's results for the evaluation stage,
// the warnings a batch raises (started by the warning's contract), and, at worker start-up, the round
// Schedules of the region profile.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, NamespaceNotFoundError } from '@temporalio/common';
import { isGrpcServiceError } from '@temporalio/client';
import type { ActivityDeps } from '../index';
import type { ProjectResult, RoundProject } from '../../contracts/monitoring/round.zod';
import type { DepartmentFailure, RoundCancellation } from '../../contracts/monitoring/messages';
import { cutoffDate } from '../../contracts/monitoring/rules';
import { FinanceError } from '../../finance/errors';
import { syncSchedules } from './schedules';
import { upsertResults } from '../../db/monitoring/records';
import { multiOperationReason, raiseWarning, type WarningRaise } from '../warning/raise';

const MAX_PAGE = 500;
/** Warnings raised at once by one monitoringStartWarnings (a batch's few dozen; each waits for its warning's first workflow task). */
const WARNING_STARTS_AT_ONCE = 16;

export interface PageInput {
  year: number;
  cutoff: string;
  deptId: string;
  cursor: string | null;
  limit: number;
}
export interface PageResult {
  projects: RoundProject[];
  nextCursor: string | null;
}

/** One warning a batch raises: its id and queue by the warning's contract, and its input (the trigger, the suspension). */
export type WarningStart = WarningRaise;

export interface RoundRow {
  round: string;
  year: number;
  cutoff: string;
  name: string;
  stage: string;
  startedBy: string;
  departments: number;
  totals: Record<string, number>;
  /** When the round opened (workflow time). */
  at: string;
  closed: boolean;
  /** When it closed (workflow time of the closing save; absent from inputs recorded before: the save's version, its workflow time, stands in). */
  closedAt?: string;
  version: number;
  /** Departments whose part failed for good (absent: a run from before, the row keeps its list). */
  failures?: DepartmentFailure[];
  /** Who cancelled the round, why and when. */
  cancelled?: RoundCancellation | null;
  /** Cancelled: the parts that did not confirm within the bound (absent: the row keeps its list). */
  unconfirmed?: string[];
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FinanceError) throw ApplicationFailure.create({ message: e.message, type: e.failureType, nonRetryable: !e.retryable });
    throw e;
  }
}

/**
 * gRPC codes with which the server refuses the call itself (a malformed id or queue, a payload over
 * its limit, no such namespace, no permission): the same call again is refused the same way.
 */
const REFUSED = new Set([3 /* INVALID_ARGUMENT */, 5 /* NOT_FOUND */, 7 /* PERMISSION_DENIED */, 12 /* UNIMPLEMENTED */]);
function refusedForGood(e: unknown): boolean {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 6; x = (x as { cause?: unknown }).cause, depth++) {
    if (x instanceof NamespaceNotFoundError) return true;
    if (isGrpcServiceError(x) && REFUSED.has(x.code)) return true;
  }
  return false;
}

/** The server's own words (a gRPC error's details), else the innermost message. */
function whyRefused(e: unknown): string {
  let text = String(e);
  for (let x = e, depth = 0; x instanceof Error && depth < 6; x = x.cause, depth++) text = (isGrpcServiceError(x) && (multiOperationReason(x) ?? x.details)) || x.message || text;
  return text;
}

export function createActivities(deps: ActivityDeps) {
  const { db, finance } = deps;
  const coreOf = new Map<string, Promise<RoundProject['indicators']>>();
  const indicatorsOf = (industry: string) => {
    if (!coreOf.has(industry)) {
      const p = guarded(() => finance.listIndicators({ industry, coreOnly: true, limit: 3 })).then((r) => r.items.map((i) => ({ code: i.code, name: i.name })));
      p.catch(() => coreOf.delete(industry));
      coreOf.set(industry, p);
    }
    return coreOf.get(industry) as Promise<RoundProject['indicators']>;
  };

  return {
    /** The departments of a round (all, or those finance named). */
    async monitoringDepartments(deptIds?: string[]): Promise<Array<{ id: string; name: string }>> {
      const all = (await guarded(() => finance.listDepartments())).items;
      if (!deptIds) return all;
      const unknown = deptIds.filter((d) => !all.some((x) => x.id === d));
      if (unknown.length) throw ApplicationFailure.nonRetryable(`no such department: ${unknown.join(', ')}`, 'InvalidInput');
      return all.filter((d) => deptIds.includes(d.id));
    },

    /**
     * One page of a department's project expenditure with its execution at the cut-off. Execution and
     * project lists share the filter and the keyset order, so one cursor pages both.
     */
    async monitoringPage(input: PageInput): Promise<PageResult> {
      const q = { year: input.year, deptId: input.deptId, expenditure: 'project' as const, limit: Math.min(input.limit, MAX_PAGE), ...(input.cursor ? { cursor: input.cursor } : {}) };
      const [exec, projects] = await Promise.all([
        guarded(() => finance.listExecution({ ...q, asOf: cutoffDate(input.year, input.cutoff) })),
        guarded(() => finance.listProjects(q)),
      ]);
      const byId = new Map(projects.items.map((p) => [p.id, p]));
      // the current targets of the page's revised projects (an approved adjustment, 002): the form's lines
      const ids = exec.items.map((e) => e.projectId).sort();
      const targets = new Map<string, NonNullable<RoundProject['targets']>>();
      if (ids.length) {
        let tc: string | undefined;
        do {
          const t = await guarded(() => finance.listTargets({ year: input.year, deptId: input.deptId, fromId: ids[0], toId: ids[ids.length - 1], limit: MAX_PAGE, ...(tc ? { cursor: tc } : {}) }));
          for (const v of t.items) if (v.version > 0) targets.set(v.projectId, { version: v.version, indicators: v.indicators });
          tc = t.nextCursor ?? undefined;
        } while (tc);
      }
      const out: RoundProject[] = [];
      for (const e of exec.items) {
        const p = byId.get(e.projectId) ?? (await guarded(() => finance.getProject({ projectId: e.projectId })));
        out.push({
          id: e.projectId,
          name: p.name,
          deptId: e.deptId,
          unitId: e.unitId,
          industry: p.industry,
          transferId: p.transferId,
          availableFen: e.availableFen,
          paidFen: e.paidFen,
          executionRateBp: e.executionRateBp,
          indicators: await indicatorsOf(p.industry),
          ...(targets.has(e.projectId) ? { targets: targets.get(e.projectId) } : {}),
        });
      }
      return { projects: out, nextCursor: exec.nextCursor };
    },

    /** Upserts projects' results; a row never goes back to an older version. */
    async monitoringSaveResults(rows: ProjectResult[]): Promise<number> {
      await upsertResults(db, rows);
      return rows.length;
    },

    /**
     * Raises a batch response's warnings by the warning's contract (activities/warning/raise.ts):
     * each one update-with-start under its id with its trigger (a project's warning already open
     * takes the trigger; a new one starts with it), then the inbox rows its answer carries are
     * written here. A retried attempt starts nothing twice: the same trigger's Update id answers the
     * same rows, written again by version. All are tried, a few at once; then a refusal by the server
     * (or by the warning's validator) fails for good (WarningNotStarted), any other failure for a retry.
     */
    async monitoringStartWarnings(input: { warnings: WarningStart[] }): Promise<{ warnings: number }> {
      const temporal = deps.temporal;
      if (!temporal) throw ApplicationFailure.nonRetryable('the worker gives monitoring no Temporal client', 'Misconfigured');
      const signal = Context.current().cancellationSignal;
      const failures: Array<{ workflowId: string; error: unknown }> = [];
      let next = 0;
      const one = async (w: WarningStart): Promise<void> => {
        // a signal of its own per call, tied to the attempt's while it runs: the client adds an abort
        // listener to the signal of every call and never removes it, so on the attempt's own signal a
        // batch's dozens of starts piled up listeners (MaxListenersExceededWarning at province scale)
        const call = new AbortController();
        const abort = (): void => call.abort();
        signal.addEventListener('abort', abort, { once: true });
        try {
          await temporal.withAbortSignal(call.signal, () => raiseWarning({ temporal, db, publicUrl: deps.publicUrl }, w));
        } catch (error) {
          failures.push({ workflowId: w.workflowId, error });
        } finally {
          signal.removeEventListener('abort', abort);
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(WARNING_STARTS_AT_ONCE, input.warnings.length) }, async () => {
          while (next < input.warnings.length && !signal.aborted) await one(input.warnings[next++]);
        }),
      );
      const refused = failures.find((f) => refusedForGood(f.error));
      if (refused) {
        const cause = refused.error instanceof Error ? refused.error : undefined;
        const others = failures.length > 1 ? `（另有 ${failures.length - 1} 个预警未能启动）` : '';
        throw ApplicationFailure.create({ message: `预警 ${refused.workflowId} 未能启动，Temporal 拒绝：${whyRefused(refused.error)}${others}`, type: 'WarningNotStarted', nonRetryable: true, ...(cause ? { cause } : {}) });
      }
      if (failures.length) throw failures[0].error;
      // the attempt timed out or the worker is shutting down: the next attempt starts the rest
      if (next < input.warnings.length) throw new Error(`${input.warnings.length - next} warnings not started: the attempt was cancelled`);
      return { warnings: input.warnings.length };
    },

    /**
     * The round's own row: stage, departments, totals, failed departments, and who cancelled it, why
     * and when. A closed round keeps the first close time written: a retry never moves it.
     */
    async monitoringSaveRound(r: RoundRow): Promise<void> {
      const c = r.cancelled ?? null;
      const closedAt = r.closed ? (r.closedAt ?? new Date(r.version).toISOString()) : null;
      await db.query(
        `INSERT INTO monitoring_rounds (round, year, cutoff, name, stage, started_by, departments, totals, opened_at, closed_at, version,
           failures, cancelled_by, cancelled_by_name, cancelled_at, cancel_reason, unconfirmed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::timestamptz, $11,
           COALESCE($12::jsonb, '[]'::jsonb), $13, $14, $15::timestamptz, $16, COALESCE($17::jsonb, '[]'::jsonb))
         ON CONFLICT (round) DO UPDATE SET stage = EXCLUDED.stage, departments = EXCLUDED.departments, totals = EXCLUDED.totals,
           closed_at = COALESCE(monitoring_rounds.closed_at, EXCLUDED.closed_at), version = EXCLUDED.version,
           failures = CASE WHEN $12::jsonb IS NULL THEN monitoring_rounds.failures ELSE EXCLUDED.failures END,
           cancelled_by = COALESCE(EXCLUDED.cancelled_by, monitoring_rounds.cancelled_by),
           cancelled_by_name = COALESCE(EXCLUDED.cancelled_by_name, monitoring_rounds.cancelled_by_name),
           cancelled_at = COALESCE(EXCLUDED.cancelled_at, monitoring_rounds.cancelled_at),
           cancel_reason = COALESCE(EXCLUDED.cancel_reason, monitoring_rounds.cancel_reason),
           unconfirmed = CASE WHEN $17::jsonb IS NULL THEN monitoring_rounds.unconfirmed ELSE EXCLUDED.unconfirmed END
         WHERE monitoring_rounds.version <= EXCLUDED.version`,
        [r.round, r.year, r.cutoff, r.name, r.stage, r.startedBy, r.departments, JSON.stringify(r.totals), r.at, closedAt, r.version,
          r.failures ? JSON.stringify(r.failures) : null, c?.by ?? null, c?.byName ?? null, c?.at ?? null, c?.reason ?? null,
          r.unconfirmed ? JSON.stringify(r.unconfirmed) : null],
      );
    },
  };
}

export type MonitoringActivities = ReturnType<typeof createActivities>;

/** At worker start-up: the round Schedules of the region profile, created or brought in step with it. */
export async function startup(deps: ActivityDeps): Promise<void> {
  if (!deps.temporal || !deps.taskQueue || !deps.region) return;
  await syncSchedules(deps.temporal, deps.region, deps.taskQueue);
}
