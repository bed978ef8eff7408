// Fault tests, not part of `npm test`:   npm run test:faults
// - of `npm start` itself (test/**/*.faults.ts): each spawns the whole system — its own Temporal dev
//   server, mail catcher, finance stand-in, worker and API on free ports and a temporary data
//   directory — and kills its parts with SIGKILL;
// - of the decision path (test/faults/*.test.ts): the API and worker in a child process that kills
//   itself at a chosen fault point, against the run's Temporal server and mail catcher (globalSetup).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    include: ['test/**/*.faults.ts', 'test/faults/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.venv/**', 'data/**'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
