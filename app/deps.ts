// The one place that builds dependencies (config, database, Temporal client, mailer, logger) and
// hands them to the API, the activities and the worker. Tests build the same with their own values.
import { dataConverter } from './codec';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import type { Config } from '../config';
import { openDb, type Db } from '../db';
import { migrate } from '../db/migrate';
import { createMailer, type Mailer } from '../notifications/mailer';
import type { FinanceClient } from '../contracts/finance/finance.zod';
import { HttpFinanceClient } from '../finance/client';
import { connectionOptions } from './temporalConnection';
import { seedDirectory } from './seed';
import { faultsFromEnv, type Faults } from './faults';
import { startAdminSocket, type AdminSocket } from './adminSocket';

export interface Deps {
  config: Config;
  log: Logger;
  db: Db;
  temporal: Client;
  mailer: Mailer;
  /** The finance department's integrated budget system (here: the stand-in, over HTTP). */
  finance: FinanceClient;
  /** Fault points for fault tests (inert unless JIXIAO_FAULTS arms them). */
  faults: Faults;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations');

export function createLogger(config: Pick<Config, 'logLevel'>, name = 'jixiao'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    name,
    level: config.logLevel,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}

export async function openProductDb(config: Config, log: Logger): Promise<Db> {
  const db = await openDb({ url: config.db.url, dataDir: config.db.url ? undefined : config.db.dataDir });
  const applied = await migrate(db, MIGRATIONS_DIR);
  if (applied.length) log.info({ applied }, 'database migrated');
  if (config.auth.demoUsers) await seedDirectory(db);
  return db;
}

export async function buildDeps(config: Config, opts: { log?: Logger; db?: Db } = {}): Promise<Deps> {
  const log = opts.log ?? createLogger(config);
  const db = opts.db ?? (await openProductDb(config, log));
  const connection = await Connection.connect(connectionOptions(config.temporal));
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.temporal.compressPayloads) });
  const mailer = createMailer(config.mail);
  const finance = new HttpFinanceClient({ baseUrl: config.finance.url });
  // the process holding the embedded database answers `npm run reconcile` (see adminSocket)
  const admin: AdminSocket | null = !opts.db && !config.db.url ? await startAdminSocket(adminSocketPath(config), { db, temporal, log }) : null;
  return {
    config,
    log,
    db,
    temporal,
    mailer,
    finance,
    faults: faultsFromEnv(),
    async close() {
      await admin?.close();
      mailer.close();
      await connection.close();
      if (!opts.db) await db.close();
    },
  };
}

export const adminSocketPath = (config: Pick<Config, 'dataDir'>): string => join(config.dataDir, 'admin.sock');
