import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// Records histories for the replay test (test/replay/record.ts); see that file.
export default defineConfig({ ...base, test: { ...base.test, include: ['test/replay/record.ts'], exclude: [] } });
