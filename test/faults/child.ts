// Starts test/faults/systemChild.ts and waits for its URL; `kill()` is kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { client, type Http } from '../helpers/system';

export interface Child {
  url: string;
  proc: ChildProcess;
  /** Resolves with the exit signal or code. */
  exited: Promise<string>;
  as(userId: string): Promise<Http>;
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./systemChild.ts', import.meta.url));

export async function startChild(env: { dataDir: string; taskQueue: string; faults?: string; worker?: boolean }): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: env.taskQueue,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(inject('smtpPort')),
      MAIL_CATCHER: 'false',
      JIXIAO_DATA_DIR: env.dataDir,
      RECONCILE_EVERY_MINUTES: '0',
      LOG_LEVEL: 'warn',
      JIXIAO_FAULTS: env.faults ?? '',
      JIXIAO_CHILD_WORKER: env.worker === false ? 'false' : 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then((how) => reject(new Error(`system process ended (${how}) before listening:\n${err}`)));
  });
  return {
    url,
    proc,
    exited,
    async as(userId) {
      const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      if (r.status !== 200) throw new Error(`login ${userId}: ${r.status}`);
      return client(url, ((await r.json()) as { token: string }).token);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
