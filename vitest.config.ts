import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    include: ['test/**/*.test.ts'],
    exclude: ['test/load/**', 'test/faults/**', '**/node_modules/**', '.venv/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Stopping the Temporal dev server takes a few seconds.
    teardownTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
    // 2-core machine.
    maxWorkers: 2,
  },
});
