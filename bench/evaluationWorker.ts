// The evaluation benchmark's worker, a process of its own (bench/evaluation.ts spawns it): the
// product's worker with the evaluation's workflows and the trivial one. `ready` on IPC once it polls.
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startWorker } from '../worker/worker';

const config = loadConfig();
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const db = await openProductDb(config, log);
const deps = await buildDeps(config, { log, db });
const worker = await startWorker(deps, { workflowsPath: fileURLToPath(new URL('./evaluationWorkflows.ts', import.meta.url)) });
process.send?.('ready');
const stop = async (): Promise<void> => {
  await worker.shutdown();
  await deps.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
