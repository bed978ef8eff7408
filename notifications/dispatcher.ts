// Sends the outbox. Rows are claimed for a while (so several workers never send one row twice at
// once), sent, then marked. A person with many new tasks in one sweep gets one digest mail.
// Message-IDs derive from the outbox keys, so a resend after a crash is recognisably the same mail.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db';
import type { Mailer } from './mailer';
import { renderDigest } from './templates';

interface Row {
  id: number;
  key: string;
  kind: string;
  user_id: string;
  email: string;
  subject: string;
  body_text: string;
  body_html: string;
  link: string | null;
  name: string;
}

export interface DispatcherOptions {
  db: Db;
  mailer: Mailer;
  log: Logger;
  inboxUrl: string;
  /** This many new-task mails or more to one person in a sweep become one digest. */
  digestThreshold?: number;
  batchSize?: number;
  intervalMs?: number;
  /** People mailed in parallel. */
  concurrency?: number;
}

export const messageId = (key: string): string => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@jixiao.local>`;

export function createDispatcher(o: DispatcherOptions) {
  const threshold = o.digestThreshold ?? 5;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;

  async function claim(): Promise<Row[]> {
    const { rows } = await o.db.query<Row>(
      `UPDATE outbox SET claimed_until = now() + interval '2 minutes', attempts = attempts + 1
       WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < 8
                      AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, key, kind, user_id, email, subject, body_text, body_html, link,
                 (SELECT name FROM users WHERE users.id = outbox.user_id) AS name`,
      [o.batchSize ?? 2000],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  async function mark(ids: number[], mid: string, digestKey: string | null): Promise<void> {
    await o.db.query(`UPDATE outbox SET sent_at = now(), message_id = $2, digest_key = $3, claimed_until = NULL WHERE id = ANY($1::bigint[])`, [ids, mid, digestKey]);
  }

  async function fail(ids: number[], err: unknown): Promise<void> {
    await o.db.query(`UPDATE outbox SET claimed_until = now() + interval '10 seconds', last_error = $2 WHERE id = ANY($1::bigint[])`, [ids, String(err)]);
  }

  /** One sweep; returns the number of outbox rows sent. */
  async function sweep(): Promise<number> {
    const rows = await claim();
    const byUser = new Map<string, Row[]>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
    let sent = 0;
    const sendUser = async (list: Row[]): Promise<void> => {
      const assigned = list.filter((r) => r.kind === 'assigned');
      const digest = assigned.length >= threshold ? assigned : [];
      const singles = list.filter((r) => !digest.includes(r));
      if (digest.length) {
        const key = `digest:${digest[0].user_id}:${digest[0].id}-${digest[digest.length - 1].id}`;
        const c = renderDigest(digest[0].name, digest.map((r) => ({ subject: r.subject, link: r.link })), o.inboxUrl);
        const mid = messageId(key);
        try {
          await o.mailer.send({ to: digest[0].email, ...c, messageId: mid });
          await mark(digest.map((r) => r.id), mid, key);
          sent += digest.length;
        } catch (e) {
          o.log.warn({ err: e, user: digest[0].user_id }, 'digest mail failed; will retry');
          await fail(digest.map((r) => r.id), e);
        }
      }
      for (const r of singles) {
        const mid = messageId(r.key);
        try {
          await o.mailer.send({ to: r.email, subject: r.subject, text: r.body_text, html: r.body_html, messageId: mid });
          await mark([r.id], mid, null);
          sent++;
        } catch (e) {
          o.log.warn({ err: e, key: r.key }, 'mail failed; will retry');
          await fail([r.id], e);
        }
      }
    };
    // a few people at a time: one person's mails stay in order, a round's thousands go in parallel
    const users = [...byUser.values()];
    await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 8, users.length) }, async () => {
      for (let list = users.shift(); list; list = users.shift()) await sendUser(list);
    }));
    return sent;
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    try {
      running = sweep();
      const n = await running;
      if (n) o.log.info({ sent: n }, 'mail sent');
    } catch (e) {
      o.log.error({ err: e }, 'outbox sweep failed');
    } finally {
      running = null;
    }
    if (!stopped) timer = setTimeout(() => void loop(), o.intervalMs ?? 1000);
  }

  return {
    sweep,
    start(): void {
      stopped = false;
      void loop();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
