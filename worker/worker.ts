// The worker: every workflow and activity of jixiao on one task queue, plus the mail dispatcher.
import { NativeConnection, Runtime, Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import type { FaultSinks } from '../workflows/humanTask/board';
import type { Logger } from 'pino';
import type { Deps } from '../app/deps';
import { createActivities } from '../activities';
import { processActivities, processStartups, workflowsEntry } from './processes';
import type { ProcessManifest } from '../contracts/manifest.zod';
import { createDispatcher } from '../notifications/dispatcher';
import { connectionOptions } from '../app/temporalConnection';
import { reconcile } from '../app/reconcile';

/** The bundle entry of every registered process's workflows (see worker/processes.ts). */
export const WORKFLOWS_PATH = workflowsEntry();

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** Routes the SDK's own logs into ours; its routine INFO lines become debug. */
function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const sdk = log.child({ component: 'temporal' });
  const at = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => sdk[level](meta ?? {}, message);
  Runtime.install({
    logger: {
      log: (level, message, meta) => sdk[level === 'INFO' ? 'debug' : (level.toLowerCase() as 'warn')](meta ?? {}, message),
      trace: at('trace'),
      debug: at('debug'),
      info: at('debug'),
      warn: at('warn'),
      error: at('error'),
    },
  });
}

/**
 * Compares the inbox with Temporal now and then and corrects what differs (each difference is
 * logged at warn): a safety net under the projection, which follows Temporal's committed history.
 */
function startDriftCheck({ config, db, temporal, log }: Deps): { stop(): Promise<void> } {
  if (!config.reconcile.everyMs) return { stop: async () => undefined };
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= reconcile(db, temporal, log.child({ component: 'drift-check' }))
      .catch((e: unknown) => log.warn({ err: e }, 'drift check failed'))
      .finally(() => (running = null));
  }, config.reconcile.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** `processes`: the processes it runs (default: the registry's; a test adds its own). */
export async function startWorker(deps: Deps, overrides: Partial<WorkerOptions> = {}, { processes }: { processes?: readonly ProcessManifest[] } = {}): Promise<RunningWorker> {
  const { config, log } = deps;
  installRuntime(log);
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const activityDeps = { db: deps.db, publicUrl: config.api.publicUrl, finance: deps.finance, faults: deps.faults, log, temporal: deps.temporal, taskQueue: config.temporal.taskQueue, region: config.region };
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: processes ? workflowsEntry(processes) : WORKFLOWS_PATH,
    activities: { ...createActivities(activityDeps), ...(await processActivities(activityDeps, processes)) },
    sinks: {
      faults: { point: { fn: (_info, name: string, workflowId: string) => deps.faults.hit(name, { workflowId }), callDuringReplay: false } },
    } satisfies InjectedSinks<FaultSinks>,
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: 100,
    shutdownGraceTime: '10s',
    ...overrides,
  });
  await processStartups(activityDeps, processes);
  const dispatcher = createDispatcher({ db: deps.db, mailer: deps.mailer, log, inboxUrl: `${config.api.publicUrl}/` });
  dispatcher.start();
  const drift = startDriftCheck(deps);
  const done = worker
    .run()
    .finally(async () => {
      await drift.stop();
      await dispatcher.stop();
      await connection.close();
    });
  log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
