// The mail outbox (table outbox): one row per mail and person, its subject and bodies rendered
// when written (notifications/templates.ts, called by the projection); the dispatcher sends them.
import type { Queryable } from '../index';
import { wellFormedJson } from './json';

export interface Recipient {
  id: string;
  name: string;
  email: string;
  groups: string[];
}

/** The active users who are one of `keys` (user ids) or in one of them (group keys). */
export async function recipientsOf(q: Queryable, keys: string[]): Promise<Recipient[]> {
  const { rows } = await q.query<Recipient>(
    `SELECT id, name, email, groups FROM users WHERE active AND (id = ANY($1::text[]) OR groups && $1::text[])`,
    [keys],
  );
  return rows;
}

export interface OutboxRow {
  key: string;
  kind: string;
  user_id: string;
  email: string;
  task_id: string | null;
  subject: string;
  body_text: string;
  body_html: string;
  link: string | null;
  /** The HTML body also as an attached file of this name (e.g. 整改通知书-….html). */
  attach_html_as?: string | null;
}

/** Idempotent by key: a retried write adds nothing. */
export async function insertOutbox(q: Queryable, rows: OutboxRow[]): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO outbox (key, kind, user_id, email, task_id, subject, body_text, body_html, link, attach_html_as)
     SELECT key, kind, user_id, email, task_id, subject, body_text, body_html, link, attach_html_as
     FROM jsonb_to_recordset($1::jsonb) AS x(key text, kind text, user_id text, email text, task_id text, subject text,
       body_text text, body_html text, link text, attach_html_as text)
     ON CONFLICT (key) DO NOTHING`,
    [wellFormedJson(rows)],
  );
}
