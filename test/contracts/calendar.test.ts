// Due dates in working days on the Chinese working-day calendar (Asia/Shanghai): weekends, the
// State Council's public holidays (法定节假日) and make-up working days (调休上班) of 2026 as data,
// 2027 provisional (weekends only), and a year without data counted as weekends only, with a warning.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shanghaiDate, workingDays } from '../../contracts/calendar';
import { calendarWarnings, loadCalendar } from '../../config/calendars';
import { regionProfile } from '../../config/regions';

const cal = loadCalendar();
const days = workingDays(cal);
/** An instant given as Shanghai wall-clock time. */
const cst = (local: string): number => Date.parse(`${local}+08:00`);
const local = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

describe('working days on the 2026 calendar', () => {
  it('a monitoring form opened on Friday 2026-09-25 is due 15 working days later, skipping the National Day holiday and counting the make-up Saturday', () => {
    // 9-25..27 中秋节, 10-1..7 国庆节 off; Saturday 10-10 worked: Sep 28-30, Oct 8-10, 12-16, 19-22
    expect(local(days.add(cst('2026-09-25T10:00'), 15))).toBe('2026-10-22T10:00');
    // on weekends alone it would have been Friday 2026-10-16
    expect(local(workingDays([]).add(cst('2026-09-25T10:00'), 15))).toBe('2026-10-16T10:00');
  });

  it('skips weekends and keeps the time of day', () => {
    expect(local(days.add(cst('2026-03-02T09:30'), 5))).toBe('2026-03-09T09:30');
    expect(local(days.add(cst('2026-03-06T17:00'), 1))).toBe('2026-03-09T17:00'); // Friday → Monday
    expect(local(days.add(cst('2026-03-07T11:00'), 1))).toBe('2026-03-09T11:00'); // opened on a Saturday
  });

  it('春节: Saturday 2026-02-14 is worked, then nine days off until Tuesday 2026-02-24', () => {
    expect(local(days.add(cst('2026-02-13T10:00'), 1))).toBe('2026-02-14T10:00');
    expect(local(days.add(cst('2026-02-14T10:00'), 1))).toBe('2026-02-24T10:00');
    expect(days.isWorkingDay('2026-02-28')).toBe(true); // the second make-up Saturday
    expect(days.isWorkingDay('2026-02-16')).toBe(false);
  });

  it('counts days in Asia/Shanghai, not UTC: 20:00 UTC on 2026-09-30 is already National Day', () => {
    const at = Date.parse('2026-09-30T20:00:00Z');
    expect(shanghaiDate(at)).toBe('2026-10-01');
    expect(new Date(days.add(at, 1)).toISOString()).toBe('2026-10-07T20:00:00.000Z'); // 10-08 04:00 in Shanghai
  });

  it('a reminder 3 working days before a form due Thursday 2026-10-22 falls on Monday 2026-10-19, not the weekend; before Thursday 2026-10-08 it skips National Day back to Monday 2026-09-28', () => {
    expect(local(days.subtract(cst('2026-10-22T10:00'), 3))).toBe('2026-10-19T10:00');
    // 10-1..7 off: Thursday 10-08 − 3 working days is Monday 09-28 (09-29, 09-30 and 10-08's day itself is not counted)
    expect(local(days.subtract(cst('2026-10-08T10:00'), 3))).toBe('2026-09-28T10:00');
    // and subtract undoes add on working days
    expect(days.subtract(days.add(cst('2026-03-02T09:30'), 7), 7)).toBe(cst('2026-03-02T09:30'));
  });

  it('crosses the year boundary into provisional 2027 (weekends only): Monday 2026-12-28 + 5 is Monday 2027-01-04', () => {
    expect(local(days.add(cst('2026-12-28T10:00'), 5))).toBe('2027-01-04T10:00');
    expect(days.missingYears(cst('2026-12-28T10:00'), cst('2027-01-04T10:00'))).toEqual([]);
  });
});

describe('the calendar data', () => {
  it('2026 is the State Council notice, 2027 is marked provisional with no holidays invented', () => {
    const y2026 = cal.find((y) => y.year === 2026);
    expect(y2026).toMatchObject({ provisional: false });
    expect(y2026?.source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(y2026?.holidays.map((h) => h.name)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    expect(cal.find((y) => y.year === 2027)).toMatchObject({ provisional: true, holidays: [], workdays: [] });
  });

  it('a year without data counts weekends only, and the config side warns about it', () => {
    const only2026 = cal.filter((y) => y.year === 2026);
    const from = cst('2026-12-28T10:00');
    expect(local(workingDays(only2026).add(from, 5))).toBe('2027-01-04T10:00');
    expect(workingDays(only2026).missingYears(from, cst('2028-01-03T10:00'))).toEqual([2027, 2028]);
    expect(calendarWarnings(only2026, from, cst('2027-03-01T00:00'))).toEqual([expect.stringContaining('no data for 2027')]);
    expect(calendarWarnings(cal, from, cst('2027-03-01T00:00'))).toEqual([expect.stringContaining('2027 is provisional')]);
  });

  it('refuses a provisional year that lists holidays, and a make-up day that is not a weekend', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cal-'));
    writeFileSync(join(dir, '2030.json'), JSON.stringify({ year: 2030, source: 'x', provisional: true, holidays: [{ name: '元旦', from: '2030-01-01', to: '2030-01-01' }], workdays: [] }));
    expect(() => loadCalendar(dir)).toThrow(/provisional/);
    writeFileSync(join(dir, '2030.json'), JSON.stringify({ year: 2030, source: 'x', provisional: false, holidays: [], workdays: [{ date: '2030-01-02', for: '元旦' }] }));
    expect(() => loadCalendar(dir)).toThrow(/weekday/);
  });

  it('every region profile carries the national calendar for its workflows; loading one in 2026 warns that 2027 is provisional', () => {
    const warnings: string[] = [];
    const p = regionProfile('xinjiang', { now: cst('2026-12-01T09:00'), warn: (m) => warnings.push(m) });
    expect(p.calendar.map((y) => y.year)).toEqual([2026, 2027]);
    expect(p.monitoring.rounds[1]).toMatchObject({ cutoff: '09-30', dueWorkingDays: 15 });
    // the September round's forms, opened at its cutoff, are due on 2026-10-27
    expect(local(workingDays(p.calendar).add(cst('2026-09-30T09:00'), p.monitoring.rounds[1].dueWorkingDays))).toBe('2026-10-27T09:00');
    expect(warnings).toEqual([expect.stringContaining('2027 is provisional')]);
  });
});
