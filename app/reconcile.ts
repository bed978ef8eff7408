// Rebuilds the inbox projection from Temporal, the source of truth: every running workflow, and
// every workflow the projection still shows open tasks for, is asked for its tasks; rows are
// upserted by version, so nothing newer is overwritten and missing rows come back.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { tasksQuery } from '../contracts/tasks';
import type { Db } from '../db';
import { upsertTasks } from '../activities/inbox/projection';

export interface ReconcileResult {
  workflows: number;
  tasks: number;
  missing: string[];
}

export async function reconcile(db: Db, temporal: Client, log: Logger, opts: { visibilityQuery?: string } = {}): Promise<ReconcileResult> {
  const ids = new Set<string>();
  for await (const wf of temporal.workflow.list({ query: opts.visibilityQuery ?? 'ExecutionStatus = "Running"' })) ids.add(wf.workflowId);
  const { rows } = await db.query<{ workflow_id: string }>(`SELECT DISTINCT workflow_id FROM tasks WHERE status = 'open'`);
  for (const r of rows) ids.add(r.workflow_id);

  let tasks = 0;
  const missing: string[] = [];
  const queue = [...ids];
  const one = async (id: string): Promise<void> => {
    try {
      // a workflow whose worker is down would hold a query until the deadline
      const handle = temporal.workflow.getHandle(id);
      const states = await temporal.connection.withDeadline(Date.now() + 15_000, () => handle.query(tasksQuery));
      // a process that ended without closing its tasks (terminated, failed, timed out): nobody can act on them
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') {
        for (const t of states) if (t.status === 'open') Object.assign(t, { status: 'cancelled', actors: [], version: t.version + 1 });
      }
      await db.tx((q) => upsertTasks(q, states));
      tasks += states.length;
    } catch (e) {
      // gone past retention, no board (not a task-bearing workflow), or no worker answering
      if (e instanceof WorkflowNotFoundError) missing.push(id);
      else log.warn({ workflowId: id, err: (e as Error).message }, 'could not reconcile');
    }
  };
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
  }));
  log.info({ workflows: ids.size, tasks, missing: missing.length }, 'inbox reconciled from Temporal');
  return { workflows: ids.size, tasks, missing };
}
