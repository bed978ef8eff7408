// Payments over a budget year, shaped so that at every monitoring cut-off a chosen share of projects
// is behind schedule (execution rate more than `lagPoints` behind time progress) and the rest on track.
import type { Rng } from './prng';

export interface ScheduleOptions {
  year: number;
  /** Monitoring cut-offs as MM-DD, ascending. */
  cutoffs: string[];
  /** Share of projects behind schedule at each cut-off. */
  behindShare: number;
  /** Percentage points behind time progress that count as behind (the warning rule). */
  lagPoints: number;
}

export interface GenPayment {
  projectId: string;
  paidOn: string;
  amountFen: number;
  lineNo: number;
}

const DAY = 86_400_000;
const dayOfYear = (year: number, mmdd: string): number =>
  (Date.UTC(year, Number(mmdd.slice(0, 2)) - 1, Number(mmdd.slice(3, 5))) - Date.UTC(year, 0, 1)) / DAY + 1;
const daysIn = (year: number): number => dayOfYear(year, '12-31');
const dateOf = (year: number, day: number): string => new Date(Date.UTC(year, 0, day)).toISOString().slice(0, 10);

/** Time progress (时间进度) at a date of the year, 0..1. */
export function timeProgress(year: number, mmdd: string): number {
  return dayOfYear(year, mmdd) / daysIn(year);
}

/**
 * Cumulative paid share at each cut-off: behind projects stay at least lagPoints+5 behind (or pay
 * nothing since the last cut-off when the gap is too small for that); on-track ones pay 0.9–1.1 of
 * time progress, at most 11 points behind at the usual cut-offs. The year ends at 60–100%.
 */
export function paymentSchedule(rng: Rng, opts: ScheduleOptions, projectId: string, availableFen: number, lines: number): GenPayment[] {
  const out: GenPayment[] = [];
  let prevShare = 0;
  let prevDay = 0;
  let paid = 0;
  const pay = (share: number, untilDay: number) => {
    const target = Math.floor(availableFen * share);
    if (target > paid && untilDay > prevDay) {
      for (const amount of rng.split(target - paid, rng.int(1, 3), 100)) {
        out.push({ projectId, paidOn: dateOf(opts.year, rng.int(prevDay + 1, untilDay)), amountFen: amount, lineNo: rng.int(1, lines) });
      }
      paid = target;
    }
    prevShare = Math.max(prevShare, share);
    prevDay = untilDay;
  };
  for (const cutoff of opts.cutoffs) {
    const tp = timeProgress(opts.year, cutoff);
    const behind = rng.chance(opts.behindShare);
    const share = behind ? Math.max(0, tp - (opts.lagPoints + 5 + rng.next() * 15) / 100) : tp * (0.9 + rng.next() * 0.2);
    pay(Math.min(1, Math.max(prevShare, share)), dayOfYear(opts.year, cutoff));
  }
  const final = rng.chance(0.05) ? 0.3 + rng.next() * 0.3 : 0.75 + rng.next() * 0.25;
  pay(Math.max(prevShare, final), daysIn(opts.year));
  out.sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  return out;
}
