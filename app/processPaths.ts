// Where a process module's parts live, by its name (see contracts/manifest.zod.ts): each layer
// finds its part of a process here, so a new process needs no edit in the layers.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessManifest } from '../contracts/manifest.zod';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export type Layer = 'workflows' | 'activities' | 'routes' | 'web' | 'schemas';

const FILES: Record<Layer, (name: string) => string> = {
  workflows: (n) => join('workflows', n, 'index.ts'),
  activities: (n) => join('activities', n, 'index.ts'),
  routes: (n) => join('api', n, 'routes.ts'),
  web: (n) => join('api', 'web', n, 'index.js'),
  schemas: (n) => join('contracts', n, 'schemas.generated.ts'),
};

/** The file of a process's part in one layer (which may not exist: activities are optional). */
export function processFile(p: Pick<ProcessManifest, 'name' | 'root'>, layer: Layer): string {
  return join(p.root ?? REPO_ROOT, FILES[layer](p.name));
}

export const hasPart = (p: Pick<ProcessManifest, 'name' | 'root'>, layer: Layer): boolean => existsSync(processFile(p, layer));
