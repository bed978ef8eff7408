// Sends the outbox. A person with many new tasks in one sweep gets one digest mail, and one with
// several urges (催办) and reminders in one sweep gets one mail of them all.
//
// Claims. Each dispatcher incarnation (a random id) has a row in outbox_dispatchers whose heartbeat
// it renews every heartbeatMs while a sweep runs. It claims (FOR UPDATE SKIP LOCKED) rows that are
// unclaimed, its own, or held by an incarnation silent for staleAfterMs: a worker killed with -9
// frees its mail within seconds, while a live one keeps its claims however long its sweep takes.
// No transaction spans an SMTP send: on embedded PGlite (one connection) it would stall every query.
//
// Sending. Per mail, three statements: record the attempt (Message-ID, digest key, sending_since;
// only if the row is still ours), the SMTP send, the 'sent' mark right after the server's 250.
// SMTP cannot commit with our database, so the guarantee is at least once: a process that dies
// after a 250 and before that mail's mark (at most `concurrency` mails are there at any moment)
// leaves sending_since set; the next owner sends each such mail once more, under the same
// Message-ID (mail clients show it once), and logs it at warn. A dispatcher wrongly presumed dead
// (event loop or database stalled past staleAfterMs) is fenced before each send, not during it.
// A row, once given a Message-ID, always goes out under it, grouped as recorded.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db';
import type { Mailer, OutgoingMail } from './mailer';
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
  attach_html_as: string | null;
  name: string;
  /** Recorded by an earlier attempt. */
  message_id: string | null;
  digest_key: string | null;
  /** Set: an earlier send began and was never marked (crash) — this send is a resend. */
  sending_since: Date | null;
  previous_owner: string | null;
}

export interface DispatcherFaults {
  /** The SMTP server has accepted the mail; it is not yet marked sent (tests stop the process here). */
  afterSend?: (mail: { messageId: string; rowIds: number[] }) => void | Promise<void>;
}

export interface DispatcherOptions {
  db: Db;
  mailer: Mailer;
  log: Logger;
  inboxUrl: string;
  /** This many new-task mails or more to one person in a sweep become one digest. */
  digestThreshold?: number;
  /** This many urge and reminder mails or more to one person in a sweep become one digest; default 2. */
  nudgeDigestThreshold?: number;
  batchSize?: number;
  intervalMs?: number;
  /** People mailed in parallel. */
  concurrency?: number;
  /** How often a sweeping dispatcher renews its heartbeat; default 1 s. */
  heartbeatMs?: number;
  /** A claim whose owner has not renewed its heartbeat for this long is free; default 5 s. */
  staleAfterMs?: number;
  faults?: DispatcherFaults;
}

export const messageId = (key: string): string => `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@jixiao.local>`;

const MAX_ATTEMPTS = 8;
/** Mails that press for a task already in the inbox: several to one person in a sweep go as one. */
const NUDGES = ['urged', 'reminder'];

interface Send {
  rows: Row[];
  messageId: string;
  digestKey: string | null;
}

