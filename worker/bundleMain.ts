// Child process of worker/bundle.ts: bundles the workflows at argv[2] into the file at argv[3].
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { preloadableModules } from './preload';

const [workflowsPath, out] = process.argv.slice(2);
if (!workflowsPath || !out) throw new Error('usage: bundleMain.ts <workflowsPath> <outFile>');
const { code } = await bundleWorkflowCode({
  workflowsPath,
  preloadModules: preloadableModules(workflowsPath),
  logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) },
});
writeFileSync(out, code);
