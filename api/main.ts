// The API as its own process (production: `tsx api/main.ts`); `npm start` runs it in-process instead.
import { runStandalone } from '../app/standalone';
import { startApi } from './server';

await runStandalone('api', async (deps) => {
  const api = await startApi(deps);
  deps.log.info({ url: deps.config.api.publicUrl }, 'API listening');
  return { stop: () => api.close() };
});
