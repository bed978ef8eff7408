// Writes a batch from the human-task primitive in one transaction: task rows (versioned upsert, so
// retries and out-of-order writes never regress a row), audit events, outbox mails (rendered here,
// by notifications/templates.ts), the process row and process records (db/records.ts, by their kind's
// writer). The inbox's rows themselves belong to db/inbox/.
import type { Db, Queryable } from '../index';
import type { MailEvent, ProjectionBatch } from '../../contracts/humanTask/inbox';
import { upsertTasks } from './tasks';
import { insertAudit } from './audit';
import { insertOutbox, recipientsOf, type OutboxRow } from './outbox';
import { upsertProcess } from './processes';
import { recordFailure, type ProjectionFailure } from './failures';
import { renderMail, taskLink } from '../../notifications/templates';
import type { RecordWriters } from '../records';
import { createHash } from 'node:crypto';

/** A record's failure key: its kind and a digest of its content (the same row refused again is one failure). */
const recordKey = (kind: string, row: unknown): string => `${kind}:${createHash('sha1').update(JSON.stringify(row) ?? '').digest('hex').slice(0, 20)}`;

export type { ProjectionFailure };

/** Resolves recipients (user ids or group keys) and writes one outbox row per mail and person. */
async function writeMail(q: Queryable, mail: MailEvent[], publicUrl: string): Promise<void> {
  if (!mail.length) return;
  const users = await recipientsOf(q, [...new Set(mail.flatMap((m) => m.to))]);
  const rows: OutboxRow[] = [];
  for (const m of mail) {
    const to = new Set(m.to);
    for (const u of users) {
      if (!to.has(u.id) && !u.groups.some((g) => to.has(g))) continue;
      const link = m.taskId ? taskLink(publicUrl, m.taskId) : null;
      const c = renderMail({ kind: m.kind, recipientName: u.name, title: m.title, projectName: m.projectName, dueAt: m.dueAt, reason: m.reason, link });
      rows.push({ key: `${m.key}:${u.id}`, kind: m.kind, user_id: u.id, email: u.email, task_id: m.taskId, subject: c.subject, body_text: c.text, body_html: c.html, link });
    }
  }
  await insertOutbox(q, rows);
}

/**
 * Writes one batch in one transaction. A batch refused for a reason a retry cannot cure is written
 * item by item instead: the items that fail are recorded in projection_failures (and logged as
 * errors by the caller), the rest land, and the workflow's later moves are never blocked.
 */
export async function writeBatch(db: Db, batch: ProjectionBatch, publicUrl: string, writers: RecordWriters = {}): Promise<ProjectionFailure[]> {
  const failures: ProjectionFailure[] = [];
  // records of a kind no process registered a writer for: kept as failures, the rest of the batch lands
  const unknown = Object.keys(batch.records ?? {}).filter((k) => !writers[k]);
  if (unknown.length) {
    for (const kind of unknown) {
      const f: ProjectionFailure = { kind: 'record', key: recordKey(kind, batch.records?.[kind]), workflowId: batch.tasks[0]?.workflowId ?? null, code: null, error: `no writer for process records of kind ${kind}` };
      failures.push(f);
      await recordFailure(db, f, batch.records?.[kind]);
    }
    batch = { ...batch, records: Object.fromEntries(Object.entries(batch.records ?? {}).filter(([k]) => writers[k])) };
  }
  try {
    await db.tx((q) => writeAll(q, batch, publicUrl, writers));
    return failures;
  } catch (e) {
    if (!isPermanent(e)) throw e;
  }
  const one = async (kind: ProjectionFailure['kind'], key: string, workflowId: string | null, item: unknown, part: ProjectionBatch): Promise<void> => {
    try {
      await db.tx((q) => writeAll(q, part, publicUrl, writers));
    } catch (e) {
      if (!isPermanent(e)) throw e;
      const f: ProjectionFailure = { kind, key, workflowId, code: sqlState(e), error: (e as Error).message };
      failures.push(f);
      await recordFailure(db, f, item);
    }
  };
  const empty: ProjectionBatch = { tasks: [], audit: [], mail: [] };
  for (const t of batch.tasks) await one('task', `${t.id}:v${t.version}`, t.workflowId, t, { ...empty, tasks: [t] });
  for (const a of batch.audit) await one('audit', a.key, a.workflowId, a, { ...empty, audit: [a] });
  for (const m of batch.mail) await one('mail', m.key, m.workflowId, m, { ...empty, mail: [m] });
  if (batch.process) await one('process', `${batch.process.workflowId}:v${batch.process.version}`, batch.process.workflowId, batch.process, { ...empty, process: batch.process });
  for (const [kind, rows] of Object.entries(batch.records ?? {})) {
    for (let i = 0; i < rows.length; i++) await one('record', recordKey(kind, rows[i]), batch.tasks[0]?.workflowId ?? null, rows[i], { ...empty, records: { [kind]: [rows[i]] } });
  }
  return failures;
}

async function writeAll(q: Queryable, batch: ProjectionBatch, publicUrl: string, writers: RecordWriters): Promise<void> {
  await upsertTasks(q, batch.tasks);
  await insertAudit(q, batch.audit);
  await writeMail(q, batch.mail, publicUrl);
  await upsertProcess(q, batch.process);
  for (const [kind, rows] of Object.entries(batch.records ?? {})) if (rows.length) await writers[kind](q, rows);
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
