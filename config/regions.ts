// Region profiles are data, validated against the shared schema: config/regions/<region>.json (who
// it is) and one file per process, config/regions/<region>/<process>.json. A process file's
// "$sources" says which of its values a seed states (docs/seeds, file and phrase); the loader
// gathers them under `sources` by path. Each profile gets the national working-day calendar
// (config/calendars) unless its file gives its own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegionProfileSchema, type RegionProfile } from '../contracts/region.zod';
import { calendarWarnings, loadCalendar } from './calendars';

export type { RegionProfile };
const dir = join(dirname(fileURLToPath(import.meta.url)), 'regions');
const YEAR = 366 * 86_400_000;

export function regionIds(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

export interface ProfileOptions {
  /** Warnings about the calendar for the coming year (a year without data, a provisional one). */
  warn?: (message: string) => void;
  now?: number;
}

const warned = new Set<string>();
const warnOnce = (m: string): void => {
  if (warned.has(m)) return;
  warned.add(m);
  console.warn(m);
};

export function regionProfile(id: string, opts: ProfileOptions = {}): RegionProfile {
  if (!regionIds().includes(id)) throw new Error(`unknown region "${id}"; one of: ${regionIds().join(', ')}`);
  const raw = readProfileFiles(id);
  const profile = RegionProfileSchema.parse({ calendar: loadCalendar(), ...raw });
  const now = opts.now ?? Date.now();
  for (const w of calendarWarnings(profile.calendar, now, now + YEAR)) (opts.warn ?? warnOnce)(`region ${id}: ${w}`);
  return profile;
}

/** The region's files as one object: its own, each process's part, and their `$sources` by path. */
export function readProfileFiles(id: string): Record<string, unknown> {
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
  const raw = read(join(dir, `${id}.json`));
  const sources: Record<string, unknown> = { ...((raw.sources as Record<string, unknown> | undefined) ?? {}) };
  const parts = join(dir, id);
  for (const f of existsSync(parts) ? readdirSync(parts).filter((n) => n.endsWith('.json')).sort() : []) {
    const section = f.replace(/\.json$/, '');
    const { $sources, ...values } = read(join(parts, f));
    if (section in raw) throw new Error(`region ${id}: ${section} is both in ${id}.json and in ${id}/${f}`);
    raw[section] = values;
    for (const [path, src] of Object.entries(($sources ?? {}) as Record<string, unknown>)) sources[`${section}.${path}`] = src;
  }
  return { ...raw, sources };
}
