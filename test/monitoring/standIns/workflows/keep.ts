import { condition, defineQuery, defineSignal, defineUpdate, setHandler, workflowInfo } from '@temporalio/workflow';

export const receivedQuery = defineQuery<{ input: unknown; signals: unknown[] }>('standIn.received');

/** Keeps the input and what each signal (or the raise Update, when named) brought; open ten minutes. */
export async function keep(input: unknown, signal: string, update?: string): Promise<void> {
  const signals: unknown[] = [];
  setHandler(receivedQuery, () => ({ input, signals }));
  setHandler(defineSignal<[unknown]>(signal), (p) => void signals.push(p));
  if (update) {
    setHandler(defineUpdate<{ workflowId: string; attached: boolean }, [unknown]>(update), (p) => {
      signals.push(p);
      return { workflowId: workflowInfo().workflowId, attached: false };
    });
  }
  await condition(() => false, '10 minutes');
}
