// The web app's unit tests alone (node, no Temporal, no browser): npx vitest run --config vitest.web.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/web/**/*.test.ts'],
    pool: 'forks',
  },
});
