// The record writers of every registered process (db/<name>/records.ts), loaded once: the board's
// projection (the worker's activity and the API's write of an answer) writes process records with them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROCESSES } from '../contracts/registry.zod';
import type { RecordWriters } from '../db/records';
import { REPO_ROOT } from './processPaths';

let loaded: Promise<RecordWriters> | undefined;

export function recordWriters(): Promise<RecordWriters> {
  loaded ??= (async () => {
    const out: Record<string, RecordWriters[string]> = {};
    for (const p of PROCESSES) {
      const file = join(p.root ?? REPO_ROOT, 'db', p.name, 'records.ts');
      if (!existsSync(file)) continue;
      const mod = (await import(file)) as { records?: RecordWriters };
      for (const [kind, w] of Object.entries(mod.records ?? {})) {
        if (kind in out) throw new Error(`process record kind ${kind} is registered twice`);
        out[kind] = w;
      }
    }
    return out;
  })();
  return loaded;
}
