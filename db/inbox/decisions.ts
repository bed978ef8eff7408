// Queued decisions (table task_decisions, migration 009): a decision is accepted when its row is
// here; the API's dispatcher (api/inbox/dispatcher.ts) claims rows, sends them to their workflow
// and settles them applied or refused. Its writer and reader live here.
import { z } from 'zod';
import type { Db, Queryable } from '../index';
import type { TaskAction } from '../../contracts/humanTask/tasks.zod';

export type DecisionStatus = 'queued' | 'applied' | 'refused';

export interface DecisionRow {
  id: string;
  seq: string;
  task_id: string;
  workflow_id: string;
  actor_id: string;
  move: TaskAction;
  accepted_version: number;
  status: DecisionStatus;
  result: { status: string; version: number } | null;
  error: { type: string; message: string } | null;
  batch_id: string | null;
  attempts: number;
  created_at: Date | string;
  settled_at: Date | string | null;
}

export interface QueuedDecision {
  id: string;
  taskId: string;
  workflowId: string;
  move: TaskAction;
  acceptedVersion: number;
}

/** The public view of a decision (GET /api/decisions/:id). */
export function decisionView(r: DecisionRow) {
  return {
    decisionId: r.id,
    taskId: r.task_id,
    status: r.status,
    action: r.move.action,
    result: r.result,
    error: r.error,
    acceptedAt: new Date(r.created_at).toISOString(),
    settledAt: r.settled_at ? new Date(r.settled_at).toISOString() : null,
  };
}

/**
 * Queues decisions in one transaction. A decision whose id is there already (a retried request with
 * the same Idempotency-Key) is answered with the row it has; a task with a decision still queued
 * refuses another: `busy` lists those tasks.
 */
export async function queueDecisions(db: Db, list: QueuedDecision[]): Promise<{ rows: DecisionRow[]; busy: string[] }> {
  if (!list.length) return { rows: [], busy: [] };
  return db.tx(async (q) => {
    const { rows: inserted } = await q.query<DecisionRow>(
      `INSERT INTO task_decisions (id, task_id, workflow_id, actor_id, move, accepted_version)
       SELECT x.id, x."taskId", x."workflowId", x.move->'actor'->>'userId', x.move, x."acceptedVersion"
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, "taskId" text, "workflowId" text, move jsonb, "acceptedVersion" integer)
       WHERE NOT EXISTS (SELECT 1 FROM task_decisions d WHERE d.task_id = x."taskId" AND d.status = 'queued' AND d.id <> x.id)
       ON CONFLICT (id) DO NOTHING
       RETURNING *`,
      [JSON.stringify(list)],
    );
    const got = new Set(inserted.map((r) => r.id));
    const missing = list.filter((d) => !got.has(d.id));
    const { rows: earlier } = missing.length ? await q.query<DecisionRow>(`SELECT * FROM task_decisions WHERE id = ANY($1::text[])`, [missing.map((d) => d.id)]) : { rows: [] };
    const had = new Set(earlier.map((r) => r.id));
    return { rows: [...inserted, ...earlier], busy: missing.filter((d) => !had.has(d.id)).map((d) => d.taskId) };
  });
}

export async function getDecision(q: Queryable, id: string): Promise<DecisionRow | undefined> {
  return (await q.query<DecisionRow>(`SELECT * FROM task_decisions WHERE id = $1`, [id])).rows[0];
}

/**
 * What the inbox shows of a task's queued decisions (a list row and the task page): the decision
 * waiting for its workflow, to its maker and to the task's actors (they must not decide it again),
 * or the reader's own latest decision refused, with the workflow's reason, while nothing newer was
 * queued and the task is open (they must find out, and decide again). Others (the applicant, an
 * observer) see the task as it is until the decision is applied.
 */
export const QueuedDecisionMark = z
  .object({
    decisionId: z.string(),
    status: z.enum(['queued', 'refused']),
    action: z.string(),
    outcome: z.string().nullable().describe('the outcome decided (a decide move)'),
    by: z.object({ userId: z.string(), name: z.string() }).describe('who queued it'),
    acceptedAt: z.string().describe('when it was queued'),
    settledAt: z.string().nullable().describe('when it was refused'),
    error: z.object({ type: z.string(), message: z.string() }).nullable().describe('why the workflow refused it'),
  })
  .describe('a decision queued on the task and not yet applied by its workflow, or the reader\'s own refused one (GET /api/decisions/:id)');
export type QueuedDecisionMark = z.infer<typeof QueuedDecisionMark>;

