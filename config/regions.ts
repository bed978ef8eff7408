// Region profiles are data (config/regions/*.json), validated against the shared schema. Each gets
// the national working-day calendar (config/calendars) unless its file gives its own.
import { readdirSync, readFileSync } from 'node:fs';
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
  const raw = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as Record<string, unknown>;
  const profile = RegionProfileSchema.parse({ calendar: loadCalendar(), ...raw });
  const now = opts.now ?? Date.now();
  for (const w of calendarWarnings(profile.calendar, now, now + YEAR)) (opts.warn ?? warnOnce)(`region ${id}: ${w}`);
  return profile;
}
