// The round Schedules (one per cut-off of the region profile), created at worker start-up and kept in
// step with the profile: a changed profile updates them, a round the profile no longer has is deleted.
// A Schedule starts monitoringScheduled, which starts the year's round under its id (year + period).
import { ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { RegionProfile } from '../../contracts/region.zod';
import { MONITORING_SCHEDULED_WORKFLOW, scheduleId, schedulePrefix } from '../../contracts/monitoring/round.zod';
import { OPENING_HOUR, openingDay, roundTemplate } from '../../contracts/monitoring/settings';

const TZ = 'Asia/Shanghai';

export function scheduleOptions(region: RegionProfile, round: RegionProfile['monitoring']['rounds'][number], taskQueue: string): ScheduleOptions {
  const { month, dayOfMonth } = openingDay(round.cutoff);
  const months = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;
  return {
    scheduleId: scheduleId(taskQueue, round.cutoff),
    spec: { calendars: [{ month: months[month - 1], dayOfMonth, hour: OPENING_HOUR, comment: `${round.name}: data cut-off ${round.cutoff}` }], timezone: TZ },
    action: {
      type: 'startWorkflow',
      workflowType: MONITORING_SCHEDULED_WORKFLOW,
      workflowId: `monitoring-scheduled:${taskQueue}:${round.cutoff}`,
      taskQueue,
      args: [roundTemplate(region, round)],
    },
    // a round missed while the service was down still opens (within a month), never twice
    policies: { catchupWindow: '30 days', overlap: 'SKIP' },
    memo: { region: region.id, round: round.name },
  };
}

export interface ScheduleSync {
  created: string[];
  updated: string[];
  deleted: string[];
}

/** Creates or updates the Schedule of every round of the profile; deletes those of rounds it no longer has. */
export async function syncSchedules(temporal: Client, region: RegionProfile, taskQueue: string): Promise<ScheduleSync> {
  const out: ScheduleSync = { created: [], updated: [], deleted: [] };
  const wanted = new Map(region.monitoring.rounds.map((r) => [scheduleId(taskQueue, r.cutoff), scheduleOptions(region, r, taskQueue)]));
  for (const [id, opts] of wanted) {
    const handle = temporal.schedule.getHandle(id);
    try {
      await handle.update((prev) => ({ ...prev, spec: opts.spec, action: opts.action, policies: { ...prev.policies, ...opts.policies } }));
      out.updated.push(id);
    } catch (e) {
      if (!(e instanceof ScheduleNotFoundError)) throw e;
      await temporal.schedule.create(opts);
      out.created.push(id);
    }
  }
  for await (const s of temporal.schedule.list()) {
    if (s.scheduleId.startsWith(schedulePrefix(taskQueue)) && !wanted.has(s.scheduleId)) {
      await temporal.schedule.getHandle(s.scheduleId).delete();
      out.deleted.push(s.scheduleId);
    }
  }
  return out;
}
