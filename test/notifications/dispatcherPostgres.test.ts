// The outbox on PostgreSQL with several workers: two dispatchers at once never send one mail twice,
// a live owner keeps its claims however long it takes, and a worker killed with -9 between the SMTP
// acceptance and the sent mark costs that one mail one extra copy (same Message-ID), sent by the
// survivor within seconds. Skipped only when no PostgreSQL server binaries are installed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../app/deps';
import { seedDirectory } from '../../app/seed';
import { openDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { createMailer, type Mailer } from '../../notifications/mailer';
import { createDispatcher } from '../../notifications/dispatcher';
import { postgresBin, startPostgres, type LocalPostgres } from '../../scripts/postgres';
import { freePort } from '../../scripts/temporal/ports';
import { copiesByMessageId, startDispatcherProcess, waitUntil, writeConclusionMails } from './outboxSupport';

const BIN = postgresBin();
const TITLE = BIN
  ? `the outbox with several workers on PostgreSQL (${BIN})`
  : 'the outbox with several workers on PostgreSQL — SKIPPED: no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin (apt-get install postgresql)';

const silent = pino({ level: 'silent' });
const total = (copies: Map<string, number>) => [...copies.values()].reduce((a, b) => a + b, 0);
const unsent = async (db: Db, run: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE key LIKE $1 AND sent_at IS NULL`, [`%${run}%`])).rows[0].n;

describe.skipIf(!BIN)(TITLE, () => {
  let server: LocalPostgres | undefined;
  let dir: string | undefined;
  let a: Db;
  let b: Db;
  let mailer: Mailer;

  beforeAll(async () => {
    for (let attempt = 1; ; attempt++) {
      dir = mkdtempSync(join(tmpdir(), 'jixiao-pg-outbox-'));
      try {
        server = startPostgres(dir, await freePort(), { sharedBuffers: '64MB', maxConnections: 40 });
        break;
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        if (attempt >= 3 || !/already in use/i.test((e as Error).message)) throw e;
      }
    }
    a = await openDb({ url: server.url, poolSize: 4 });
    await migrate(a, MIGRATIONS_DIR);
    await seedDirectory(a);
    b = await openDb({ url: server.url, poolSize: 4 }); // a second worker: its own pool
    mailer = createMailer({ host: '127.0.0.1', port: inject('smtpPort'), secure: false, from: 'jixiao <noreply@jixiao.local>', catcher: true, webPort: 0 });
  });

  afterAll(async () => {
    mailer?.close();
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two dispatchers sweeping at the same time never send one conclusion mail twice', async () => {
    const run = `BOTH${Date.now()}`;
    const ids: string[] = [];
    for (let k = 0; k < 30; k++) ids.push(...(await writeConclusionMails(a, `${run}-${k}`, 10)));
    // small batches: the two claim, and race for, the same rows many times over
    const opts = { mailer, log: silent, inboxUrl: 'http://inbox.test/', batchSize: 15, concurrency: 4 };
    const drain = async (db: Db): Promise<number> => {
      const d = createDispatcher({ ...opts, db });
      let sent = 0;
      for (let n = await d.sweep(); n > 0; n = await d.sweep()) sent += n;
      await d.stop();
      return sent;
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    expect(byA + byB).toBe(300);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(await unsent(a, run)).toBe(0);

    await waitUntil(async () => total(await copiesByMessageId(inject('mailWebUrl'), run)) >= 300, '300 mails in the catcher');
    await new Promise((r) => setTimeout(r, 500));
    expect(await copiesByMessageId(inject('mailWebUrl'), run)).toEqual(new Map(ids.map((id) => [id, 1])));
  });

  it('a worker killed between the SMTP acceptance and the sent mark: the other worker sends that mail once more within seconds, same Message-ID', async () => {
    const run = `PGKILL${Date.now()}`;
    const ids = await writeConclusionMails(a, run, 10);
    const p = startDispatcherProcess({ url: server!.url, smtpPort: inject('smtpPort'), stallAfterSends: 3, concurrency: 1 });
    const stalled = (await p.next((e) => 'stalled' in e)).stalled as string;

    const logs: Array<{ level: number; msg: string; messageId?: string }> = [];
    const survivor = createDispatcher({ db: b, mailer, inboxUrl: 'http://inbox.test/', log: pino({ level: 'warn' }, { write: (s: string) => void logs.push(JSON.parse(s)) }) });
    survivor.start();
    try {
      // stalled longer than a claim may go unrenewed: the live owner keeps its claims
      await new Promise((r) => setTimeout(r, 7_000));
      expect(await copiesByMessageId(inject('mailWebUrl'), run)).toEqual(new Map(ids.slice(0, 3).map((id) => [id, 1])));
      expect(await unsent(a, run)).toBe(8);

      p.child.kill('SIGKILL');
      expect(await p.exited).toBe('SIGKILL');
      const killedAt = Date.now();
      await waitUntil(async () => (await unsent(a, run)) === 0, 'every conclusion mail marked sent');
      expect(Date.now() - killedAt).toBeLessThan(15_000);
    } finally {
      await survivor.stop();
    }
    await waitUntil(async () => total(await copiesByMessageId(inject('mailWebUrl'), run)) >= 11, '11 mails in the catcher');
    await new Promise((r) => setTimeout(r, 500));
    expect(await copiesByMessageId(inject('mailWebUrl'), run)).toEqual(new Map(ids.map((id) => [id, id === stalled ? 2 : 1])));
    expect(logs.filter((l) => /resending/.test(l.msg))).toEqual([expect.objectContaining({ level: 40, messageId: stalled })]);
  });
});
