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

/**
 * The active users who are one of `keys` (user ids) or in one of them (group keys). Key by key on
 * the primary key and the group index (migrations 014, 015): `groups && keys` over a projection's
 * few hundred keys made the planner scan every user, 134 ms a lookup at 27,000 users, against 2 ms.
 */
export async function recipientsOf(q: Queryable, keys: string[]): Promise<Recipient[]> {
  const { rows } = await q.query<Recipient>(
    `SELECT DISTINCT u.id, u.name, u.email, u.groups FROM unnest($1::text[]) AS k(key)
       CROSS JOIN LATERAL (SELECT id, name, email, groups FROM users WHERE active AND id = k.key
                           UNION ALL SELECT id, name, email, groups FROM users WHERE active AND groups @> ARRAY[k.key]) u
      ORDER BY u.id`,
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
