// The outbox and its dispatcher over real SMTP: digests for bursts, deterministic Message-IDs,
// nothing sent twice when a projection write or a sweep is repeated.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import pino from 'pino';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { writeBatch } from '../../db/inbox/batch';
import type { MailEvent } from '../../contracts/humanTask/inbox';
import { createMailer, type Mailer } from '../../notifications/mailer';
import { createDispatcher, messageId } from '../../notifications/dispatcher';
import { listMail } from '../../scripts/mailCatcher';

let db: Db;
let mailer: Mailer;
const run = `R${Date.now()}`;

beforeAll(async () => {
  db = await productDb();
  mailer = createMailer({ host: '127.0.0.1', port: inject('smtpPort'), secure: false, from: 'jixiao <noreply@jixiao.local>', catcher: true, webPort: 0 });
});
afterAll(async () => {
  mailer?.close();
  await db?.close();
});

const mail = (i: number, to: string, kind: MailEvent['kind'] = 'assigned'): MailEvent => ({
  key: `wf-${run}:t${i}:v1:${kind}`,
  kind,
  to: [to],
  taskId: `wf-${run}:t${i}`,
  workflowId: `wf-${run}`,
  title: `监控表填报 ${run}-${i}`,
  projectName: `项目${i}`,
  dueAt: '2027-05-20T09:00:00.000Z',
  reason: null,
  at: '2027-05-01T09:00:00.000Z',
});

