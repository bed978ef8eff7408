// The worker: every workflow and activity of jixiao on the main task queue, and on the own queue of each
// process that has one (ProcessManifest.ownTaskQueue: a worker with slots of its own), from one
// workflow bundle; WORKER_QUEUES picks the queues a process polls; plus the mail dispatcher.
import { dataConverter } from '../app/codec';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import type { FaultSinks } from '../workflows/humanTask/board';
import type { Logger } from 'pino';
import type { Deps } from '../app/deps';
import { createActivities } from '../activities';
import { processActivities, processStartups, workflowsEntry } from './processes';
import { preloadableModules } from './preload';
import { bundleOutOfProcess } from './bundle';
import type { ProcessManifest } from '../contracts/manifest.zod';
import { ownTaskQueueName } from '../contracts/taskQueues';
import { PROCESSES } from '../contracts/registry.zod';
import { createDispatcher } from '../notifications/dispatcher';
import { connectionOptions } from '../app/temporalConnection';
import { reconcile } from '../app/reconcile';

/** The bundle entry of every registered process's workflows (see worker/processes.ts). */
export const WORKFLOWS_PATH = workflowsEntry();

/**
 * Workflow tasks a worker holds at once (each queue's). A task's clock runs from the moment the
 * worker takes it, and two workflow threads work through them: at 100, a busy round held up to 100
 * waiting in the worker, and a batch's first task ran up to 2.5-7.7 s (Temporal's timeout is 10 s);
 * at 20 the rest wait in the server's queue, where no timeout runs. Xinjiang 2020 shape, 2026-12-04,
 * two runs each: longest batch task 1.6-1.8 s (2.5-2.9 s at 100), opening the same ratio to the
 * ceiling (4.9-5.0x), a batch's start -> its suspensions p99 9.2-13.1 s (9.2-11.1 s). At 8 the tasks
 * stayed under 1.6 s, but a batch's suspensions waited up to 18-19 s p99: money first wins.
 */
const WORKFLOW_TASK_SLOTS = 20;

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after shutdown() or a fatal error). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/** The SDK's logger interface over ours; its routine INFO lines become debug. */
function sdkLogger(log: Logger) {
  const sdk = log.child({ component: 'temporal' });
  const at = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => sdk[level](meta ?? {}, message);
  return {
    log: (level: string, message: string, meta?: Record<string, unknown>) => sdk[level === 'INFO' ? 'debug' : (level.toLowerCase() as 'warn')](meta ?? {}, message),
    trace: at('trace'),
    debug: at('debug'),
    info: at('debug'),
    warn: at('warn'),
    error: at('error'),
  };
}

