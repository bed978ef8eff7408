// The worker's bundle shares what has no per-execution state: the contracts modules are evaluated
// once (the SDK's preloadModules, deep-frozen) instead of once per cached workflow execution.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { preloadableModules } from '../../worker/preload';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { REPO_ROOT } from '../../app/processPaths';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const rel = (f: string): string => f.slice(REPO_ROOT.length + 1);

describe('modules shared by every workflow execution', () => {
  it('are the contracts the workflows import, never a zod contract or a workflow module', () => {
    const list = preloadableModules(WORKFLOWS_PATH).map(rel);
    expect(list).toContain('contracts/humanTask/schemas.generated.ts');
    expect(list).toContain('contracts/monitoring/rules.ts');
    expect(list.every((f) => f.startsWith('contracts/') && !f.endsWith('.zod.ts'))).toBe(true);
  });

  it('leave out a contract that imports a module with state of its own', () => {
    const dir = mkdtempSync(join(REPO_ROOT, 'contracts', '.preload-test-'));
    writeFileSync(join(dir, 'pure.ts'), "export const A = 1;\n");
    writeFileSync(join(dir, 'stateful.ts'), "import { z } from 'zod';\nexport const B = z.string();\n");
    writeFileSync(join(dir, 'uses.ts'), "import { B } from './stateful';\nimport type { X } from './types';\nexport const C = B;\n");
    const entry = join(mkdtempSync(join(tmpdir(), 'preload-')), 'entry.ts');
    writeFileSync(entry, `export * from '${dir}/pure';\nexport * from '${dir}/uses';\n`);
    try {
      expect(preloadableModules(entry).map((f) => f.slice(dir.length + 1))).toEqual(['pure.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bundle with the workflows without pulling zod into the bundle', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: preloadableModules(WORKFLOWS_PATH), logger: quiet });
    expect(code).toContain('exports.preloadModules = function preloadModules()');
    expect(code).toContain('contracts/humanTask/schemas.generated.ts');
    expect(code).not.toMatch(/node_modules\/zod\//);
  }, 60_000);
});
