// The benches' one start-up (bench/run.ts, bench/evaluation.ts): the real parts, each in a process of
// its own — a Temporal dev server on SQLite (WAL), PostgreSQL, an SMTP sink, the finance stand-in,
// the bench's worker (bench/worker.ts) and the API (api/main.ts) — and this process's own
// connections (the product's database, its Temporal client). `stop()` closes what was started, last
// started first, even when the start-up itself failed half-way; a step that fails to close is logged
// and the others still close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startDevServer, type DevServer } from '../scripts/temporal/devServer';
import { freePort } from '../scripts/temporal/ports';
import { postgresBin, startPostgres, type LocalPostgres } from '../scripts/postgres';
import { startFinanceService } from '../finance/main';
import { WORKER_NODE_ARGS, WORKER_PROCESS_ENV } from '../worker/runtime';

type FinanceScale = Parameters<typeof startFinanceService>[0]['scale'];

export interface BenchSystemOptions {
  /** mkdtemp prefix of the run's data directory (PostgreSQL, Temporal's SQLite file, uploads). */
  prefix: string;
  region: string;
  taskQueue: string;
  finance: FinanceScale;
  /** Temporal's SQLite file (undefined: in memory); default `<dir>/temporal.db`. */
  temporalDbFile?: (dir: string) => string | undefined;
  /** Node options for the worker (e.g. --cpu-prof). */
  workerNodeArgs?: string[];
  /**
   * Node options for the API; default: the worker's --cpu-prof options, its profiles in an `api`
   * folder of the worker's profile folder (--profile profiles both: the decision path runs through the API).
   */
  apiNodeArgs?: string[];
  /** PostgreSQL with pg_stat_statements (the open phase then records its top statements). */
  pgStats?: boolean;
  /** The stand-in's share of projects behind time progress (the warnings at open); default 5%. */
  behindShare?: number;
  /** Each line the worker writes on stderr; without it, the worker's stderr is this process's. */
  onWorkerLine?: (line: string) => void;
  /** Run the processes' own task queues (the warning's) in a worker process of their own (WORKER_QUEUES). */
  splitWorkers?: boolean;
  /** 100 ms steps the API has to answer /healthz. */
  apiStartSteps?: number;
  log: Logger;
  say: (line: string) => void;
}

