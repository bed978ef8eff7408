// The browser tests alone (real headless Chromium driving the web inbox against the real system):
//   npx vitest run --config vitest.browser.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    include: ['test/browser/**/*.test.ts'],
    exclude: ['**/node_modules/**', '.venv/**', 'data/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
