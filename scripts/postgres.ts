// A throwaway PostgreSQL server (for the benchmark and the PostgreSQL parity test), from the
// machine's Debian packages (/usr/lib/postgresql/<version>/bin): initdb in <dir>/pg, pg_ctl start on
// 127.0.0.1:<port> with trust authentication, one database `jixiao`. PostgreSQL refuses to run as
// root, so as root the server runs as the user `postgres`, which then must reach <dir>.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';

export interface LocalPostgres {
  /** postgres://postgres@127.0.0.1:<port>/jixiao */
  url: string;
  port: number;
  /** The cluster's data directory (<dir>/pg). */
  dataDir: string;
  /** Stops the server (fast shutdown); safe to call more than once. */
  stop(): void;
}

export interface StartPostgresOptions {
  /** shared_buffers; default 512MB (the benchmark's). */
  sharedBuffers?: string;
  maxConnections?: number;
  /** shared_preload_libraries, e.g. ['pg_stat_statements'] (the benchmark's `--pg-stats`). */
  preload?: string[];
}

const ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest installed PostgreSQL server, or null when there is none. */
export function postgresBin(): string | null {
  if (!existsSync(ROOT)) return null;
  const versions = readdirSync(ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(ROOT, v, 'bin');
    if (['initdb', 'pg_ctl', 'postgres', 'createdb'].every((c) => existsSync(join(bin, c)))) return bin;
  }
  return null;
}

/** uid/gid of a local user, or null. */
function lookupUser(name: string): { uid: number; gid: number } | null {
  const id = (flag: string): number | null => {
    const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
    return r.status === 0 ? Number(r.stdout.trim()) : null;
  };
  const uid = id('-u');
  const gid = id('-g');
  return uid === null || gid === null ? null : { uid, gid };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function startPostgres(dir: string, port: number, opts: StartPostgresOptions = {}): LocalPostgres {
  const bin = postgresBin();
  if (!bin) throw new Error(`PostgreSQL server binaries not found under ${ROOT}/<version>/bin (Debian/Ubuntu: apt-get install postgresql)`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`startPostgres: invalid port ${port}`);
  const base = resolve(dir);
  if (!existsSync(base) || !statSync(base).isDirectory()) throw new Error(`startPostgres: ${base} is not a directory`);
  const data = join(base, 'pg');
  // the server log goes into the data directory once initdb has made it (initdb wants it empty)
  const logFile = join(data, 'server.log');
  if (existsSync(data) && readdirSync(data).length) throw new Error(`startPostgres: ${data} already exists and is not empty`);
  mkdirSync(data, { recursive: true, mode: 0o700 });

  // As root the server runs as `postgres`: it must own its data directory and reach it (mkdtemp
  // directories are 0700 root, so the parent gets the search bit for others, nothing more).
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? lookupUser('postgres') : null;
  if (asRoot && !owner) {
    throw new Error('startPostgres: running as root, and PostgreSQL will not run as root; there is no user "postgres" to run it as (install the postgresql package or create the user)');
  }
  if (owner) {
    chmodSync(base, (statSync(base).mode & 0o7777) | 0o711);
    chownSync(data, owner.uid, owner.gid);
  }
  const who = owner ? 'postgres' : userInfo().username;

  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    // cwd: a directory the server's user can read (not root's working directory)
    const r = spawnSync(file, argv, { encoding: 'utf8', cwd: data, timeout: 120_000 });
    if (r.error) throw new Error(`${cmd} could not be run (as ${who}): ${r.error.message}`);
    if (r.status !== 0) {
      const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
      const log = cmd === 'pg_ctl' ? tail(logFile) : '';
      throw new Error(
        `${cmd} ${args.join(' ')} failed (as ${who}, ${r.signal ? `signal ${r.signal}` : `exit ${r.status}`})` +
          (out ? `:\n${out}` : '') +
          (log ? `\nserver log (${logFile}):\n${log}` : ''),
      );
    }
  };

  if (owner) {
    // a parent directory above <dir> may still shut `postgres` out: say so instead of initdb's riddle
    const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', data], { cwd: '/' });
    if (probe.status !== 0) {
      throw new Error(`startPostgres: user postgres cannot write ${data}; a parent directory of ${base} is not searchable by others (use a directory under /tmp)`);
    }
  }

  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-instructions', '-E', 'UTF8', '--locale=C']);
  const settings = [
    `-p ${port}`,
    `-k ${data}`,
    '-c listen_addresses=127.0.0.1',
    `-c shared_buffers=${opts.sharedBuffers ?? '512MB'}`,
    `-c max_connections=${opts.maxConnections ?? 100}`,
    ...(opts.preload?.length ? [`-c shared_preload_libraries=${opts.preload.join(',')}`] : []),
  ].join(' ');

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    // already down (crashed, never came up, or stopped by someone else): nothing to do
    const pgCtl = join(bin, 'pg_ctl');
    const status = owner
      ? spawnSync('runuser', ['-u', 'postgres', '--', pgCtl, '-D', data, 'status'], { cwd: '/' })
      : spawnSync(pgCtl, ['-D', data, 'status'], { cwd: '/' });
    // 3: not running, 4: no data directory; anything else: stop it (a failure may be retried)
    if (status.status !== 3 && status.status !== 4) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    stopped = true;
    process.removeListener('exit', onExit);
  };
  // a test runner or benchmark that exits without stopping it leaves no server behind
  const onExit = (): void => {
    try {
      stop();
    } catch {
      /* exiting anyway */
    }
  };
  process.once('exit', onExit);
  try {
    run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', settings, 'start']);
    run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'jixiao']);
  } catch (e) {
    try {
      stop();
    } catch {
      /* reporting the first failure */
    }
    throw e;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/jixiao`, port, dataDir: data, stop };
}
