// The process registry (流程清单): every process module, by its manifest. Adding a process is one
// line here; the worker, the API and OpenAPI, the schema generator, the web app, the search
// attributes and the replay test all read this list (see contracts/manifest.zod.ts).
import { z } from 'zod';
import type { ProcessManifest } from './manifest.zod';
import type { TaskTypeDef } from './humanTask/taskTypes.zod';
import { TaskHoldersDef } from './humanTask/holders.zod';
import type { TaskTypeInfo } from './humanTask/schemas';
import { preAssessment } from './preAssessment/manifest.zod';
import { monitoring } from './monitoring/manifest.zod';
import { rectification } from './rectification/manifest.zod';
import { warning } from './warning/manifest.zod';
import { evaluation } from './evaluation/manifest.zod';
import { SEARCH_ATTRIBUTES, type CliSearchAttributeType } from './searchAttributes';

export const PROCESSES: readonly ProcessManifest[] = [preAssessment, monitoring, warning, evaluation, rectification];

/** What the API and the inbox need of the registry's task types, built once per list of processes. */
export interface TaskCatalog {
  types: Record<string, TaskTypeDef>;
  holders: Record<string, TaskHoldersDef>;
  /** As workflow code sees them (forms as JSON Schemas), for the API's fast pre-check. */
  info(type: string): TaskTypeInfo | undefined;
  /** The outcomes a lead may take in bulk (the manifest's `bulk`); none when the type is not decided in bulk. */
  bulkOutcomes(type: string): readonly string[];
}

export function taskCatalog(processes: readonly ProcessManifest[] = PROCESSES): TaskCatalog {
  const types: Record<string, TaskTypeDef> = {};
  const holders: Record<string, TaskHoldersDef> = {};
  const bulk: Record<string, readonly string[]> = {};
  for (const p of processes) {
    for (const t of p.taskTypes) {
      if (types[t.def.type]) throw new Error(`task type ${t.def.type} is declared twice`);
      types[t.def.type] = t.def;
      holders[t.def.type] = TaskHoldersDef.parse(t.holders);
      for (const o of t.bulk?.outcomes ?? []) if (!(o in t.def.outcomes)) throw new Error(`task type ${t.def.type} allows ${o} in bulk, an outcome it does not have`);
      bulk[t.def.type] = t.bulk?.outcomes ?? [];
    }
  }
  const infos = new Map<string, TaskTypeInfo>();
  return {
    types,
    holders,
    info(type) {
      const def = types[type];
      if (!def) return undefined;
      if (!infos.has(type)) infos.set(type, taskTypeInfoOf(def));
      return infos.get(type);
    },
    bulkOutcomes: (type) => bulk[type] ?? [],
  };
}

/** A zod schema as the JSON Schema workflow code validates with (the generator writes the same). */
export function jsonSchemaOf(s: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

export function taskTypeInfoOf(def: TaskTypeDef): TaskTypeInfo {
  return {
    label: def.label,
    outcomes: Object.fromEntries(Object.entries(def.outcomes).map(([k, o]) => [k, { label: o.label, style: o.style ?? 'default', form: jsonSchemaOf(o.form) }])),
  };
}

export const TASKS = taskCatalog();

/**
 * Every search attribute the namespace needs: the shared ones and those each process sets. A
 * process that names a shared attribute must give it the shared type.
 */
export function searchAttributes(processes: readonly ProcessManifest[] = PROCESSES): Record<string, CliSearchAttributeType> {
  const out: Record<string, CliSearchAttributeType> = { ...SEARCH_ATTRIBUTES };
  for (const p of processes) {
    for (const [name, type] of Object.entries(p.searchAttributes)) {
      if (out[name] && out[name] !== type) throw new Error(`${p.name} sets search attribute ${name} as ${type}, elsewhere it is ${out[name]}`);
      out[name] = type;
    }
  }
  return out;
}
