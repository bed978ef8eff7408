// The Temporal set-up every process test shares: the run's server (test/globalSetup.ts), a client
// of it, and a worker on a task queue of its own for a test's workflows and activities.
import { dataConverter } from '../../app/codec';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { preloadableModules } from '../../worker/preload';

/** The run's Temporal server: host:port and the namespace with jixiao's search attributes. */
export const testTemporal = (): { address: string; namespace: string } => ({ address: inject('temporalAddress'), namespace: inject('temporalNamespace') });

/** A task queue no other test file uses. */
export const uniqueTaskQueue = (prefix = 'test'): string => `${prefix}-${process.pid}-${randomUUID()}`;

/** A client of the run's server; close it with `client.connection.close()`. */
export async function testClient(): Promise<Client> {
  const { address, namespace } = testTemporal();
  return new Client({ connection: await Connection.connect({ address }), namespace, dataConverter: dataConverter() });
}

export interface TestWorker {
  worker: Worker;
  taskQueue: string;
  /** Shuts the worker down, waits for it to stop, and closes the connection it opened. */
  stop(): Promise<void>;
}

export interface TestWorkerOptions extends Partial<Omit<WorkerOptions, 'connection' | 'taskQueue'>> {
  taskQueue?: string;
  /** Another server's connection (e.g. a time-skipping TestWorkflowEnvironment's nativeConnection): not closed by stop(). */
  connection?: NativeConnection;
}

/** A running worker for a test's workflows (workflowsPath or workflowBundle) and activities. */
export async function testWorker({ taskQueue = uniqueTaskQueue(), connection, ...options }: TestWorkerOptions): Promise<TestWorker> {
  const own = connection ? undefined : await NativeConnection.connect({ address: testTemporal().address });
  const worker = await Worker.create({
    namespace: connection ? undefined : testTemporal().namespace,
    // as the product's worker does: the contracts modules evaluated once and shared (worker/preload.ts)
    // the board's fault points (app/faults.ts) are off in a test's worker unless it injects its own
    sinks: { faults: { point: { fn: () => undefined, callDuringReplay: false } } },
    // as the product's clients and workers do: payloads of 2 KiB or more deflated (app/codec.ts)
    dataConverter: dataConverter(),
    ...(options.workflowsPath && !options.bundlerOptions ? { bundlerOptions: { preloadModules: preloadableModules(options.workflowsPath) } } : {}),
    ...options,
    connection: connection ?? own,
    taskQueue,
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await own?.close();
    },
  };
}
