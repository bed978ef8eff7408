// Queued decisions: a move accepted into the database (db/inbox/decisions.ts) and answered 202 at
// once, before its workflow has seen it; the dispatcher (./dispatcher.ts) carries the queue to the
// workflows, many decisions of one execution in one Update. For people and integrations who should
// not wait on the workflow engine (a round opening, the engine restarting): the decision is kept
// and made once; GET /api/decisions/:id says whether it was applied or refused, and why.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db } from '../../db';
import { check, MoveError } from '../../contracts/humanTask/moves';
import type { TaskCatalog } from '../../contracts/registry.zod';
import { decisionView, getDecision, queueDecisions } from '../../db/inbox/decisions';
import type { User } from '../auth';
import { HttpError, type Api } from '../http';
import { startDispatcher, type Dispatcher } from './dispatcher';
import { moveHttpError, type DecisionQueue, type MoveKit, type QueueOptions } from './kit';
import { IdParam, loadTask } from './task';


const isUniqueViolation = (e: unknown): boolean => (e as { code?: string }).code === '23505';

export function decisionQueue({ db, temporal, log, writeCommitted, options = {} }: { db: Db; temporal: Client; log: Pick<Logger, 'warn' | 'info'>; writeCommitted: MoveKit['writeCommitted']; options?: QueueOptions }): DecisionQueue {
  let dispatcher: Dispatcher | null = null;
  let stopped = false;
  const start = (): void => {
    if (!dispatcher && !stopped) dispatcher = startDispatcher({ db, temporal, log, writeCommitted, ...options });
  };
  return {
    async enqueue(u, list, idempotencyKey) {
      // with an Idempotency-Key the decision's id is the key's (per user and task): a retry finds it
      const rows = list.map((c) => ({ id: idempotencyKey ? `${u.id}:${idempotencyKey}:${c.taskId}` : randomUUID(), taskId: c.taskId, workflowId: c.workflowId, move: c.move, acceptedVersion: c.version }));
      let out;
      try {
        out = await queueDecisions(db, rows);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        throw new HttpError(409, 'DECISION_QUEUED', 'a decision on this task is already queued: wait until it is applied or refused');
      }
      start();
      dispatcher?.poke();
      const byId = new Map(out.rows.map((r) => [r.id, r]));
      const busy = new Set(out.busy);
      return rows.map((r) => (byId.has(r.id) ? { taskId: r.taskId, ok: true as const, decisionId: r.id } : { taskId: r.taskId, ok: false as const, error: busy.has(r.taskId) ? 'a decision on this task is already queued' : 'not queued' }));
    },
    start,
    async stop() {
      stopped = true;
      await dispatcher?.stop();
    },
  };
}

const Decision = z.object({
  decisionId: z.string(),
  taskId: z.string(),
  status: z.enum(['queued', 'applied', 'refused']),
  action: z.string(),
  result: z.object({ status: z.string(), version: z.number() }).nullable(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  acceptedAt: z.string(),
  settledAt: z.string().nullable(),
});

export function queuedRoutes(api: Api<User>, { db, catalog, kit, queue }: { db: Db; catalog: TaskCatalog; kit: MoveKit; queue: DecisionQueue }): void {
  api.route({
    method: 'post',
    path: '/api/tasks/:id/queued-actions',
    summary: 'Queue a move on a task: checked, kept and answered 202 at once; applied by its workflow soon after, in a batch (GET /api/decisions/:id says applied or refused). Idempotency-Key makes a retry harmless.',
    tags: ['tasks'],
    auth: true,
    status: 202,
    params: IdParam,
    body: z.looseObject({ action: z.string() }),
    response: z.object({ decisionId: z.string(), taskId: z.string(), status: z.literal('queued') }),
    handler: async ({ params, body, ctx, req }) => {
      const row = await loadTask(db, ctx, params.id);
      const move = await kit.prepare(ctx, row, body);
      try {
        check(row.state, move, catalog.info(row.type)); // a move the inbox's row already refuses is not queued
      } catch (e) {
        if (e instanceof MoveError) throw moveHttpError(e.type, e.message);
        throw e;
      }
      const [r] = await queue.enqueue(ctx, [{ taskId: row.id, workflowId: row.workflow_id, move, version: row.version }], req.header('idempotency-key') ?? undefined);
      if (!r.ok) throw new HttpError(409, 'DECISION_QUEUED', `a decision on task ${row.id} is already queued: wait until it is applied or refused`);
      return { decisionId: r.decisionId, taskId: row.id, status: 'queued' as const };
    },
  });

  api.route({
    method: 'get',
    path: '/api/decisions/:id',
    summary: 'A queued decision of yours: queued, applied (the task\'s status and version) or refused (the workflow\'s reason)',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    response: Decision,
    handler: async ({ params, ctx }) => {
      const row = await getDecision(db, params.id);
      if (!row || row.actor_id !== ctx.id) throw new HttpError(404, 'NOT_FOUND', `decision ${params.id} not found`, 'id');
      return decisionView(row);
    },
  });
}
