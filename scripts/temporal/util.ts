// What the other scripts/temporal/ modules share: a logger shape, the repo root, running a
// command to completion, short error texts.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Anything with info/warn taking a message: a pino logger, `console`, or the default below. */
export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
}

export const defaultLog: Log = {
  info: (msg) => process.stderr.write(`[temporal] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[temporal] ${msg}\n`),
};

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const rel = (p: string) => {
  const r = relative(process.cwd(), resolve(p));
  return r && !r.startsWith('..') ? r : resolve(p);
};

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, output captured (last 8 KB kept). Never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8192);
    };
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolvePromise({ code: null, output: (err as Error).message });
      return;
    }
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (err) => resolvePromise({ code: null, output: `${output}${err.message}` }));
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

export const lastLines = (s: string, n = 6) => s.trim().split('\n').slice(-n).join('\n    ');

export function errText(err: unknown): string {
  const e = err as { details?: string; message?: string };
  return (e?.details || e?.message || String(err)).split('\n')[0];
}
