import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';

export const receivedQuery = defineQuery<{ input: unknown; signals: unknown[] }>('standIn.received');

export async function keep(input: unknown, signal: string): Promise<void> {
  const signals: unknown[] = [];
  setHandler(receivedQuery, () => ({ input, signals }));
  setHandler(defineSignal<[unknown]>(signal), (p) => void signals.push(p));
  await condition(() => false, '10 minutes');
}
