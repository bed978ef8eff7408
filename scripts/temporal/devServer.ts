// The Temporal dev server of `npm start` (and of tests that stop and restart one): starts
// `temporal server start-dev` in a process group of its own with jixiao's namespace and search
// attributes and SQLite in WAL mode, waits until it answers, reports its exit (scripts/supervise.ts
// restarts it), stops it gracefully, and never leaves it behind (guard.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { children, installExitHook, spawnGuard } from './guard';
import { ensureTemporalCli } from './install';
import { assertPortFree } from './ports';
import { ensureSearchAttributes, SEARCH_ATTRIBUTES } from './searchAttributes';
import { defaultLog, lastLines, rel, REPO_ROOT, run, type Log } from './util';
import { waitForTemporal } from './wait';

export interface DevServer {
  address: string;
  uiUrl: string;
  /** The server's pid (for diagnostics). */
  pid: number;
  /** Settles when the server process has exited, stopped or not (a supervisor restarts it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  /** SQLite file for persistence; without it the server keeps everything in memory. */
  dbFile?: string;
  port: number;
  uiPort: number;
  namespace: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** Disable the Web UI (the UI is on by default). */
  headless?: boolean;
  /** The UI's remote codec (the API's /api/codec): it shows the payloads jixiao deflated as JSON. */
  codecEndpoint?: string;
  /** How long to wait for the frontend to answer; default 30 s. */
  startTimeoutMs?: number;
  log?: Log;
}

const helpCache = new Map<string, Promise<string>>();
function startDevHelp(cli: string): Promise<string> {
  let p = helpCache.get(cli);
  if (!p) {
    p = run(cli, ['server', 'start-dev', '--help']).then((r) => r.output);
    helpCache.set(cli, p);
  }
  return p;
}


/**
 * Starts `temporal server start-dev` on 127.0.0.1 with jixiao's namespace and search attributes,
 * waits until it answers, and makes sure the search attributes exist (older db files).
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? defaultLog;
  const { port, uiPort, namespace } = opts;
  await assertPortFree(port, `port ${port} is in use: another Temporal? stop it, or set TEMPORAL_PORT=<free port> (or TEMPORAL_ADDRESS=host:port to use that server)`);
  if (!opts.headless) {
    await assertPortFree(uiPort, `port ${uiPort} (Temporal Web UI) is in use: set TEMPORAL_UI_PORT=<free port>`);
  }
  const cli = await ensureTemporalCli({ log });
  const help = await startDevHelp(cli);

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', opts.logLevel ?? 'error');
  if (opts.headless) args.push('--headless');
  else {
    args.push('--ui-port', String(uiPort));
    if (help.includes('--ui-disable-news-fetch')) args.push('--ui-disable-news-fetch');
    if (opts.codecEndpoint && help.includes('--ui-codec-endpoint')) args.push('--ui-codec-endpoint', opts.codecEndpoint);
  }
  if (opts.dbFile) {
    mkdirSync(dirname(resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    if (help.includes('--sqlite-pragma')) {
      args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
    }
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  // an activity scheduled by a workflow task comes back in that task's completion answer (the
  // board's projection activity): one round trip fewer per change; a cluster sets the same key
  if (help.includes('--dynamic-config-value')) {
    args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
    // (No cache size here: the dev server's one history shard already caches 8,096 executions
    // (history.hostLevelCacheMaxSize, set by the CLI); history.cacheMaxSize and
    // history.eventsCacheMaxSize, set here until 2026-12-03, are not keys of server 1.29 and later.)
  }

  const address = `127.0.0.1:${port}`;
  const uiUrl = opts.headless ? '' : `http://127.0.0.1:${uiPort}`;
  const t0 = Date.now();
  installExitHook();
  // detached: its own process group, out of reach of the terminal's Ctrl-C (see spawnGuard)
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: REPO_ROOT });
  children.add(child);
  const guard = child.pid ? spawnGuard(child.pid) : undefined;

  let output = '';
  let stopping = false;
  let started = false;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (!stopping && started) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) log.warn(`server: ${line.trim().slice(0, 500)}`);
    }
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (guard && guard.exitCode === null) guard.kill('SIGKILL');
      removeSignalHooks();
      resolveExit({ code, signal });
      if (!stopping && started) log.warn(`Temporal dev server exited unexpectedly (code ${code}, signal ${signal}): ${lastLines(output)}`);
    });
  });
  const failedToStart = new AbortController();
  child.on('error', (err) => failedToStart.abort(new Error(`cannot run ${cli}: ${err.message}`)));
  void exited.then(({ code, signal }) => {
    if (!started) {
      failedToStart.abort(
        new Error(`temporal server start-dev exited (code ${code}, signal ${signal}) before answering:\n    ${lastLines(output, 12)}`),
      );
    }
  });

  let stopPromise: Promise<void> | undefined;
  const stop = () => {
    stopPromise ??= (async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 10_000))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          log.warn('Temporal dev server did not stop within 10 s of SIGTERM: killing it');
          child.kill('SIGKILL');
          await exited;
        }
      }
      if (guard && guard.exitCode === null && guard.signalCode === null) guard.kill('SIGKILL');
      children.delete(child);
      removeSignalHooks();
    })();
    return stopPromise;
  };

  // Ctrl-C / SIGTERM to a process with no handler of its own: stop the server, then die of the
  // same signal as usual. (Where the host has its own handlers, the exit hook and guard cover us.)
  const signalHooks = new Map<NodeJS.Signals, () => void>();
  function removeSignalHooks() {
    for (const [sig, fn] of signalHooks) process.off(sig, fn);
    signalHooks.clear();
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
    const fn = () => {
      const others = process.listeners(sig).filter((l) => l !== fn);
      if (others.length > 0) return;
      void stop().finally(() => {
        process.off(sig, fn);
        process.kill(process.pid, sig);
      });
    };
    signalHooks.set(sig, fn);
    process.on(sig, fn);
  }

  try {
    await waitForTemporal(address, namespace, {
      timeoutMs: opts.startTimeoutMs ?? 30_000,
      log,
      signal: failedToStart.signal,
    });
    started = true;
    await ensureSearchAttributes(address, namespace, { log });
  } catch (err) {
    await stop();
    throw err;
  }
  log.info(
    `Temporal dev server up at ${address}, namespace ${namespace}` +
      (uiUrl ? `, Web UI ${uiUrl}` : '') +
      `, ${opts.dbFile ? `db ${rel(opts.dbFile)}` : 'in memory'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return { address, uiUrl, pid: child.pid ?? 0, exited, stop };
}
