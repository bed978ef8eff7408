// The modules of the workflow bundle that the SDK may evaluate once and share (`preloadModules`):
// without it, every execution evaluates every module of the bundle again (measured on the product
// bundle: 203 KiB of heap and ~440 KiB of RSS per cached execution; 82 and ~280 with the contracts
// preloaded). Shared modules are deep-frozen, so only modules with no per-execution state qualify:
// contracts/ (names, rules, generated schemas, calendar), never a *.zod.ts (zod memoizes on its
// schema objects) and never one that imports, at run time, a module that does not qualify.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { REPO_ROOT } from '../app/processPaths';

const CONTRACTS = join(REPO_ROOT, 'contracts') + sep;
// value imports and re-exports (`import type` / `export type` carry nothing at run time), and the
// require() calls of the generated bundle entry (worker/processes.ts)
const IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

function resolveTs(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  // .cjs: the generated bundle entry, which another entry may re-export (bench/worker.ts)
  for (const f of [base, `${base}.ts`, join(base, 'index.ts')]) if ((f.endsWith('.ts') || f.endsWith('.cjs')) && existsSync(f)) return f;
  return null;
}

/** The contracts modules reachable from a workflow bundle's entry that can be preloaded. */
export function preloadableModules(entry: string): string[] {
  const imports = new Map<string, { files: string[]; bare: string[] }>();
  const visit = (file: string): void => {
    if (imports.has(file)) return;
    const found = { files: [] as string[], bare: [] as string[] };
    imports.set(file, found);
    for (const [, imported, required] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = imported ?? required;
      if (!spec.startsWith('.') && !spec.startsWith('/')) found.bare.push(spec);
      else {
        const f = resolveTs(file, spec);
        if (f) {
          found.files.push(f);
          visit(f);
        }
      }
    }
  };
  visit(entry);
  const verdict = new Map<string, boolean>();
  const ok = (file: string): boolean => {
    const known = verdict.get(file);
    if (known !== undefined) return known;
    verdict.set(file, false); // a cycle does not qualify itself
    const { files, bare } = imports.get(file)!;
    const yes = file.startsWith(CONTRACTS) && !file.endsWith('.zod.ts') && bare.every((b) => b.startsWith('@temporalio/')) && files.every(ok);
    verdict.set(file, yes);
    return yes;
  };
  return [...imports.keys()].filter(ok).sort();
}
