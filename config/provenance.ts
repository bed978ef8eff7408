// Where each value of a region profile comes from (GET /api/profile, the README's table, the start
// page): a seed (its file and the phrase that states the value, from the region files' "$sources")
// or our default. Every leaf of every process's part is listed; arrays are one value.
import type { ProfileSource, RegionProfile } from '../contracts/region.zod';

export interface ProfileValue {
  /** e.g. `preAssessment.mandatoryAboveFen` */
  path: string;
  value: unknown;
  /** The seed that states it, or null: our default. */
  source: ProfileSource | null;
  /** `seed 000: "<phrase>"` or `default (ours)`. */
  origin: string;
}

/** Who the region is and what is shared: not values of a process's rules. */
const SKIP = new Set(['id', 'name', 'source', 'sources', 'calendar']);

export function profileValues(profile: RegionProfile, section?: string): ProfileValue[] {
  const out: ProfileValue[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    const source = profile.sources[path] ?? null;
    out.push({ path, value: v, source, origin: source ? `seed ${source.seed}: “${source.phrase}”` : 'default (ours)' });
  };
  for (const [k, v] of Object.entries(profile)) if (!SKIP.has(k) && (!section || k === section)) walk(v, k);
  return out;
}
