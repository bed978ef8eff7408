// The worker as its own process (production: `tsx worker/main.ts`); `npm start` runs it in-process instead.
import { loadConfig } from '../config';
import { buildDeps, createLogger } from '../app/deps';
import { waitForTemporal } from '../scripts/temporal';
import { connectionOptions } from '../app/temporalConnection';
import { startWorker } from './worker';

const config = loadConfig();
const log = createLogger(config, 'worker');
await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 300_000, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
const deps = await buildDeps(config, { log });
const worker = await startWorker(deps);
const stop = async (): Promise<void> => {
  await worker.shutdown();
  await deps.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
await worker.done;