/**
 * The marks of a page of tasks, in one query: each task's latest queued decision, when it is still
 * queued (shown to its maker and the task's actors) or refused (to its maker, on a task still open).
 * Tasks without one are absent.
 */
export async function decisionMarks(q: Queryable, taskIds: string[], reader: { id: string; groups: string[] }): Promise<Map<string, QueuedDecisionMark>> {
  if (!taskIds.length) return new Map();
  const { rows } = await q.query<DecisionRow>(
    `SELECT d.* FROM unnest($1::text[]) AS x(task_id)
     CROSS JOIN LATERAL (SELECT * FROM task_decisions d WHERE d.task_id = x.task_id ORDER BY d.seq DESC LIMIT 1) d
     WHERE (d.status = 'queued' AND (d.actor_id = $2 OR EXISTS (SELECT 1 FROM tasks t WHERE t.id = d.task_id AND t.actors && $3::text[])))
        OR (d.status = 'refused' AND d.actor_id = $2 AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = d.task_id AND t.status = 'open'))`,
    [[...new Set(taskIds)], reader.id, [reader.id, ...reader.groups]],
  );
  return new Map(rows.map((r) => [r.task_id, markOf(r)]));
}

function markOf(r: DecisionRow): QueuedDecisionMark {
  const m = r.move as { action: string; outcome?: string; actor: { userId: string; name: string } };
  return {
    decisionId: r.id,
    status: r.status === 'refused' ? 'refused' : 'queued',
    action: m.action,
    outcome: m.outcome ?? null,
    by: { userId: m.actor.userId, name: m.actor.name },
    acceptedAt: new Date(r.created_at).toISOString(),
    settledAt: r.settled_at ? new Date(r.settled_at).toISOString() : null,
    error: r.error,
  };
}

/**
 * Claims the queued decisions of up to `executions` workflow executions (oldest first), none of
 * `busy`, for `leaseMs`: another dispatcher takes them only after the lease runs out (its holder died).
 */
export async function claimDecisions(db: Db, { executions, busy, leaseMs }: { executions: number; busy: string[]; leaseMs: number }): Promise<DecisionRow[]> {
  const { rows } = await db.query<DecisionRow>(
    `WITH w AS (
       SELECT workflow_id FROM task_decisions
       WHERE status = 'queued' AND (claimed_until IS NULL OR claimed_until < now()) AND NOT (workflow_id = ANY($1::text[]))
       GROUP BY workflow_id ORDER BY min(seq) LIMIT $2)
     UPDATE task_decisions d SET claimed_until = now() + make_interval(secs => $3::double precision / 1000), attempts = d.attempts + 1
     FROM w WHERE d.workflow_id = w.workflow_id AND d.status = 'queued' AND (d.claimed_until IS NULL OR d.claimed_until < now())
     RETURNING d.*`,
    [busy, executions, leaseMs],
  );
  return rows.sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** Gives decisions that had none a batch: those sent together keep it if they must be sent again. */
export async function assignBatch(db: Db, ids: string[], batchId: string): Promise<void> {
  await db.query(`UPDATE task_decisions SET batch_id = $2 WHERE id = ANY($1::text[]) AND batch_id IS NULL`, [ids, batchId]);
}

export interface Settlement {
  id: string;
  status: 'applied' | 'refused';
  result?: { status: string; version: number };
  error?: { type: string; message: string };
}

/** Settles decisions (applied or refused) that are still queued; returns the ids it settled. */
export async function settleDecisions(db: Db, list: Settlement[]): Promise<string[]> {
  if (!list.length) return [];
  const { rows } = await db.query<{ id: string }>(
    `UPDATE task_decisions d SET status = x.status, result = x.result, error = x.error, settled_at = now(), claimed_until = NULL
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text, result jsonb, error jsonb)
     WHERE d.id = x.id AND d.status = 'queued'
     RETURNING d.id`,
    [JSON.stringify(list.map((s) => ({ id: s.id, status: s.status, result: s.result ?? null, error: s.error ?? null })))],
  );
  return rows.map((r) => r.id);
}

/** Puts claimed decisions back in the queue, to be tried again after `delayMs` (their batch kept). */
export async function releaseDecisions(db: Db, ids: string[], delayMs: number): Promise<void> {
  if (!ids.length) return;
  await db.query(`UPDATE task_decisions SET claimed_until = now() + make_interval(secs => $2::double precision / 1000) WHERE id = ANY($1::text[]) AND status = 'queued'`, [ids, delayMs]);
}
