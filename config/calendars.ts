// The working-day calendar as data: config/calendars/<year>.json, one file per year (the State
// Council's arrangement, or `provisional: true` with weekends only until it is published). Read by
// the config side and handed to workflows as input; a year without data counts weekends only, with
// a warning here (workflow code does not log it).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkingCalendarSchema } from '../contracts/calendar.zod';
import { shanghaiDate, workingDays, type WorkingCalendar } from '../contracts/calendar';

export type { WorkingCalendar };
const DIR = join(dirname(fileURLToPath(import.meta.url)), 'calendars');

/** Every year of config/calendars (or of `dir`), validated, in order. */
export function loadCalendar(dir = DIR): WorkingCalendar {
  const years = readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => {
      const y = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { year?: unknown };
      if (y.year !== Number(f.slice(0, 4))) throw new Error(`${f}: year ${String(y.year)} does not match the file name`);
      return y;
    });
  return WorkingCalendarSchema.parse(years);
}

/**
 * What a calendar lacks for the years from `from` to `to` (instants): years without data (counted
 * as weekends only) and provisional years, as warnings to log.
 */
export function calendarWarnings(calendar: WorkingCalendar, from: number, to: number): string[] {
  const [first, last] = [from, to].map((ms) => Number(shanghaiDate(ms).slice(0, 4)));
  const missing = workingDays(calendar)
    .missingYears(from, to)
    .map((y) => `working-day calendar: no data for ${y} (config/calendars/${y}.json); due dates in working days count weekends only there`);
  const provisional = calendar
    .filter((y) => y.provisional && y.year >= first && y.year <= last)
    .map((y) => `working-day calendar: ${y.year} is provisional (weekends only, the State Council's arrangement is not in config/calendars/${y.year}.json yet)`);
  return [...missing, ...provisional];
}
