// The workflow bundle, built by a short-lived child process (worker/bundleMain.ts) so that the
// worker never loads webpack: bundling in-process leaves ~170 MiB of RSS behind after it is done
// (measured 2026-12-03: 155 → 327 MiB after GC, the product bundle, 3.4 MB). WORKFLOW_BUNDLE=inline
// bundles in-process instead (the tests: one process per test file, start-up time over memory).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./bundleMain.ts', import.meta.url));

export interface BuiltBundle {
  codePath: string;
  /** Removes the bundle's file (after every worker has read it). */
  remove(): void;
}

/** Bundles `workflowsPath` (with its preloadable modules) in a child process into a file of its own. */
export async function bundleOutOfProcess(workflowsPath: string): Promise<BuiltBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'jixiao-bundle-'));
  const codePath = join(dir, 'workflow-bundle.js');
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, workflowsPath, codePath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`bundling the workflows (${workflowsPath}) failed with exit code ${code}: ${Buffer.concat(stderr).toString().slice(-4000)}`);
  }
  return { codePath, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
