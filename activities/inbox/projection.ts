// Writes a batch from the human-task primitive: task rows (versioned upsert, so retries and
// out-of-order writes never regress a row), audit events and outbox mails, in one transaction.
import type { Db, Queryable } from '../../db';
import type { MailEvent, ProcessRow, ProjectionBatch } from '../../contracts/humanTask/inbox';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
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

/**
 * Writes task rows. By version (`force` off): retries and out-of-order writes never regress a row.
 * `force` writes what it is given whatever the row says: reconcile, with Temporal as the winner.
 */
export async function upsertTasks(q: Queryable, tasks: TaskState[], opts: { force?: boolean } = {}): Promise<void> {
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
     WHERE ${opts.force ? 'tasks.version IS DISTINCT FROM excluded.version OR tasks.state IS DISTINCT FROM excluded.state' : 'tasks.version < excluded.version'}`,
    [wellFormedJson(tasks.map(taskRow))],
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
    [wellFormedJson(batch.audit)],
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
    [wellFormedJson(rows)],
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
    [p.workflowId, p.process, p.projectId, p.projectName, p.deptId, p.unitId, p.stage, p.status, p.startedBy, p.startedAt, p.updatedAt, p.version, wellFormedJson(p.summary)],
  );
}

/**
 * Writes one batch in one transaction. A batch refused for a reason a retry cannot cure is written
 * item by item instead: the items that fail are recorded in projection_failures (and logged as
 * errors by the caller), the rest land, and the workflow's later moves are never blocked.
 */
export async function writeBatch(db: Db, batch: ProjectionBatch, publicUrl: string): Promise<ProjectionFailure[]> {
  try {
    await db.tx((q) => writeAll(q, batch, publicUrl));
    return [];
  } catch (e) {
    if (!isPermanent(e)) throw e;
  }
  const failures: ProjectionFailure[] = [];
  const one = async (kind: ProjectionFailure['kind'], key: string, workflowId: string | null, item: unknown, part: ProjectionBatch): Promise<void> => {
    try {
      await db.tx((q) => writeAll(q, part, publicUrl));
    } catch (e) {
      if (!isPermanent(e)) throw e;
      const f: ProjectionFailure = { kind, key, workflowId, code: sqlState(e), error: (e as Error).message };
      failures.push(f);
      await db.query(
        `INSERT INTO projection_failures (workflow_id, kind, key, code, error, item) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT (kind, key) DO UPDATE SET at = now(), code = excluded.code, error = excluded.error, item = excluded.item`,
        [workflowId, kind, key, f.code, f.error, JSON.stringify(item, (_k, v: unknown) => (typeof v === 'string' ? scrub(v) : v))],
      );
    }
  };
  const empty: ProjectionBatch = { tasks: [], audit: [], mail: [] };
  for (const t of batch.tasks) await one('task', `${t.id}:v${t.version}`, t.workflowId, t, { ...empty, tasks: [t] });
  for (const a of batch.audit) await one('audit', a.key, a.workflowId, a, { ...empty, audit: [a] });
  for (const m of batch.mail) await one('mail', m.key, m.workflowId, m, { ...empty, mail: [m] });
  if (batch.process) await one('process', `${batch.process.workflowId}:v${batch.process.version}`, batch.process.workflowId, batch.process, { ...empty, process: batch.process });
  return failures;
}

async function writeAll(q: Queryable, batch: ProjectionBatch, publicUrl: string): Promise<void> {
  await upsertTasks(q, batch.tasks);
  await insertAudit(q, batch);
  await insertOutbox(q, batch.mail, publicUrl);
  await upsertProcess(q, batch.process);
}

export interface ProjectionFailure {
  kind: 'task' | 'audit' | 'mail' | 'process';
  key: string;
  workflowId: string | null;
  code: string | null;
  error: string;
}

const sqlState = (e: unknown): string | null => {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : null;
};

/** SQLSTATE classes a retry cannot cure: data exceptions (22), integrity (23), limits (54). */
function isPermanent(e: unknown): boolean {
  const code = sqlState(e);
  return code !== null && /^(22|23|54)/.test(code);
}

// Lone UTF-16 surrogates and NUL cannot be stored in PostgreSQL text or jsonb (22P02, 22P05). The
// API refuses them; anything that still carries one (a workflow started by hand, an old history)
// is stored with U+FFFD in their place rather than not at all.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const BAD_CHARS = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const scrub = (v: string): string => v.replace(BAD_CHARS, '\uFFFD');
function wellFormedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? scrub(x) : x));
}
