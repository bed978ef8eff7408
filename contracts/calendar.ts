// The working-day calendar (工作日历): weekends, public holidays (法定节假日) and make-up working
// days (调休上班) on the Chinese calendar, in Asia/Shanghai (UTC+8, no daylight saving). Pure and
// zod-free: workflow code computes due dates with it from workflow time. The data is per year
// (config/calendars/<year>.json, schema in calendar.zod.ts) and reaches workflows as input.

/** One year's arrangement, as published by the State Council (or provisional: weekends only). */
export interface CalendarYear {
  year: number;
  /** Where the dates come from (the notice, its date). */
  source: string;
  /** True when the official arrangement is not yet known: weekends only, no holidays invented. */
  provisional: boolean;
  /** Days off, each a range of dates (YYYY-MM-DD, inclusive) with the festival's name. */
  holidays: Array<{ name: string; from: string; to: string }>;
  /** Weekend days that are working days (调休上班), with the festival they make up for. */
  workdays: Array<{ date: string; for: string }>;
}

/** The years a calendar knows; a year missing from it counts weekends only. */
export type WorkingCalendar = CalendarYear[];

const DAY = 86_400_000;
/** Asia/Shanghai is UTC+8 all year. */
const OFFSET = 8 * 3_600_000;

/** The Shanghai calendar day of an instant, as days since 1970-01-01. */
const dayOf = (ms: number): number => Math.floor((ms + OFFSET) / DAY);
const isoOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOfIso = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);

/** The date (YYYY-MM-DD) of an instant in Asia/Shanghai. */
export function shanghaiDate(ms: number): string {
  return isoOf(dayOf(ms));
}

export interface WorkingDays {
  /** Is this date (YYYY-MM-DD, Asia/Shanghai) a working day? */
  isWorkingDay(date: string): boolean;
  /**
   * The instant N working days after `at`: the same time of day (Shanghai) on the Nth working day
   * after the day of `at` (that day itself never counts, working or not).
   */
  add(at: number, workingDays: number): number;
  /** The instant N working days before `at`: the same time of day on the Nth working day before its day. */
  subtract(at: number, workingDays: number): number;
  /** Years between two instants (inclusive) the calendar has no data for (weekends only there). */
  missingYears(from: number, to: number): number[];
}

export function workingDays(calendar: WorkingCalendar): WorkingDays {
  const off = new Set<number>();
  const on = new Set<number>();
  const known = new Set<number>();
  for (const y of calendar) {
    known.add(y.year);
    for (const h of y.holidays) for (let d = dayOfIso(h.from); d <= dayOfIso(h.to); d++) off.add(d);
    for (const w of y.workdays) on.add(dayOfIso(w.date));
  }
  const working = (day: number): boolean => {
    if (on.has(day)) return true;
    if (off.has(day)) return false;
    const weekday = new Date(day * DAY).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  return {
    isWorkingDay: (date) => working(dayOfIso(date)),
    add(at, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
      const start = dayOf(at);
      const timeOfDay = at + OFFSET - start * DAY;
      let day = start;
      for (let counted = 0; counted < n; ) if (working(++day)) counted++;
      return day * DAY + timeOfDay - OFFSET;
    },
    subtract(at, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
      const start = dayOf(at);
      const timeOfDay = at + OFFSET - start * DAY;
      let day = start;
      for (let counted = 0; counted < n; ) if (working(--day)) counted++;
      return day * DAY + timeOfDay - OFFSET;
    },
    missingYears(from, to) {
      const out: number[] = [];
      for (let y = Number(shanghaiDate(from).slice(0, 4)); y <= Number(shanghaiDate(to).slice(0, 4)); y++) if (!known.has(y)) out.push(y);
      return out;
    },
  };
}
