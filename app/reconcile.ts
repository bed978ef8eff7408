// Makes the inbox projection equal to Temporal, the source of truth, whatever the versions say:
// every running workflow, and every workflow the projection still shows open tasks for, is asked
// for its tasks; a row that differs is overwritten (a higher version in the row is a phantom of a
// change Temporal never committed), a missing row comes back, an open row Temporal does not know
// is closed. Each difference fixed is reported. Safe against a live system: a difference is fixed
// only if Temporal answers the same twice, so a move landing meanwhile is not undone.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { type TaskState } from '../contracts/humanTask/tasks.zod';
import { tasksQuery } from '../contracts/humanTask/messages';
import type { Db } from '../db';
import { cancelOpenTasks, openTaskWorkflows, tasksOfWorkflow, upsertTasks, type TaskVersion } from '../db/inbox/tasks';

export interface Difference {
  workflowId: string;
  taskId: string;
  /** missing: Temporal has it, the inbox not; ahead/behind/differs: the row's version vs Temporal's; unknown: an open row Temporal does not hold open. */
  kind: 'missing' | 'ahead' | 'behind' | 'differs' | 'unknown';
  inbox: { status: string; version: number } | null;
  temporal: { status: string; version: number } | null;
}

export interface ReconcileResult {
  workflows: number;
  tasks: number;
  /** Workflows no longer in Temporal (past retention). */
  missing: string[];
  /** What was wrong and is now fixed (or only found, with `dryRun`). */
  fixed: Difference[];
  /** Workflows that could not be asked (no worker answered, …). */
  unreachable: string[];
}

export interface ReconcileOptions {
  visibilityQuery?: string;
  /** Report differences without fixing them (the drift check). */
  dryRun?: boolean;
  /** Workers that answer queries within this time; others are reported unreachable. */
  queryTimeoutMs?: number;
}

export async function reconcile(db: Db, temporal: Client, log: Logger, opts: ReconcileOptions = {}): Promise<ReconcileResult> {
  const ids = new Set<string>();
  for await (const wf of temporal.workflow.list({ query: opts.visibilityQuery ?? 'ExecutionStatus = "Running"' })) ids.add(wf.workflowId);
  if (!opts.visibilityQuery) {
    for (const id of await openTaskWorkflows(db)) ids.add(id);
  }
  const result: ReconcileResult = { workflows: ids.size, tasks: 0, missing: [], fixed: [], unreachable: [] };

  const truth = async (id: string): Promise<TaskState[]> => {
    const handle = temporal.workflow.getHandle(id);
    // a workflow whose worker is down would hold a query until the deadline
    const states = await temporal.connection.withDeadline(Date.now() + (opts.queryTimeoutMs ?? 15_000), () => handle.query(tasksQuery));
    // a process that ended without closing its tasks (terminated, failed, timed out): nobody can act on them
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') {
      for (const t of states) if (t.status === 'open') Object.assign(t, { status: 'cancelled', actors: [], version: t.version + 1 });
    }
    return states;
  };

  const one = async (id: string): Promise<void> => {
    let first: TaskState[];
    try {
      first = await truth(id);
    } catch (e) {
      // gone past retention, no board (not a task-bearing workflow), or no worker answering
      if (e instanceof WorkflowNotFoundError) result.missing.push(id);
      else {
        result.unreachable.push(id);
        log.warn({ workflowId: id, err: (e as Error).message }, 'could not reconcile');
      }
      return;
    }
    result.tasks += first.length;
    const diffs = compare(id, first, await tasksOfWorkflow(db, id));
    if (!diffs.length || opts.dryRun) {
      result.fixed.push(...diffs);
      return;
    }
    // again: fix only what Temporal says twice (a move may have landed between the query and the read)
    const second = new Map((await truth(id)).map((t) => [t.id, t]));
    const stable = diffs.filter((d) => {
      const a = first.find((t) => t.id === d.taskId);
      const b = second.get(d.taskId);
      return a === undefined ? b === undefined || b.status !== 'open' : b !== undefined && b.version === a.version;
    });
    const write = stable.filter((d) => d.kind !== 'unknown').map((d) => second.get(d.taskId) as TaskState);
    const unknown = stable.filter((d) => d.kind === 'unknown').map((d) => d.taskId);
    await db.tx(async (q) => {
      await upsertTasks(q, write, { force: true });
      await cancelOpenTasks(q, unknown);
    });
    result.fixed.push(...stable);
  };

  const queue = [...ids];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
    }),
  );
  for (const d of result.fixed) log.warn({ ...d, dryRun: !!opts.dryRun }, opts.dryRun ? 'inbox differs from Temporal' : 'inbox corrected from Temporal');
  log.info({ workflows: ids.size, tasks: result.tasks, fixed: result.fixed.length, missing: result.missing.length, unreachable: result.unreachable.length }, 'inbox reconciled from Temporal');
  return result;
}

/** What differs between Temporal's tasks of one workflow and the inbox's rows for it. */
export function compare(workflowId: string, truth: TaskState[], rows: Map<string, TaskVersion>): Difference[] {
  const out: Difference[] = [];
  const seen = new Set<string>();
  for (const t of truth) {
    seen.add(t.id);
    const r = rows.get(t.id);
    const temporal = { status: t.status, version: t.version };
    if (!r) out.push({ workflowId, taskId: t.id, kind: 'missing', inbox: null, temporal });
    else if (r.version !== t.version || r.status !== t.status || canonical(r.state) !== canonical(t)) {
      const kind = r.version > t.version ? 'ahead' : r.version < t.version ? 'behind' : 'differs';
      out.push({ workflowId, taskId: t.id, kind, inbox: { status: r.status, version: r.version }, temporal });
    }
  }
  // closed tasks of earlier runs are not carried over by continue-as-new: only open rows count here
  for (const r of rows.values()) {
    if (!seen.has(r.id) && r.status === 'open') out.push({ workflowId, taskId: r.id, kind: 'unknown', inbox: { status: r.status, version: r.version }, temporal: null });
  }
  return out;
}

/** JSON with sorted keys: jsonb does not keep the key order of what was written. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}
