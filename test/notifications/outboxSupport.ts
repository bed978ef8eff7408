// Shared by the outbox crash tests: conclusion mails in the outbox, a dispatcher in a child
// process, and what the mail catcher really received, counted by Message-ID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../db';
import { writeBatch } from '../../db/inbox/batch';
import type { MailEvent } from '../../contracts/humanTask/inbox';
import { messageId } from '../../notifications/dispatcher';
import { listMail } from '../../scripts/mailCatcher';
import type { DispatcherProcessArgs } from './dispatcherProcess';

const PEOPLE = ['u0101-preparer', 'u0102-preparer', 'u0201-preparer', 'u0101-head', 'u0102-head', 'u0201-head', 'd01-head', 'd02-head', 'agency1', 'expert1'];

/** One 事前评估 conclusion mail to each of n people; returns the Message-ID each must arrive under. */
export async function writeConclusionMails(db: Db, run: string, n: number): Promise<string[]> {
  const mail: MailEvent[] = PEOPLE.slice(0, n).map((to, i) => ({
    key: `preAssessment:${run}-${i}:concluded`,
    kind: 'decided',
    to: [to],
    taskId: null,
    workflowId: `preAssessment:${run}-${i}`,
    title: `事前评估通过 ${run}-${i}`,
    projectName: `项目${i}`,
    dueAt: null,
    reason: null,
    at: '2027-05-01T09:00:00.000Z',
  }));
  await writeBatch(db, { tasks: [], audit: [], mail }, 'http://inbox.test');
  return mail.map((m) => messageId(`${m.key}:${m.to[0]}`));
}

/** How many copies of each of this run's mails the catcher holds, by Message-ID. */
export async function copiesByMessageId(webUrl: string, run: string): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  for (const m of await listMail(webUrl)) if (m.text.includes(run)) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
  return copies;
}

export async function waitUntil<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DispatcherProcess {
  child: ChildProcess;
  /** Resolves with the first stdout event matching; rejects if the process ends first. */
  next(pred: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  stderr(): string;
}

const SCRIPT = fileURLToPath(new URL('./dispatcherProcess.ts', import.meta.url));

export function startDispatcherProcess(args: DispatcherProcessArgs): DispatcherProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  const waiters: Array<{ pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = JSON.parse(line) as Record<string, unknown>;
    events.push(e);
    for (const w of waiters.filter((x) => x.pred(e))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  void exited.then((how) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`dispatcher process ended (${how}) first:\n${err}`));
  });
  return {
    child,
    next: (pred) => {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`dispatcher process already ended:\n${err}`));
        else waiters.push({ pred, resolve, reject });
      });
    },
    exited,
    stderr: () => err,
  };
}