describe('notifications', () => {
  it('a burst of new tasks to one person becomes one digest; others get single mails; nothing is sent twice', async () => {
    const burst = Array.from({ length: 7 }, (_, i) => mail(i, 'u0102-preparer'));
    const singles = [mail(100, 'competent_reviewer@D02'), mail(101, 'u0201-preparer', 'reminder')];
    const batch = { tasks: [], audit: [], mail: [...burst, ...singles] };
    await writeBatch(db, batch, 'http://inbox.test');
    await writeBatch(db, batch, 'http://inbox.test'); // a retried activity writes the same keys again
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE key LIKE $1`, [`wf-${run}:%`]);
    expect(rows[0].n).toBe(7 + 2 + 1); // the group D02 reviewer key resolves to two people: d02-head and d02-reviewer

    const d = createDispatcher({ db, mailer, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' });
    expect(await d.sweep()).toBe(10);
    expect(await d.sweep()).toBe(0);

    const caught = (await listMail(inject('mailWebUrl'))).filter((m) => m.text.includes(run));
    const digests = caught.filter((m) => m.to.includes('u0102-preparer@demo.jixiao.local'));
    expect(digests).toHaveLength(1);
    expect(digests[0].subject).toBe('【绩效】您有 7 项新的待办');
    expect(digests[0].text).toContain(`监控表填报 ${run}-6`);
    expect(digests[0].html).toContain('<a href="http://inbox.test/#/tasks/');

    const reviewerMails = caught.filter((m) => m.to.some((t) => t.startsWith('d02-')));
    expect(reviewerMails.map((m) => m.to[0]).sort()).toEqual(['d02-head@demo.jixiao.local', 'd02-reviewer@demo.jixiao.local']);
    expect(reviewerMails[0].subject).toBe(`【绩效】新待办：监控表填报 ${run}-100（项目100）`);
    expect(reviewerMails[0].messageId).toBe(messageId(`${mail(100, '').key}:${reviewerMails[0].to[0].split('@')[0]}`));
    const reminder = caught.find((m) => m.to.includes('u0201-preparer@demo.jixiao.local'));
    expect(reminder?.subject).toContain('办理提醒');
    expect(reminder?.text).toContain('办理期限：2027-05-20 09:00');
    expect(reminder?.text).toContain(`http://inbox.test/#/tasks/${encodeURIComponent(`wf-${run}:t101`)}`);
  });

  it('a failing SMTP server leaves the mail in the outbox for a later sweep', async () => {
    await writeBatch(db, { tasks: [], audit: [], mail: [mail(200, 'u0101-head')] }, 'http://inbox.test');
    const broken = createMailer({ host: '127.0.0.1', port: 1, secure: false, from: 'x <x@x>', catcher: true, webPort: 0 });
    const d1 = createDispatcher({ db, mailer: broken, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' });
    expect(await d1.sweep()).toBe(0);
    broken.close();
    const { rows } = await db.query<{ sent_at: Date | null; last_error: string | null }>(`SELECT sent_at, last_error FROM outbox WHERE key = $1`, [`${mail(200, '').key}:u0101-head`]);
    expect(rows[0].sent_at).toBeNull();
    expect(rows[0].last_error).toMatch(/ECONNREFUSED|connect/);
    await db.query(`UPDATE outbox SET retry_at = NULL WHERE key = $1`, [`${mail(200, '').key}:u0101-head`]);
    const d2 = createDispatcher({ db, mailer, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' });
    expect(await d2.sweep()).toBe(1);
  });

  it('a digest whose send failed goes out again as that digest, under its Message-ID, though more new tasks came meanwhile', async () => {
    const first = Array.from({ length: 6 }, (_, i) => mail(300 + i, 'u0201-head'));
    await writeBatch(db, { tasks: [], audit: [], mail: first }, 'http://inbox.test');
    const broken = createMailer({ host: '127.0.0.1', port: 1, secure: false, from: 'x <x@x>', catcher: true, webPort: 0 });
    expect(await createDispatcher({ db, mailer: broken, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' }).sweep()).toBe(0);
    broken.close();
    const recorded = (await db.query<{ message_id: string }>(`SELECT DISTINCT message_id FROM outbox WHERE key LIKE $1 AND user_id = 'u0201-head'`, [`wf-${run}:%`])).rows;
    expect(recorded).toHaveLength(1); // the failed attempt fixed the digest's Message-ID: a retry may be a resend

    await writeBatch(db, { tasks: [], audit: [], mail: Array.from({ length: 6 }, (_, i) => mail(400 + i, 'u0201-head')) }, 'http://inbox.test');
    await db.query(`UPDATE outbox SET retry_at = NULL WHERE key LIKE $1`, [`wf-${run}:%`]);
    expect(await createDispatcher({ db, mailer, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' }).sweep()).toBe(12);

    const digests = (await listMail(inject('mailWebUrl'))).filter((m) => m.text.includes(run) && m.to.includes('u0201-head@demo.jixiao.local'));
    expect(digests.map((m) => m.subject)).toEqual(['【绩效】您有 6 项新的待办', '【绩效】您有 6 项新的待办']);
    const again = digests.find((m) => m.messageId === recorded[0].message_id);
    expect(again?.text).toContain(`监控表填报 ${run}-305`);
    expect(again?.text).not.toContain(`监控表填报 ${run}-400`);
  });

  it('several urges and reminders to one person in one sweep go out as one mail; a group is urged as one mail per person', async () => {
    const nudges = [mail(500, 'competent_reviewer@D01', 'urged'), mail(501, 'competent_reviewer@D01', 'urged'), mail(502, 'd01-reviewer', 'reminder')];
    await writeBatch(db, { tasks: [], audit: [], mail: nudges }, 'http://inbox.test');
    expect(await createDispatcher({ db, mailer, log: pino({ level: 'silent' }), inboxUrl: 'http://inbox.test/' }).sweep()).toBe(3 + 2 + 2); // the group: d01-head, d01-reviewer, d01-reviewer2

    const caught = (await listMail(inject('mailWebUrl'))).filter((m) => m.text.includes(run) && m.to.some((t) => t.startsWith('d01-')));
    const to = (id: string) => caught.filter((m) => m.to.includes(`${id}@demo.jixiao.local`));
    expect(to('d01-reviewer').map((m) => m.subject)).toEqual(['【绩效】您有 3 条催办或办理提醒']);
    for (const id of ['d01-head', 'd01-reviewer2']) expect(to(id).map((m) => m.subject)).toEqual(['【绩效】您有 2 条催办或办理提醒']);
    expect(to('d01-reviewer')[0].text).toContain(`催办：监控表填报 ${run}-501`);
    expect(to('d01-reviewer')[0].text).toContain(`办理提醒：监控表填报 ${run}-502`);
  });
});
