// The API as its own process (production: `tsx api/main.ts`); `npm start` runs it in-process instead.
import { loadConfig } from '../config';
import { buildDeps, createLogger } from '../app/deps';
import { waitForTemporal } from '../scripts/temporal';
import { connectionOptions } from '../app/temporalConnection';
import { startApi } from './server';

const config = loadConfig();
const log = createLogger(config, 'api');
await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 300_000, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
const deps = await buildDeps(config, { log });
const api = await startApi(deps);
log.info({ url: config.api.publicUrl }, 'API listening');
const stop = async (): Promise<void> => {
  await api.close();
  await deps.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
