// The API and the worker in a process of their own, on an embedded database directory, so that a
// fault test can kill -9 them at a chosen point (JIXIAO_FAULTS) and start them again on the same
// data. Prints one JSON line {"url": …} once it listens.
import { loadConfig } from '../../config';
import { buildDeps, createLogger } from '../../app/deps';
import { startApi } from '../../api/server';
import { startWorker } from '../../worker/worker';

const config = loadConfig();
// no finance stand-in runs beside it: no project library entries (as in test/helpers/system.ts)
config.region.preAssessment.projectLibrary = false;
const log = createLogger(config, 'child');
const deps = await buildDeps(config, { log });
const api = await startApi(deps, 0, '127.0.0.1');
config.api.publicUrl = api.url;
// without a worker (JIXIAO_CHILD_WORKER=false) nothing moves in Temporal: the inbox can be read as it was left
const worker = process.env.JIXIAO_CHILD_WORKER === 'false' ? null : await startWorker(deps);
process.stdout.write(`${JSON.stringify({ url: api.url, pid: process.pid })}\n`);
const stop = async (): Promise<void> => {
  await api.close();
  await worker?.shutdown();
  await deps.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
