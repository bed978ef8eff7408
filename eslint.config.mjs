// Lint: typescript-eslint with type information everywhere; workflow code additionally may not
// import Node built-ins, I/O libraries, or the API / worker / activities (except `import type`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'stream', 'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib'];

const restricted = [...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]), 'pg', '@electric-sql/pglite', 'nodemailer', 'express', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
  name,
  message: 'workflow code must be deterministic: no Node built-ins, I/O or non-workflow SDK packages (use activities)',
}));
const notWorkflowCode = {
  group: ['api', 'worker', 'db', 'notifications', 'app', 'config'].flatMap((d) => [`**/${d}`, `**/${d}/**`]),
  message: 'workflow code may not import the API, worker, database, mail or config',
};
// By naming convention, not by lists: a contract module that builds zod schemas is named *.zod.ts;
// every other module under contracts/ is zod-free and may be imported by workflow code.
const ZOD_MODULES = ['**/*.zod'];

function workflowImports(zodContracts) {
  return [
    'error',
    {
      paths: [...restricted, ...['zod', 'zod/mini', 'zod/v4'].map((name) => ({ name, message: 'workflow code validates with contracts/schemas (generated JSON Schemas), not zod' }))],
      patterns: [
        notWorkflowCode,
        { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'workflows import activities as types only (proxyActivities)' },
        {
          group: zodContracts,
          allowTypeImports: true,
          message: 'a *.zod module builds zod schemas: import its types only, values from the zod-free modules beside it (messages, moves, rules, schemas, …)',
        },
      ],
    },
  ];
}
const workflowGlobals = ['error', { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }, { name: 'setInterval', message: 'use sleep() in a loop' }, { name: 'fetch', message: 'use an activity' }, { name: 'process', message: 'no process in workflows' }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.venv/**', '.cache/**', 'test-results/**', '**/*.generated.ts', '.scratch*/**'] },
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
  // Contracts are imported by workflow code: deterministic, no I/O.
  {
    files: ['contracts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: restricted, patterns: [notWorkflowCode] }] },
  },
  // Workflow code, and the contract modules it imports by value, stay free of zod too: the SDK
  // evaluates a bundle's modules for every execution and zod costs ~0.5 MB each (BENCHMARKS.md).
  {
    files: ['workflows/**/*.ts', 'test/**/workflows.ts', 'bench/workflows.ts'],
    rules: { 'no-restricted-imports': workflowImports(ZOD_MODULES), 'no-restricted-globals': workflowGlobals },
  },
  {
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/**/*.zod.ts'],
    rules: { 'no-restricted-imports': workflowImports(ZOD_MODULES), 'no-restricted-globals': workflowGlobals },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The web app: browser ES modules (the shell's and each process's web module, a test fixture's too),
  // typed by JSDoc and checked by api/web/tsconfig.json (the type information comes from there); no Node globals.
  {
    files: ['api/web/**/*.js', 'test/fixtures/*/api/web/**/*.js'],
    languageOptions: {
      globals: { ...Object.fromEntries(Object.keys(globals.node).map((g) => [g, 'off'])), ...globals.browser },
      sourceType: 'module',
      parserOptions: { projectService: false, project: ['api/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },
);
