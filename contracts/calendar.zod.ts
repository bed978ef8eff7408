// The working-day calendar's data files (config/calendars/<year>.json) as a zod schema, for the
// config side that loads them; workflow code uses the zod-free types and functions of calendar.ts.
import { z } from 'zod';
import type { CalendarYear } from './calendar';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const CalendarYearSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    source: z.string().min(1),
    provisional: z.boolean(),
    holidays: z.array(z.object({ name: z.string().min(1), from: IsoDate, to: IsoDate })),
    workdays: z.array(z.object({ date: IsoDate, for: z.string().min(1) })),
  })
  .superRefine((y, ctx) => {
    const inYear = (d: string): boolean => d.startsWith(`${y.year}-`);
    y.holidays.forEach((h, i) => {
      if (h.from > h.to) ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `${h.name}: from is after to` });
      // a holiday may run into the next year (e.g. 元旦 from Dec 31); it must start in its year
      if (!inYear(h.from)) ctx.addIssue({ code: 'custom', path: ['holidays', i, 'from'], message: `${h.name} does not start in ${y.year}` });
    });
    y.workdays.forEach((w, i) => {
      const weekday = new Date(`${w.date}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${w.date} is a weekday already` });
    });
    if (y.provisional && (y.holidays.length || y.workdays.length)) ctx.addIssue({ code: 'custom', path: ['provisional'], message: 'a provisional year lists no holidays: weekends only' });
  }) satisfies z.ZodType<CalendarYear>;

export const WorkingCalendarSchema = z.array(CalendarYearSchema);
