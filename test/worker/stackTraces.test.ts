// The SDK's promise hook (a source-mapped stack for every promise a workflow creates, read by the
// stack trace query) doubles the workflow threads' CPU, so patches/ turns it off unless
// TEMPORAL_WORKFLOW_STACK_TRACES=1. These tests fail if the patch was not applied by `npm install`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { testClient, testWorker, uniqueTaskQueue } from '../helpers/temporal';

const workflowsPath = fileURLToPath(new URL('./workflows/waiter.ts', import.meta.url));
let client: Client;

beforeAll(async () => {
  client = await testClient();
});
afterAll(async () => {
  await client.connection.close();
});

/** Starts the waiter on a worker created with the given setting and asks it for the stack trace. */
async function stackTraceWith(setting: string | undefined): Promise<PromiseSettledResult<string>> {
  const before = process.env.TEMPORAL_WORKFLOW_STACK_TRACES;
  if (setting === undefined) delete process.env.TEMPORAL_WORKFLOW_STACK_TRACES;
  else process.env.TEMPORAL_WORKFLOW_STACK_TRACES = setting;
  // the workflow thread reads the setting when the worker creates it
  const w = await testWorker({ workflowsPath, taskQueue: uniqueTaskQueue('stacks') });
  if (before === undefined) delete process.env.TEMPORAL_WORKFLOW_STACK_TRACES;
  else process.env.TEMPORAL_WORKFLOW_STACK_TRACES = before;
  const handle = await client.workflow.start('waiter', { taskQueue: w.taskQueue, workflowId: `waiter-${w.taskQueue}` });
  try {
    const [result] = await Promise.allSettled([handle.query<string>('__stack_trace')]);
    return result;
  } finally {
    await handle.terminate('test done');
    await w.stop();
  }
}

describe('workflow stack traces', () => {
  it('are off by default: the query says so, and the workflow runs', async () => {
    const result = await stackTraceWith(undefined);
    expect(result.status).toBe('rejected');
    expect(String((result as PromiseRejectedResult).reason?.message)).toMatch(/stack traces are not enabled/);
  });

  it('are there with TEMPORAL_WORKFLOW_STACK_TRACES=1, naming the workflow function', async () => {
    const result = await stackTraceWith('1');
    expect(result.status).toBe('fulfilled');
    expect((result as PromiseFulfilledResult<string>).value).toContain('waiter');
  });
});
