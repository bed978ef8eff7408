// The worker: every workflow and activity of jixiao on one task queue, plus the mail dispatcher.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Deps } from '../app/deps';
import { createActivities } from '../activities';
import { createDispatcher } from '../notifications/dispatcher';
import { connectionOptions } from '../app/temporalConnection';

export const WORKFLOWS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

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

export async function startWorker(deps: Deps, overrides: Partial<WorkerOptions> = {}): Promise<RunningWorker> {
  const { config, log } = deps;
  installRuntime(log);
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ db: deps.db, publicUrl: config.api.publicUrl, finance: deps.finance }),
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentLocalActivityExecutions: 100,
    shutdownGraceTime: '10s',
    ...overrides,
  });
  const dispatcher = createDispatcher({ db: deps.db, mailer: deps.mailer, log, inboxUrl: `${config.api.publicUrl}/` });
  dispatcher.start();
  const done = worker
    .run()
    .finally(async () => {
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
