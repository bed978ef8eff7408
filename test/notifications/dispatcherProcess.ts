// A mail dispatcher in a process of its own, as the worker runs it (for the crash tests). Sweeps the
// outbox of a PGlite directory or a PostgreSQL database until nothing is left, then exits 0.
// With stallAfterSends = n it stops at its fault point after the n-th mail the SMTP server accepted
// (before the 'sent' mark), says so on stdout and waits there, heartbeat running, to be killed.
// stdout: one JSON event a line ({ready}, {sent}, {stalled}, {done}); logs go to stderr.
import pino from 'pino';
import { openDb } from '../../db';
import { createMailer } from '../../notifications/mailer';
import { createDispatcher } from '../../notifications/dispatcher';

export interface DispatcherProcessArgs {
  dataDir?: string;
  url?: string;
  smtpPort: number;
  stallAfterSends?: number;
  concurrency?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as DispatcherProcessArgs;
const say = (event: object): void => void process.stdout.write(`${JSON.stringify(event)}\n`);

const db = await openDb({ url: args.url, dataDir: args.dataDir });
const mailer = createMailer({ host: '127.0.0.1', port: args.smtpPort, secure: false, from: 'jixiao <noreply@jixiao.local>', catcher: true, webPort: 0 });
let sends = 0;
const d = createDispatcher({
  db,
  mailer,
  log: pino({ level: 'warn' }, pino.destination(2)),
  inboxUrl: 'http://inbox.test/',
  concurrency: args.concurrency,
  faults: {
    async afterSend({ messageId }) {
      say({ sent: messageId });
      if (++sends !== args.stallAfterSends) return;
      say({ stalled: messageId });
      setInterval(() => undefined, 60_000); // (keeps the process alive; the heartbeat runs on)
      await new Promise(() => undefined);
    },
  },
});
say({ ready: d.id });
while ((await d.sweep()) > 0);
await d.stop();
mailer.close();
await db.close();
say({ done: sends });
