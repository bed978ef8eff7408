// Lint: typescript-eslint with type information everywhere; workflow code additionally may not
// import Node built-ins, I/O libraries, or the API / worker / activities (except `import type`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'stream', 'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.venv/**', '.cache/**', 'test-results/**', 'api/web/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['workflows/**/*.ts', 'contracts/**/*.ts', 'test/**/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]), 'pg', '@electric-sql/pglite', 'nodemailer', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
            name,
            message: 'workflow code must be deterministic: no Node built-ins, I/O or non-workflow SDK packages (use activities)',
          })),
          patterns: [
            { group: ['api', 'worker', 'db', 'notifications', 'app', 'config'].flatMap((d) => [`**/${d}`, `**/${d}/**`]), message: 'workflow code may not import the API, worker, database, mail or config' },
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'workflows import activities as types only (proxyActivities)' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }, { name: 'setInterval', message: 'use sleep() in a loop' }, { name: 'fetch', message: 'use an activity' }, { name: 'process', message: 'no process in workflows' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
