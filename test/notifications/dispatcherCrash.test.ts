// Mail exactly once as a person sees it, with the dispatcher as its own process (issue 14): a run to
// the end delivers every conclusion mail once; a process killed with -9 after the SMTP server
// accepted a mail and before it was marked sent costs that one mail one extra copy, under the same
// Message-ID, seconds later, not two minutes. Embedded PGlite: the directory is opened by one
// process at a time, the child first, then (after it is gone) this process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../app/deps';
import { seedDirectory } from '../../app/seed';
import { openDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { createMailer } from '../../notifications/mailer';
import { createDispatcher } from '../../notifications/dispatcher';
import { copiesByMessageId, startDispatcherProcess, waitUntil, writeConclusionMails } from './outboxSupport';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function productDir(): Promise<{ dir: string; open: () => Promise<Db> }> {
  const dir = mkdtempSync(join(tmpdir(), 'jixiao-outbox-'));
  dirs.push(dir);
  const open = async () => {
    const db = await openDb({ dataDir: dir });
    await migrate(db, MIGRATIONS_DIR);
    return db;
  };
  const db = await open();
  await seedDirectory(db);
  await db.close();
  return { dir, open };
}

interface OutboxRow {
  message_id: string | null;
  sent_at: Date | null;
  sending_since: Date | null;
  claimed_by: string | null;
}
const rowsOf = async (db: Db, run: string) =>
  (await db.query<OutboxRow>(`SELECT message_id, sent_at, sending_since, claimed_by FROM outbox WHERE key LIKE $1 ORDER BY id`, [`%${run}%`])).rows;

/** The catcher's copies once `total` have arrived and nothing more comes for half a second. */
async function settledCopies(run: string, total: number): Promise<Map<string, number>> {
  const count = async () => [...(await copiesByMessageId(inject('mailWebUrl'), run)).values()].reduce((a, b) => a + b, 0);
  await waitUntil(async () => (await count()) >= total, `${total} mails in the catcher`);
  await new Promise((r) => setTimeout(r, 500));
  return copiesByMessageId(inject('mailWebUrl'), run);
}

describe('conclusion mails from a dispatcher process (PGlite directory)', () => {
  it('a dispatcher process that runs to the end delivers each conclusion mail exactly once', async () => {
    const run = `ONCE${Date.now()}`;
    const { dir, open } = await productDir();
    let db = await open();
    const ids = await writeConclusionMails(db, run, 10);
    await db.close();

    const p = startDispatcherProcess({ dataDir: dir, smtpPort: inject('smtpPort') });
    expect(await p.exited, p.stderr()).toBe(0);

    expect(await settledCopies(run, 10)).toEqual(new Map(ids.map((id) => [id, 1])));
    db = await open();
    expect(await rowsOf(db, run)).toEqual(ids.map((id) => ({ message_id: id, sent_at: expect.any(Date), sending_since: null, claimed_by: null })));
    await db.close();
  });

  it('a dispatcher process killed between the SMTP acceptance and the sent mark: that mail comes once more within seconds, same Message-ID; the rest once', async () => {
    const run = `KILL${Date.now()}`;
    const { dir, open } = await productDir();
    let db = await open();
    const ids = await writeConclusionMails(db, run, 10);
    await db.close();

    // one mail in flight at a time, so exactly one is between send and mark when the kill comes
    const p = startDispatcherProcess({ dataDir: dir, smtpPort: inject('smtpPort'), stallAfterSends: 3, concurrency: 1 });
    const stalled = (await p.next((e) => 'stalled' in e)).stalled as string;
    expect(ids).toContain(stalled);
    await waitUntil(async () => (await copiesByMessageId(inject('mailWebUrl'), run)).get(stalled), 'the stalled mail in the catcher');
    p.child.kill('SIGKILL');
    expect(await p.exited).toBe('SIGKILL');
    const killedAt = Date.now();

    db = await open();
    const left = await rowsOf(db, run);
    expect(left.filter((r) => r.sent_at)).toHaveLength(2);
    // recorded as being sent, never marked: the next owner knows it is a resend
    expect(left.filter((r) => r.sending_since)).toEqual([expect.objectContaining({ message_id: stalled, sent_at: null })]);
    expect(left.every((r) => r.sent_at || r.claimed_by)).toBe(true); // the dead process held the rest

    const logs: Array<{ level: number; msg: string; messageId?: string }> = [];
    const mailer = createMailer({ host: '127.0.0.1', port: inject('smtpPort'), secure: false, from: 'jixiao <noreply@jixiao.local>', catcher: true, webPort: 0 });
    const d = createDispatcher({ db, mailer, inboxUrl: 'http://inbox.test/', log: pino({ level: 'warn' }, { write: (s: string) => void logs.push(JSON.parse(s)) }) });
    d.start();
    try {
      await waitUntil(async () => (await rowsOf(db, run)).every((r) => r.sent_at), 'every conclusion mail marked sent');
    } finally {
      await d.stop();
      mailer.close();
    }
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(15_000); // a dead owner's claims are free within seconds (was: 2 minutes)

    expect(await settledCopies(run, 11)).toEqual(new Map(ids.map((id) => [id, id === stalled ? 2 : 1])));
    expect(await rowsOf(db, run)).toEqual(ids.map((id) => ({ message_id: id, sent_at: expect.any(Date), sending_since: null, claimed_by: null })));
    expect(logs.filter((l) => /resending/.test(l.msg))).toEqual([expect.objectContaining({ level: 40, messageId: stalled })]);
    await db.close();
  });
});
