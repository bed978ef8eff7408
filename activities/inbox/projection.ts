// Writes a batch from the human-task primitive: task rows (versioned upsert, so retries and
// out-of-order writes never regress a row), audit events and outbox mails, in one transaction.
import type { Db, Queryable } from '../../db';
import type { MailEvent, ProcessRow, ProjectionBatch } from '../../contracts/inbox';
import type { TaskState } from '../../contracts/tasks';
import { renderMail, taskLink } from '../../notifications/templates';

export function taskRow(t: TaskState): Record<string, unknown> {
  const p = t.spec.project;
  return {
    id: t.id,
    workflow_id: t.workflowId,
    process: t.process,
    type: t.spec.type,
    title: t.spec.title,
    status: t.status,
    project_id: p?.id ?? null,
    project_name: p?.name ?? null,
    project_code: p?.code ?? null,
    dept_id: p?.deptId ?? null,
    unit_id: p?.unitId ?? null,
    actors: t.actors,
    submitted_by: t.spec.submittedBy,
    priority: t.spec.priority,
    due_at: t.dueAt,
    created_at: t.createdAt,
    outcome: t.outcome,
    escalated: t.escalated,
    bulk_approvable: t.spec.bulkApprovable,
    version: t.version,
    search: [t.spec.title, p?.name, p?.code, p?.id].filter(Boolean).join(' ').toLowerCase(),
    state: t,
  };
}

const TASK_COLS = `id text, workflow_id text, process text, type text, title text, status text, project_id text,
  project_name text, project_code text, dept_id text, unit_id text, actors text[], submitted_by text, priority int,
  due_at timestamptz, created_at timestamptz, outcome text, escalated boolean, bulk_approvable boolean, version int,
  search text, state jsonb`;

export async function upsertTasks(q: Queryable, tasks: TaskState[]): Promise<void> {
  if (!tasks.length) return;
  await q.query(
    `INSERT INTO tasks (id, workflow_id, process, type, title, status, project_id, project_name, project_code, dept_id,
       unit_id, actors, submitted_by, priority, due_at, created_at, outcome, escalated, bulk_approvable, version, search, state)
     SELECT id, workflow_id, process, type, title, status, project_id, project_name, project_code, dept_id,
       unit_id, actors, submitted_by, priority, due_at, created_at, outcome, escalated, bulk_approvable, version, search, state
     FROM jsonb_to_recordset($1::jsonb) AS x(${TASK_COLS})
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, actors = excluded.actors, outcome = excluded.outcome,
       escalated = excluded.escalated, version = excluded.version, due_at = excluded.due_at, state = excluded.state,
       title = excluded.title, updated_at = now()
     WHERE tasks.version < excluded.version`,
    [JSON.stringify(tasks.map(taskRow))],
  );
}

async function insertAudit(q: Queryable, batch: ProjectionBatch): Promise<void> {
  if (!batch.audit.length) return;
  await q.query(
    `INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, task_id, project_id, reason, detail)
     SELECT key, at, "actorId", "actorName", action, "workflowId", "taskId", "projectId", reason, detail
     FROM jsonb_to_recordset($1::jsonb) AS x(key text, at timestamptz, "actorId" text, "actorName" text, action text,
       "workflowId" text, "taskId" text, "projectId" text, reason text, detail jsonb)
     ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(batch.audit)],
  );
}

interface Recipient {
  id: string;
  name: string;
  email: string;
  groups: string[];
}

/** Resolves recipients (user ids or group keys) and writes one outbox row per mail and person. */
async function insertOutbox(q: Queryable, mail: MailEvent[], publicUrl: string): Promise<void> {
  if (!mail.length) return;
  const keys = [...new Set(mail.flatMap((m) => m.to))];
  const { rows: users } = await q.query<Recipient>(
    `SELECT id, name, email, groups FROM users WHERE active AND (id = ANY($1::text[]) OR groups && $1::text[])`,
    [keys],
  );
  const rows: Record<string, unknown>[] = [];
  for (const m of mail) {
    const to = new Set(m.to);
    for (const u of users) {
      if (!to.has(u.id) && !u.groups.some((g) => to.has(g))) continue;
      const link = m.taskId ? taskLink(publicUrl, m.taskId) : null;
      const c = renderMail({ kind: m.kind, recipientName: u.name, title: m.title, projectName: m.projectName, dueAt: m.dueAt, reason: m.reason, link });
      rows.push({ key: `${m.key}:${u.id}`, kind: m.kind, user_id: u.id, email: u.email, task_id: m.taskId, subject: c.subject, body_text: c.text, body_html: c.html, link });
    }
  }
  if (!rows.length) return;
  await q.query(
    `INSERT INTO outbox (key, kind, user_id, email, task_id, subject, body_text, body_html, link)
     SELECT key, kind, user_id, email, task_id, subject, body_text, body_html, link
     FROM jsonb_to_recordset($1::jsonb) AS x(key text, kind text, user_id text, email text, task_id text, subject text,
       body_text text, body_html text, link text)
     ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

async function upsertProcess(q: Queryable, p: ProcessRow | undefined): Promise<void> {
  if (!p) return;
  await q.query(
    `INSERT INTO processes (workflow_id, process, project_id, project_name, dept_id, unit_id, stage, status, started_by,
       started_at, updated_at, version, summary)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (workflow_id) DO UPDATE SET stage = excluded.stage, status = excluded.status, updated_at = excluded.updated_at,
       version = excluded.version, summary = excluded.summary, project_name = excluded.project_name
     WHERE processes.version < excluded.version`,
    [p.workflowId, p.process, p.projectId, p.projectName, p.deptId, p.unitId, p.stage, p.status, p.startedBy, p.startedAt, p.updatedAt, p.version, JSON.stringify(p.summary)],
  );
}

export async function writeBatch(db: Db, batch: ProjectionBatch, publicUrl: string): Promise<void> {
  await db.tx(async (q) => {
    await upsertTasks(q, batch.tasks);
    await insertAudit(q, batch);
    await insertOutbox(q, batch.mail, publicUrl);
    await upsertProcess(q, batch.process);
  });
}
