// The finance stand-in as a process of its own: its own store (schema `finance`, embedded PGlite in its
// own data dir by default), seeded once with a synthetic data set, listening on its own port.
// Run: `tsx finance/main.ts` (npm run finance), or start it in-process with startFinanceService().
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../config/index';
import { openDb, type Db } from '../db/index';
import { migrate } from '../db/migrate';
import { Faults } from './faults';
import type { ScaleName, ScaleSpec } from './generate';
import { seedIfEmpty } from './load';
import { DEFAULT_CASES, seedCasesIfEmpty } from './store/cases';
import { createFinanceApp } from './server';

export const FINANCE_MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface StartFinanceOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** An open store; otherwise one is opened from url / dataDir (neither: in memory). */
  db?: Db;
  dataDir?: string;
  url?: string;
  /** Data set to load when the store is empty. */
  scale?: ScaleName | ScaleSpec;
  /** GenerateOptions.projectIdPrefix. */
  projectIdPrefix?: string;
  /** GenerateOptions.behindShare: the share of projects behind time progress (default 5%). */
  behindShare?: number;
  seed?: number;
  year?: number;
  /** The region profile's pre-assessment gate the generated data follows (GenerateOptions.gate). */
  gate?: { mandatoryAboveFen: number; keyAssessmentFromFen: number };
  /** The region profile's case library (preAssessment.caseLibrary): how many past cases over how many industries. */
  cases?: { count: number; industries: number };
  log?: Logger;
}

export interface FinanceService {
  url: string;
  db: Db;
  faults: Faults;
  stop(): Promise<void>;
}

export async function startFinanceService(opts: StartFinanceOptions): Promise<FinanceService> {
  const log = opts.log ?? pino({ name: 'finance' });
  const db = opts.db ?? (await openDb({ url: opts.url, dataDir: opts.dataDir, schema: 'finance' }));
  await migrate(db, FINANCE_MIGRATIONS);
  const seeded = await seedIfEmpty(db, { scale: opts.scale ?? 'demo', seed: opts.seed, year: opts.year, gate: opts.gate, projectIdPrefix: opts.projectIdPrefix, ...(opts.behindShare !== undefined ? { behindShare: opts.behindShare } : {}) });
  if (seeded) log.info(seeded, 'finance store seeded');
  // the case library is seeded on its own (a store seeded before it existed gets it too)
  const year = ((await db.query<{ value: { year: number } }>(`SELECT value FROM meta WHERE key = 'dataset'`)).rows[0]?.value.year ?? opts.year) || new Date().getUTCFullYear();
  const casesSeeded = await seedCasesIfEmpty(db, { ...(opts.cases ?? DEFAULT_CASES), seed: opts.seed, year });
  if (casesSeeded) log.info({ cases: casesSeeded }, 'finance case library seeded');
  const faults = new Faults();
  const host = opts.host ?? '127.0.0.1';
  const server = await listen(createFinanceApp({ db, log, faults }), opts.port, host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${host}:${port}`;
  log.info({ url }, 'finance data service listening');
  return {
    url,
    db,
    faults,
    async stop() {
      faults.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.db) await db.close();
    },
  };
}

function listen(app: ReturnType<typeof createFinanceApp>, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new Error(`finance service: port ${port} on ${host} is already in use (set FINANCE_PORT)`) : e),
    );
  });
}

/**
 * Started by `npm start` (with an IPC channel): ready is reported over the channel, so the parent
 * knows it talks to this process and not to whatever else answers on the port; when the channel
 * closes (the parent died, even by SIGKILL) this process stops too; Ctrl-C in the terminal is left
 * to the parent, which stops the parts in order (the worker drains while the stand-in still answers).
 */
async function runFromCommandLine(): Promise<void> {
  const cfg = loadConfig();
  const log = pino({ name: 'finance', level: cfg.logLevel });
  const supervised = typeof process.send === 'function';
  let svc: FinanceService | undefined;
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), 5_000).unref(); // a stuck close must not keep an orphan alive
    void (svc?.stop() ?? Promise.resolve()).then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.once('SIGTERM', () => stop(0));
  if (supervised) {
    process.once('disconnect', () => {
      log.warn('the process that started the finance stand-in is gone: stopping');
      stop(1);
    });
    process.on('SIGINT', () => log.debug('SIGINT: the parent process stops the stand-in'));
    if (!process.connected) stop(1);
  } else {
    process.once('SIGINT', () => stop(0));
  }
  try {
    svc = await startFinanceService({
      port: cfg.finance.port,
      url: cfg.financeDb.url,
      dataDir: cfg.financeDb.url ? undefined : cfg.financeDb.dataDir,
      scale: cfg.finance.scale,
      gate: { mandatoryAboveFen: cfg.region.preAssessment.mandatoryAboveFen, keyAssessmentFromFen: cfg.region.preAssessment.keyAssessmentFromFen },
      cases: cfg.region.preAssessment.caseLibrary,
      log,
    });
    if (stopping) await svc.stop();
    else if (supervised) process.send?.({ type: 'ready', url: svc.url, pid: process.pid });
  } catch (e) {
    log.fatal((e as Error).message);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runFromCommandLine();
