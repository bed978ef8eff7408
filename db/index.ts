// The product's SQL database: embedded PGlite by default, PostgreSQL when a URL is given.
// Same SQL for both; callers see only `Db`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { PGlite as PGliteType } from '@electric-sql/pglite';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; rolls back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://… — when set, PostgreSQL is used. */
  url?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** Schema used as search_path (created if missing). */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Db> {
  const schema = opts.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const db = opts.url ? await openPostgres(opts.url, schema, opts.poolSize ?? 10) : await openPglite(opts.dataDir, schema);
  return db;
}

/** The embedded database directory is open in another live process (PGlite is single-process). */
export class DbInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${dataDir} is open in process ${pid} (is \`npm start\` running?)`);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** One opener per PGlite directory: a second process opening it would corrupt it. */
function lockDir(dataDir: string): () => void {
  const file = join(dataDir, 'jixiao.lock');
  let holder = NaN;
  try {
    holder = Number(readFileSync(file, 'utf8').trim());
  } catch {
    /* no lock */
  }
  if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) throw new DbInUseError(dataDir, holder);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

async function openPglite(dataDir: string | undefined, schema: string): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDir(dataDir) : () => undefined;
  const lite: PGliteType = await PGlite.create(dataDir ? { dataDir } : {});
  await lite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}, public;`);
  const q: Queryable = {
    async query(sql, params) {
      const r = await lite.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as never[] };
    },
  };
  return {
    kind: 'pglite',
    query: q.query,
    async tx(fn) {
      return lite.transaction(async (t) =>
        fn({
          async query(sql, params) {
            const r = await t.query(sql, params as unknown[] | undefined);
            return { rows: r.rows as never[] };
          },
        }),
      );
    },
    async exec(sql) {
      await lite.exec(sql);
    },
    async close() {
      await lite.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, schema: string, max: number): Promise<Db> {
  // bigint (int8) as JS number: all our int8 values (fen, counters) are safe integers.
  pg.types.setTypeParser(20, (v) => Number(v));
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await setup.end();
  const pool = new pg.Pool({ connectionString: url, max, options: `-c search_path=${schema},public` });
  return {
    kind: 'postgres',
    async query(sql, params) {
      const r = await pool.query(sql, params);
      return { rows: r.rows };
    },
    async tx(fn) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const out = await fn({
          async query(sql, params) {
            const r = await c.query(sql, params);
            return { rows: r.rows };
          },
        });
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        c.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
