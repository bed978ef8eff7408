// The audit trail (table audit): every state change, who, when, what, why; `key` makes a retried
// write harmless. The board's events come in projection batches; the API adds its own (comments,
// attachments) directly.
import type { Queryable } from '../index';
import type { AuditEvent } from '../../contracts/humanTask/inbox';
import { wellFormedJson } from './json';

export async function insertAudit(q: Queryable, events: AuditEvent[]): Promise<void> {
  if (!events.length) return;
  await q.query(
    `INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, task_id, project_id, reason, detail)
     SELECT key, at, "actorId", "actorName", action, "workflowId", "taskId", "projectId", reason, detail
     FROM jsonb_to_recordset($1::jsonb) AS x(key text, at timestamptz, "actorId" text, "actorName" text, action text,
       "workflowId" text, "taskId" text, "projectId" text, reason text, detail jsonb)
     ON CONFLICT (key) DO NOTHING`,
    [wellFormedJson(events)],
  );
}

/** An event on a task recorded now, outside the board (a comment, an attachment). */
export async function auditTaskEvent(
  q: Queryable,
  e: { key: string; actor: { id: string; name: string }; action: string; task: { id: string; workflow_id: string; project_id: string | null }; reason: string | null; detail: Record<string, unknown> },
): Promise<void> {
  await q.query(
    `INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, task_id, project_id, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
    [e.key, e.actor.id, e.actor.name, e.action, e.task.workflow_id, e.task.id, e.task.project_id, e.reason, JSON.stringify(e.detail)],
  );
}

/** A task's history, oldest first, as the task detail shows it. */
export async function taskHistory(q: Queryable, taskId: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await q.query(`SELECT at, actor_id AS "actorId", actor_name AS "actorName", action, reason, detail FROM audit WHERE task_id = $1 ORDER BY at, id`, [taskId]);
  return rows;
}
