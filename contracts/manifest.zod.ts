// What a process module declares about itself (清单). Each process has one, in
// contracts/<name>/manifest.zod.ts; contracts/registry.zod.ts lists them, and that list is the only
// shared edit when a process is added. Every layer finds the rest by the process's name:
//   workflows/<name>/index.ts     its workflow functions (the worker bundles them)
//   activities/<name>/index.ts    `createActivities(deps)`, if it has activities of its own
//   api/<name>/routes.ts          `routes(api, deps)`: its HTTP routes (and so its OpenAPI paths)
//   api/web/<name>/index.js       its web views and labels (start page, task context panel)
//   contracts/<name>/schemas.generated.ts   JSON Schemas its workflow code validates with
//   db/<name>/records.ts          `records: { [kind]: writer }`, if it keeps process records (db/records.ts)
//   test/replay/histories/<workflowType>-*.json   recorded histories of each workflow type
import type { z } from 'zod';
import type { CliSearchAttributeType } from './searchAttributes';
import type { RegionProfile } from './region.zod';
import type { TaskTypeDef, Label } from './humanTask/taskTypes.zod';
import type { TaskHoldersDef } from './humanTask/holders.zod';

export type StartedBy = 'hand' | 'schedule' | 'process';

export interface ProcessManifest {
  /** The folder name in every layer, e.g. `preAssessment`. */
  name: string;
  label: Label;
  /** Workflow types, exported under these names by workflows/<name>/index.ts. */
  workflows: string[];
  /**
   * The task types its workflows ask people to do, with who may hold each, and which outcomes a lead
   * may take in bulk (批量审批, POST /api/tasks/bulk-decide). Which tasks of the type are offered in bulk
   * is the workflow's rule (`bulkApprovable` on the task spec); the API refuses any other outcome.
   */
  taskTypes: Array<{ def: TaskTypeDef; holders: TaskHoldersDef; bulk?: { outcomes: readonly string[] } }>;
  /** Zod schemas its workflow code validates with, generated into contracts/<name>/schemas.generated.ts. */
  schemas: Record<string, z.ZodType>;
  /** Search attributes its workflows set (shared ones must agree with contracts/searchAttributes.ts). */
  searchAttributes: Record<string, CliSearchAttributeType>;
  /** The parts of the region profile it reads (its workflows get them as input). */
  profile: Array<keyof RegionProfile>;
  /** How its workflows start: by an officer, by a Schedule, by another process. */
  startedBy: StartedBy[];
  /** Labels of its stages and conclusions for the inbox and dashboards. */
  stages: Record<string, Label>;
  conclusions: Record<string, Label>;
  /**
   * A task queue of its own, `<main queue>.<ownTaskQueue>`, polled by a worker with slots of its own:
   * for work that must not wait behind a round's bulk (a warning stops payments at once).
   */
  ownTaskQueue?: string;
  /** Where its layer modules live (default: the repository root); a test's toy process sets its own. */
  root?: string;
}

export function defineProcess<const M extends ProcessManifest>(m: M): M {
  return m;
}
