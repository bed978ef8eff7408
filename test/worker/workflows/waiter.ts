// A workflow that only waits: enough to ask a worker for its stack traces.
import { sleep } from '@temporalio/workflow';

export async function waiter(): Promise<void> {
  await sleep('1 hour');
}
