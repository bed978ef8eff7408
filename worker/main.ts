// The worker as its own process (production: `tsx worker/main.ts`); `npm start` runs it in-process instead.
import { runStandalone } from '../app/standalone';
import { startWorker } from './worker';

await runStandalone('worker', async (deps) => {
  const worker = await startWorker(deps);
  return { stop: () => worker.shutdown(), done: worker.done };
});
