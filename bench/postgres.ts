// A throwaway PostgreSQL server for the benchmark, from the machine's Debian packages
// (/usr/lib/postgresql/<v>/bin), in a temporary directory, on a free port, owned by `postgres`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalPostgres {
  url: string;
  stop(): void;
}

export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const v = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const bin = v ? join(root, v, 'bin') : '';
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
}

export function startPostgres(dir: string, port: number): LocalPostgres {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  const data = join(dir, 'pg');
  mkdirSync(data, { recursive: true });
  const asPostgres = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]): void => {
    const full = asPostgres ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  if (asPostgres) {
    chownSync(dir, 101, 104);
    execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  }
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-instructions', '-E', 'UTF8', '--locale=C']);
  run('pg_ctl', ['-D', data, '-l', join(data, 'log'), '-w', '-o', `-p ${port} -k ${data} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_connections=100`, 'start']);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'jixiao']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/jixiao`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}