export function createDispatcher(o: DispatcherOptions) {
  const threshold = o.digestThreshold ?? 5;
  const nudgeThreshold = o.nudgeDigestThreshold ?? 2;
  const heartbeatMs = o.heartbeatMs ?? 1000;
  const staleAfterMs = o.staleAfterMs ?? 5000;
  // a heartbeat delayed by a busy database must not look like death
  if (staleAfterMs < 3 * heartbeatMs) throw new Error('dispatcher: staleAfterMs must be at least 3 × heartbeatMs');
  const id = randomUUID();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;
  let pruned = false;
  // one sweep at a time: a sweep may take back this incarnation's own leftover claims
  let queue: Promise<unknown> = Promise.resolve();

  async function heartbeat(): Promise<void> {
    await o.db.query(
      `INSERT INTO outbox_dispatchers (id, host, pid) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
      [id, hostname(), process.pid],
    );
  }

  async function claim(): Promise<Row[]> {
    // A row another dispatcher claimed while this statement ran is re-checked on its new version
    // after the lock (READ COMMITTED), but outbox_dispatchers is read from this statement's older
    // snapshot: hence also claimed_at, on the row itself, so a fresh claim is never taken.
    const { rows } = await o.db.query<Row>(
      `WITH pick AS (
         SELECT o.id, o.claimed_by AS previous_owner FROM outbox o
         WHERE o.sent_at IS NULL AND o.attempts < ${MAX_ATTEMPTS} AND (o.retry_at IS NULL OR o.retry_at <= now())
           AND (o.claimed_by IS NULL OR o.claimed_by = $2
                OR ((o.claimed_at IS NULL OR o.claimed_at < now() - make_interval(secs => $3::float8)) AND NOT EXISTS (
                      SELECT 1 FROM outbox_dispatchers d
                      WHERE d.id = o.claimed_by AND d.heartbeat_at > now() - make_interval(secs => $3::float8))))
         ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox SET claimed_by = $2, claimed_at = now() FROM pick WHERE outbox.id = pick.id
       RETURNING outbox.id, key, kind, user_id, email, subject, body_text, body_html, link, attach_html_as, message_id, digest_key,
                 sending_since, pick.previous_owner, (SELECT name FROM users WHERE users.id = outbox.user_id) AS name`,
      [o.batchSize ?? 2000, id, staleAfterMs / 1000],
    );
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Records the attempt before the send; false when some row is no longer ours (we were presumed dead). */
  async function recordAttempt(s: Send): Promise<boolean> {
    const ids = s.rows.map((r) => r.id);
    const { rows } = await o.db.query<{ id: number }>(
      `UPDATE outbox SET sending_since = now(), message_id = $3, digest_key = $4, attempts = attempts + 1
       WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND sent_at IS NULL RETURNING id`,
      [ids, id, s.messageId, s.digestKey],
    );
    if (rows.length === ids.length) return true;
    await release(ids);
    o.log.warn({ messageId: s.messageId, dispatcher: id }, 'outbox rows taken over by another dispatcher; not sending them');
    return false;
  }

  async function release(ids: number[]): Promise<void> {
    await o.db.query(`UPDATE outbox SET claimed_by = NULL, sending_since = NULL WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND sent_at IS NULL`, [ids, id]);
  }

  async function mark(ids: number[]): Promise<void> {
    await o.db.query(`UPDATE outbox SET sent_at = now(), sending_since = NULL, claimed_by = NULL WHERE id = ANY($1::bigint[]) AND sent_at IS NULL`, [ids]);
  }

  // The server refused, or the connection failed. (A timeout after DATA is the one case where the
  // mail may still have arrived; its retry carries the same Message-ID.)
  async function fail(ids: number[], err: unknown): Promise<void> {
    await o.db.query(
      `UPDATE outbox SET retry_at = now() + interval '10 seconds', last_error = $3, sending_since = NULL, claimed_by = NULL
       WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND sent_at IS NULL`,
      [ids, id, String(err)],
    );
  }

  function content(s: Send): Omit<OutgoingMail, 'messageId'> {
    const r = s.rows[0];
    if (!s.digestKey) {
      const attachments = r.attach_html_as ? [{ filename: r.attach_html_as, content: r.body_html, contentType: 'text/html; charset=utf-8' }] : undefined;
      return { to: r.email, subject: r.subject, text: r.body_text, html: r.body_html, ...(attachments ? { attachments } : {}) };
    }
    const nudges = s.rows.every((x) => NUDGES.includes(x.kind));
    return { to: r.email, ...renderDigest(r.name, s.rows.map((x) => ({ subject: x.subject, link: x.link })), o.inboxUrl, nudges ? 'nudges' : 'new') };
  }

  /** One mail: record, send, mark. Returns the number of outbox rows marked sent. */
  async function deliver(s: Send): Promise<number> {
    const ids = s.rows.map((r) => r.id);
    const mail = { ...content(s), messageId: s.messageId };
    if (!(await recordAttempt(s))) return 0;
    const crashed = s.rows.find((r) => r.sending_since);
    if (crashed) {
      o.log.warn(
        { messageId: s.messageId, key: s.digestKey ?? crashed.key, sendingSince: crashed.sending_since, previousOwner: crashed.previous_owner },
        'resending a mail whose earlier send was never marked (its dispatcher stopped); it may arrive twice, with the same Message-ID',
      );
    }
    try {
      await o.mailer.send(mail);
    } catch (e) {
      o.log.warn({ err: e, messageId: s.messageId, user: s.rows[0].user_id }, 'mail failed; will retry');
      await fail(ids, e);
      return 0;
    }
    await o.faults?.afterSend?.({ messageId: s.messageId, rowIds: ids });
    try {
      await mark(ids);
    } catch (e) {
      // the row stays claimed with sending_since set: the next sweep (ours or another's) resends it
      o.log.error({ err: e, messageId: s.messageId }, 'mail sent but not marked sent; it will be sent again with the same Message-ID');
      return 0;
    }
    return ids.length;
  }

  /** A person's mails: recorded ones as recorded, new ones single or as one digest; oldest first. */
  function plan(list: Row[]): Send[] {
    const recorded = new Map<string, Row[]>();
    const fresh: Row[] = [];
    for (const r of list) {
      if (r.message_id) recorded.set(r.message_id, [...(recorded.get(r.message_id) ?? []), r]);
      else fresh.push(r);
    }
    const sends: Send[] = [...recorded].map(([mid, rows]) => ({ rows, messageId: mid, digestKey: rows[0].digest_key }));
    const digested = new Set<Row>();
    const group = (rows: Row[], min: number, prefix: string): void => {
      if (rows.length < min) return;
      const key = `${prefix}:${rows[0].user_id}:${rows[0].id}-${rows[rows.length - 1].id}`;
      sends.push({ rows, messageId: messageId(key), digestKey: key });
      for (const r of rows) digested.add(r);
    };
    group(fresh.filter((r) => r.kind === 'assigned'), threshold, 'digest');
    group(fresh.filter((r) => NUDGES.includes(r.kind)), nudgeThreshold, 'nudges');
    for (const r of fresh) if (!digested.has(r)) sends.push({ rows: [r], messageId: messageId(r.key), digestKey: null });
    return sends.sort((a, b) => a.rows[0].id - b.rows[0].id);
  }

  async function sweepOnce(): Promise<number> {
    await heartbeat();
    if (!pruned) {
      pruned = true;
      await o.db.query(`DELETE FROM outbox_dispatchers WHERE heartbeat_at < now() - interval '1 day'`);
    }
    const beat = setInterval(() => {
      heartbeat().catch((e: unknown) => o.log.warn({ err: e }, 'outbox dispatcher heartbeat failed'));
    }, heartbeatMs);
    try {
      const rows = await claim();
      const byUser = new Map<string, Row[]>();
      for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
      let sent = 0;
      // a few people at a time: one person's mails stay in order, a round's thousands go in parallel
      const users = [...byUser.values()];
      await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 8, users.length) }, async () => {
        for (let list = users.shift(); list; list = users.shift()) {
          for (const s of plan(list)) {
            const n = await deliver(s); // (not `sent += await …`: that reads `sent` before the await)
            sent += n;
          }
        }
      }));
      return sent;
    } finally {
      clearInterval(beat);
    }
  }

  /** One sweep; returns the number of outbox rows sent. */
  function sweep(): Promise<number> {
    const next = queue.then(sweepOnce);
    queue = next.catch(() => undefined);
    return next;
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
    /** This incarnation's id (outbox.claimed_by). */
    id,
    sweep,
    start(): void {
      stopped = false;
      void loop();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      await queue;
      // gone: whatever it still holds (a sent-but-unmarked row) is free at once
      await o.db.query(`DELETE FROM outbox_dispatchers WHERE id = $1`, [id]).catch((e: unknown) => o.log.warn({ err: e }, 'outbox dispatcher deregistration failed'));
    },
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
