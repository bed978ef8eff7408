// Region profiles are data (config/regions/*.json), validated against the shared schema.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegionProfileSchema, type RegionProfile } from '../contracts/region.zod';

export type { RegionProfile };
const dir = join(dirname(fileURLToPath(import.meta.url)), 'regions');

export function regionIds(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export function regionProfile(id: string): RegionProfile {
  if (!regionIds().includes(id)) throw new Error(`unknown region "${id}"; one of: ${regionIds().join(', ')}`);
  return RegionProfileSchema.parse(JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')));
}