export interface BenchSystem {
  dir: string;
  temporal: DevServer;
  pg: LocalPostgres;
  fin: Awaited<ReturnType<typeof startFinanceService>>;
  financeLoadSeconds: number;
  env: Record<string, string>;
  config: Config;
  db: Awaited<ReturnType<typeof openProductDb>>;
  deps: Awaited<ReturnType<typeof buildDeps>>;
  worker: ChildProcess;
  /** The worker of the processes' own queues, with splitWorkers. */
  laneWorker: ChildProcess | null;
  api: ChildProcess;
  apiUrl: string;
  /** Closes everything that was started, last first; resolves once all is closed. */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for a child's exit (SIGKILL after 30 s). */
async function end(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

export async function startBenchSystem(o: BenchSystemOptions): Promise<BenchSystem> {
  if (!postgresBin()) throw new Error('the benchmark runs on PostgreSQL (production’s database): install the Debian postgresql package');
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  const closers: Array<{ what: string; close: () => unknown }> = [{ what: 'the data directory', close: () => rmSync(dir, { recursive: true, force: true }) }];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const c of closers.reverse()) {
        try {
          await c.close();
        } catch (e) {
          o.say(`closing ${c.what} failed: ${(e as Error).stack ?? String(e)}`);
        }
      }
    })());
  try {
    const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _session, cb) => { s.resume(); s.on('end', () => cb()); } });
    const smtpPort = await freePort();
    await new Promise<void>((r) => sink.listen(smtpPort, '127.0.0.1', () => r()));
    closers.push({ what: 'the SMTP sink', close: () => sink.close() });
    // the server's warnings, each kind once (time and workflow ids aside) and then counted: a burst of
    // thousands of the same line (an Update aborted under load) would bury the line that matters
    const seen = new Map<string, number>();
    const serverWarn = (line: string): void => {
      const kind = line.replace(/time=\S+|wf-id=\S+|wf-run-id=\S+|run-id=\S+|workflow-id=\S+/g, '');
      const n = seen.get(kind) ?? 0;
      seen.set(kind, n + 1);
      if (n === 0) o.say(line);
      else if ([10, 100, 1000, 10_000].includes(n + 1)) o.say(`(Temporal server: ${n + 1} of this kind so far) ${line}`);
    };
    const temporal = await startDevServer({ dbFile: o.temporalDbFile ? o.temporalDbFile(dir) : join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), namespace: 'bench', headless: true, log: { info: () => undefined, warn: serverWarn } });
    closers.push({ what: "the Temporal server's warnings", close: () => { for (const [kind, n] of seen) if (n > 1) o.say(`Temporal server: ${n}× ${kind.trim().slice(0, 300)}`); } });
    closers.push({ what: 'the Temporal dev server', close: () => temporal.stop() });
    const pg = startPostgres(dir, await freePort(), o.pgStats ? { preload: ['pg_stat_statements'] } : {});
    closers.push({ what: 'PostgreSQL', close: () => pg.stop() });
    const f0 = performance.now();
    const fin = await startFinanceService({ port: 0, url: pg.url, scale: o.finance, log: o.log, ...(o.behindShare !== undefined ? { behindShare: o.behindShare } : {}) });
    const financeLoadSeconds = (performance.now() - f0) / 1000;
    closers.push({ what: 'the finance stand-in', close: () => fin.stop() });
    const apiPort = await freePort();
    const env: Record<string, string> = { FINANCE_URL: fin.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'bench', TASK_QUEUE: o.taskQueue, JIXIAO_DATA_DIR: dir, SMTP_PORT: String(smtpPort), LOG_LEVEL: 'warn', API_PORT: String(apiPort), REGION: o.region, DATABASE_URL: pg.url };
    const config = loadConfig(env as NodeJS.ProcessEnv);
    const db = await openProductDb(config, o.log); // migrates before the worker and the API start
    closers.push({ what: "the load generator's database pool", close: () => db.close() });
    const deps = await buildDeps(config, { log: o.log, db }); // this process's Temporal client
    closers.push({ what: "the load generator's Temporal client", close: () => deps.close() });

    // a worker process started as a deployment starts it (worker/runtime.ts: the Dockerfile's settings),
    // the caller's environment winning, then the options and queues given
    const spawnWorker = (nodeArgs: string[], queues: Record<string, string>, stderr: 'pipe' | 'inherit'): ChildProcess =>
      spawn(process.execPath, [...WORKER_NODE_ARGS, ...nodeArgs, '--import', 'tsx', fileURLToPath(new URL('./worker.ts', import.meta.url))], {
        env: { ...WORKER_PROCESS_ENV, ...process.env, ...env, ...queues },
        stdio: ['ignore', 'ignore', stderr, 'ipc'],
      });
    let laneWorker: ChildProcess | null = null;
    if (o.splitWorkers) {
      const lane = spawnWorker([], { WORKER_QUEUES: 'warning' }, 'inherit');
      closers.push({ what: 'the warning queue worker', close: () => end(lane) });
      await new Promise<void>((resolve, reject) => {
        lane.once('message', () => resolve());
        lane.once('exit', (code) => reject(new Error(`the warning queue worker exited (${code}) before it started`)));
      });
      laneWorker = lane;
    }
    const worker = spawnWorker(o.workerNodeArgs ?? [], o.splitWorkers ? { WORKER_QUEUES: 'main' } : {}, o.onWorkerLine ? 'pipe' : 'inherit');
    closers.push({ what: 'the worker', close: () => end(worker) });
    if (o.onWorkerLine) createInterface({ input: worker.stderr! }).on('line', o.onWorkerLine);
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started`)));
    });
    // its log (warnings and errors at LOG_LEVEL warn) goes to this process's output: a 500 says why
    const apiNodeArgs = o.apiNodeArgs ?? (o.workerNodeArgs ?? []).filter((a) => a.startsWith('--cpu-prof')).map((a) => (a.startsWith('--cpu-prof-dir=') ? `${a}/api` : a));
    const api = spawn(process.execPath, [...apiNodeArgs, '--import', 'tsx', fileURLToPath(new URL('../api/main.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    closers.push({ what: 'the API', close: () => end(api) });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    for (let i = 0; !(await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false)); i++) {
      if (i > (o.apiStartSteps ?? 300)) throw new Error('the API did not start');
      if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode}) before it started`);
      await sleep(100);
    }
    return { dir, temporal, pg, fin, financeLoadSeconds, env, config, db, deps, worker, laneWorker, api, apiUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
