// What a round of the region profile starts with: its settings from the profile's slices (the
// region profile is workflow input, never read inside a workflow). Used by the Schedules the worker
// keeps in step with the profile and by finance's start by hand (API).
import type { RegionProfile } from '../region.zod';
import type { MonitoringRoundInput } from './round.zod';

export type RoundOfProfile = RegionProfile['monitoring']['rounds'][number];

/** A round's input without its year (a Schedule's action serves every year). */
export type RoundTemplate = Omit<MonitoringRoundInput, 'year'>;

export function roundTemplate(region: RegionProfile, round: RoundOfProfile, startedBy = 'schedule'): RoundTemplate {
  return {
    cutoff: round.cutoff,
    name: round.name,
    profile: region.monitoring,
    calendar: region.calendar,
    warning: region.warning,
    rectification: region.rectification,
    urgeWindowMs: Math.round(region.inbox.urgeWindowHours * 3_600_000),
    startedBy,
  };
}

/** The day after the cut-off (MM-DD), when the round opens: its data is complete then. */
export function openingDay(cutoff: string): { month: number; dayOfMonth: number } {
  const d = new Date(Date.UTC(2001, Number(cutoff.slice(0, 2)) - 1, Number(cutoff.slice(3, 5)) + 1)); // a common year
  return { month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

/** The round opens at this hour (Asia/Shanghai) on its opening day *(ours)*. */
export const OPENING_HOUR = 9;
