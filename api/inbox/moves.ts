// The inbox, moved: a move on a task (an Update of its workflow), many decisions at once. Moves
// on one execution travel together (api/coalescer.ts); an Idempotency-Key makes a retry harmless;
// the committed task states of every answer are written to the read model at once.
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TaskCatalog } from '../../contracts/registry.zod';
import { check, MoveError } from '../../contracts/humanTask/moves';
import { TaskAction, TASK_ACTIONS, type TaskActionParsed, type TaskState } from '../../contracts/humanTask/tasks.zod';
import { TaskErrors, taskActUpdate, type TaskActionResult } from '../../contracts/humanTask/messages';
import type { Db } from '../../db';
import { tasksByIds, upsertTasks, type TaskRow } from '../../db/inbox/tasks';
import { actorOf, require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import { committedOf, MoveRefused, UpdateCoalescer } from '../coalescer';
import { checkHandoff } from '../handoffs';
import { IdParam, loadTask, readerOf } from './task';
import { moveHttpError, type DecisionQueue, type MoveKit } from './kit';
import { withUpdateDeadline } from '../temporalGuard';

export { moveHttpError };


/** The answer to a move, without the state the API has already written. */
const brief = (r: TaskActionResult): TaskActionResult => ({ taskId: r.taskId, status: r.status, version: r.version });
/** The task's own committed state in an answer (in its projection, or beside it). */
const stateOf = (r: TaskActionResult): TaskState | undefined => r.state ?? r.projection?.tasks.find((t) => t.id === r.taskId);

/** Executions a bulk decision sends to at the same time. */
const BULK_LANES = 8;

export function moveRoutes(
  api: Api<User>,
  { db, temporal, catalog: TASKS, writeCommitted, decisions }: { db: Db; temporal: Client; catalog: TaskCatalog; writeCommitted: MoveKit['writeCommitted']; decisions: DecisionQueue },
): MoveKit {
  const coalescer = new UpdateCoalescer(temporal, writeCommitted);

  /** A move from a request body, with the task and the actor filled in from the row and the token. */
  function parseMove(u: User, row: TaskRow, body: Record<string, unknown>) {
    require(u, 'task.act');
    const parsed = TaskAction.safeParse({ ...body, taskId: row.id, actor: actorOf(u) });
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), message: i.message }));
      throw new HttpError(400, 'VALIDATION', details.map((d) => `${d.field}: ${d.message}`).join('; '), details[0]?.field, details);
    }
    if (parsed.data.action === 'reassign') require(u, 'task.reassign');
    return parsed.data;
  }

  async function prepare(u: User, row: TaskRow, body: Record<string, unknown>): Promise<TaskActionParsed> {
    const move = parseMove(u, row, body);
    await checkHandoff(db, u, row.state, move); // the workflow has no directory: who may receive a hand-off is checked here
    return move;
  }

  /** Sends a move to the task's workflow as an Update; refusals come back as HTTP errors. */
  async function act(u: User, row: TaskRow, body: Record<string, unknown>, idempotencyKey?: string): Promise<unknown> {
    const move = await prepare(u, row, body);
    const handle = temporal.workflow.getHandle(row.workflow_id);
    // an Idempotency-Key becomes the Update's id (per user), so a retried request gets the first answer
    const updateId = idempotencyKey ? `${u.id}:${idempotencyKey}` : undefined;
    // Temporal decides when the projection says the task is closed: a row that is wrong must not
    // make a task undecidable (the workflow's validator refuses, leaving no trace, if it is closed)
    let rowSaysClosed = false;
    try {
      check(row.state, move, TASKS.info(row.type)); // fast answer from the projection; the workflow re-checks
    } catch (e) {
      if (!(e instanceof MoveError)) throw e;
      const replayed = updateId && (e.type === TaskErrors.NotOpen || e.type === TaskErrors.Conflict) ? await earlierAnswer(handle, updateId) : undefined;
      if (replayed) return brief(replayed);
      if (e.type !== TaskErrors.NotOpen) throw moveHttpError(e.type, e.message);
      rowSaysClosed = true;
    }
    try {
      // a request with an Idempotency-Key is its own Update (its id is the key); the rest share one
      const r = updateId ? await withUpdateDeadline(temporal, () => handle.executeUpdate(taskActUpdate, { args: [move, { projection: true }], updateId })) : await coalescer.submit(row.workflow_id, move);
      const committed = updateId ? committedOf([r]) : undefined;
      if (committed) await writeCommitted(committed).catch(() => undefined); // the board's backstop writes it too
      const state = stateOf(r);
      if (rowSaysClosed && state) await upsertTasks(db, [state], { force: true }); // Temporal wins over the row
      return brief(r);
    } catch (e) {
      if (e instanceof MoveRefused) throw moveHttpError(e.type, e.message);
      if (e instanceof WorkflowUpdateFailedError) {
        const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
        throw moveHttpError(cause?.type ?? undefined, cause?.message ?? e.message);
      }
      if (e instanceof WorkflowNotFoundError) throw new HttpError(409, TaskErrors.NotOpen, 'the process of this task has ended');
      throw e;
    }
  }

  /** The result of an Update made earlier with this id, if there was one. */
  async function earlierAnswer(handle: ReturnType<Client['workflow']['getHandle']>, updateId: string): Promise<TaskActionResult | undefined> {
    try {
      return await temporal.connection.withDeadline(Date.now() + 3000, () => handle.getUpdateHandle<TaskActionResult>(updateId).result());
    } catch {
      return undefined;
    }
  }

  api.route({
    method: 'post',
    path: '/api/tasks/:id/actions',
    summary: 'Make a move on a task (claim, unclaim, decide, saveDraft, return, withdraw, transfer, delegate, resolve, addSigner, urge, reassign). Idempotency-Key header makes a retry harmless.',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    body: z.looseObject({ action: z.enum(TASK_ACTIONS as [string, ...string[]]) }),
    response: z.object({ taskId: z.string(), status: z.string(), version: z.number() }),
    handler: async ({ params, body, ctx, req }) => {
      const row = await loadTask(db, ctx, params.id);
      return act(ctx, row, body, req.header('idempotency-key') ?? undefined);
    },
  });

  api.route({
    method: 'post',
    path: '/api/tasks/bulk-decide',
    summary: 'Approve many tasks at once (leads; only the outcomes a task type\'s manifest allows in bulk, on tasks its workflow marked bulk-approvable); the result per task',
    tags: ['tasks'],
    auth: true,
    body: z.object({
      taskIds: z.array(z.string()).min(1).max(500),
      outcome: z.string(),
      comment: z.string().max(2000).nullable().default(null),
      form: z.record(z.string(), z.unknown()).default({}),
      queued: z.boolean().default(false).describe('accept the decisions into the queue and answer at once (each result has a decisionId: GET /api/decisions/:id); the workflows get them in batches'),
    }),
    handler: async ({ body, ctx, req }) => {
      require(ctx, 'task.bulk');
      // checked first, then each workflow's decisions are queued together: they leave in one Update
      type Outcome = { taskId: string; ok: boolean; error?: string; decisionId?: string };
      const failed = (taskId: string, e: unknown): Outcome => ({ taskId, ok: false, error: (e as Error).message });
      const ids = [...new Set(body.taskIds)];
      const found = await tasksByIds(db, readerOf(ctx), ids); // one query for the page, not one per task
      const checked = await Promise.all(
        ids.map(async (taskId) => {
          try {
            const row = found.get(taskId);
            if (!row) throw new HttpError(404, 'NOT_FOUND', `task ${taskId} not found`, 'id');
            const allowed = TASKS.bulkOutcomes(row.type);
            if (!allowed.length) throw new HttpError(409, 'NOT_BULK', 'this task type is not approved in bulk');
            if (!allowed.includes(body.outcome)) throw new HttpError(409, 'NOT_BULK', `outcome ${body.outcome} is not taken in bulk on this task type (in bulk: ${allowed.join(', ')})`);
            if (!row.bulk_approvable) throw new HttpError(409, 'NOT_BULK', 'this task is not approved in bulk under the region profile');
            const move = parseMove(ctx, row, { action: 'decide', outcome: body.outcome, form: body.form, comment: body.comment });
            check(row.state, move, TASKS.info(row.type));
            return { taskId, workflowId: row.workflow_id, move, version: row.version };
          } catch (e) {
            return failed(taskId, e);
          }
        }),
      );
      if (body.queued) {
        const ok = checked.filter((c) => 'move' in c);
        const queued = await decisions.enqueue(ctx, ok.map((c) => ({ taskId: c.taskId, workflowId: c.workflowId, move: c.move, version: c.version })), req.header('idempotency-key') ?? undefined);
        const results = [...checked.filter((c): c is Outcome => !('move' in c)), ...queued.map((q) => (q.ok ? { taskId: q.taskId, ok: true, decisionId: q.decisionId } : { taskId: q.taskId, ok: false, error: q.error }))];
        return { decided: 0, queued: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
      }
      const byWorkflow = new Map<string, Array<{ taskId: string; move: TaskAction }>>();
      for (const c of checked) if ('move' in c) byWorkflow.set(c.workflowId, [...(byWorkflow.get(c.workflowId) ?? []), c]);
      // a few executions at a time: fifty Updates at once queue in Temporal past each call's deadline
      // under load, and a decision answered "failed" that the workflow then takes is worse than a slower answer
      const sent: Outcome[] = [];
      const queue = [...byWorkflow.entries()];
      const lane = async (): Promise<void> => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [workflowId, list] = next;
          const answers = coalescer.submitMany(workflowId, list.map((c) => c.move));
          sent.push(...(await Promise.all(answers.map((p, i): Promise<Outcome> => p.then(() => ({ taskId: list[i].taskId, ok: true }), (e: unknown) => failed(list[i].taskId, e))))));
        }
      };
      await Promise.all(Array.from({ length: Math.min(BULK_LANES, queue.length) }, lane));
      const results = [...checked.filter((c): c is Outcome => !('move' in c)), ...sent];
      return { decided: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
    },
  });
  return { prepare, writeCommitted };
}
