// The API's part of the registry: each process's routes (api/<name>/routes.ts → `routes(api, deps)`),
// mounted beside the inbox's, so they are in /openapi.json too; and what the web app learns of the
// processes (GET /api/process-types: labels, stages, conclusions, its web module).
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db';
import type { ProcessManifest } from '../contracts/manifest.zod';
import { PROCESSES } from '../contracts/registry.zod';
import { hasPart, processFile } from '../app/processPaths';
import type { User } from './auth';
import type { Api } from './http';

export interface ProcessRouteDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

export interface ProcessRoutes {
  process: ProcessManifest;
  routes(api: Api<User>, deps: ProcessRouteDeps): void;
}

/** Loads the routes module of each process; a process without one is a mistake the registry test names. */
export async function loadProcessRoutes(processes: readonly ProcessManifest[] = PROCESSES): Promise<ProcessRoutes[]> {
  return Promise.all(
    processes.map(async (p) => {
      const mod = (await import(processFile(p, 'routes'))) as { routes?: ProcessRoutes['routes'] };
      if (typeof mod.routes !== 'function') throw new Error(`${processFile(p, 'routes')} must export routes(api, deps)`);
      return { process: p, routes: mod.routes };
    }),
  );
}

/** The registry's routes, loaded once. */
export const PROCESS_ROUTES = await loadProcessRoutes();

/** What GET /api/process-types answers: enough for the web app to label and load each process. */
export function processInfo(processes: readonly ProcessManifest[]) {
  return processes.map((p) => ({
    name: p.name,
    label: p.label,
    stages: p.stages,
    conclusions: p.conclusions,
    taskTypes: p.taskTypes.map((t) => t.def.type),
    startedBy: p.startedBy,
    web: hasPart(p, 'web') ? `/${p.name}/index.js` : null,
  }));
}