/** Routes the SDK's own logs into ours. */
function installRuntime(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: sdkLogger(log) });
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
  const workflowsPath = overrides.workflowsPath ?? (processes ? workflowsEntry(processes) : WORKFLOWS_PATH);
  const wanted = config.temporal.workerQueues;
  const polls = (q: string): boolean => wanted === 'all' || wanted.includes(q);
  const declared = [...new Set((processes ?? PROCESSES).flatMap((p) => (p.ownTaskQueue ? [p.ownTaskQueue] : [])))];
  const unknown = wanted === 'all' ? [] : wanted.filter((q) => q !== 'main' && !declared.includes(q));
  if (unknown.length) throw new Error(`WORKER_QUEUES: no process has the task queue ${unknown.join(', ')} (known: main, ${declared.join(', ')})`);
  const own = declared.filter(polls);
  const main = polls('main');
  // one bundle for every queue's worker (bundling is seconds and memory)
  // the contracts modules are evaluated once and shared by every execution (worker/preload.ts)
  const preloadModules = preloadableModules(workflowsPath);
  const built = !overrides.workflowBundle && config.temporal.bundle === 'child' ? await bundleOutOfProcess(workflowsPath) : null;
  const code = built
    ? { workflowBundle: { codePath: built.codePath } }
    : own.length + (main ? 1 : 0) > 1 && !overrides.workflowBundle
      ? { workflowBundle: await bundleWorkflowCode({ workflowsPath, preloadModules, logger: sdkLogger(log) }) }
      : { workflowsPath, bundlerOptions: { preloadModules } };
  const { workflowsPath: _path, ...rest } = overrides;
  void _path;
  const activities = { ...createActivities(activityDeps), ...(await processActivities(activityDeps, processes)) };
  const common = {
    connection,
    namespace: config.temporal.namespace,
    ...code,
    activities,
    sinks: {
      faults: { point: { fn: (_info, name: string, workflowId: string) => deps.faults.hit(name, { workflowId }), callDuringReplay: false } },
    } satisfies InjectedSinks<FaultSinks>,
    shutdownGraceTime: '10s',
    // payloads of 2 KiB or more deflated, as the API's client does (app/codec.ts)
    dataConverter: dataConverter(config.temporal.compressPayloads),
  };
  const creating = (async () => {
    const mainWorker = !main ? [] : [await Worker.create({
      ...common,
      taskQueue: config.temporal.taskQueue,
      maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
      maxConcurrentActivityTaskExecutions: 100,
      maxConcurrentLocalActivityExecutions: 100,
      // every cached execution holds its own copy of the bundle's module state (measured at 29,891 open
      // tasks: 2 GB RSS at the SDK's default of ~2,000 cached, 1.5 GB at 400); below a round's working
      // set (~700 boards and parts) evicted boards replay their histories on every decision (9.7 s
      // workflow tasks and aborted Updates at 250), so the cache holds the working set and no more
      maxCachedWorkflows: 1000,
      // two workflow threads (the SDK's default with a reusable context is one): a round's batches run
      // ~1.6 ms of workflow code per form. Xinjiang 2020 shape, 2026-12-03 00:13 (2 runs each): the same
      // 418–420 forms/s, trigger → suspension p99 861–2,247 ms on one thread and 778–981 ms on two, for
      // 1,388 → 1,677 MiB worker RSS at 29,891 open tasks (each thread is a heap of its own)
      workflowThreadPoolSize: 2,
      // a round starts hundreds of new executions at once: more pollers on the normal queue (the SDK's 0.2 gives it 2 of 10)
      nonStickyToStickyPollRatio: 0.5,
      ...rest,
    })];
    // short tasks that arrive in bursts (a round's warnings): slots and pollers enough for a burst, a
    // thread of its own, most pollers on the normal queue (a new warning's first task arrives there)
    const lanes = await Promise.all(
      own.map((q) =>
        Worker.create({
          ...common,
          taskQueue: ownTaskQueueName(config.temporal.taskQueue, q),
          maxConcurrentWorkflowTaskExecutions: WORKFLOW_TASK_SLOTS,
          maxConcurrentActivityTaskExecutions: 50,
          maxConcurrentLocalActivityExecutions: 100,
          maxConcurrentWorkflowTaskPolls: 20,
          nonStickyToStickyPollRatio: 0.8,
          // a warning waits for people for days: short histories, cheap to replay when evicted
          maxCachedWorkflows: 150,
          ...rest,
        }),
      ),
    );
    return { mainWorker, lanes };
  })();
  // every worker has read the bundle's file once created (or failed)
  const { mainWorker, lanes } = await creating.finally(() => built?.remove());
  // the start-up hooks (the round Schedules), the mail dispatcher and the drift check run with the main queue
  if (main) await processStartups(activityDeps, processes);
  const dispatcher = main ? createDispatcher({ db: deps.db, mailer: deps.mailer, log, inboxUrl: `${config.api.publicUrl}/` }) : null;
  dispatcher?.start();
  const drift = main ? startDriftCheck(deps) : { stop: async () => undefined };
  const all = [...mainWorker, ...lanes];
  if (!all.length) throw new Error('WORKER_QUEUES: this worker polls no task queue');
  // one worker failing stops the others: the process runs all of its queues or none
  const runs = all.map((w) =>
    w.run().catch((e: unknown) => {
      for (const o of all) if (o.getState() === 'RUNNING') o.shutdown();
      throw e;
    }),
  );
  const done = Promise.allSettled(runs)
    .then((rs) => {
      const failed = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    })
    .finally(async () => {
      await drift.stop();
      await dispatcher?.stop();
      await connection.close();
    });
  log.info({ taskQueue: config.temporal.taskQueue, queues: [...(main ? ['main'] : []), ...own], namespace: config.temporal.namespace }, 'worker started');
  return {
    worker: all[0],
    done,
    async shutdown() {
      for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
