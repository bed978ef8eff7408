// The board's deadlines: each task's due date (in milliseconds or in working days on the board's
// calendar), its reminders and its escalation, all on one durable timer for the whole board.
import { ApplicationFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { InboxActivities } from '../../activities/inbox';
import { TaskErrors } from '../../contracts/humanTask/messages';
import type { TaskSpec, TaskState } from '../../contracts/humanTask/tasks.zod';
import { actorsOf } from '../../contracts/humanTask/moves';
import { workingDays, type WorkingCalendar, type WorkingDays } from '../../contracts/calendar';
import type { Outbox } from './outbox';

const { headOf } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '30s' },
});

export interface Timers {
  remindAt: number[];
  escalateAt: number | null;
}

export class Deadlines {
  private readonly timers = new Map<string, Timers>();
  /** Bumped whenever the next deadline may have changed (a task opened or closed). */
  private rev = 0;
  private calendar: WorkingDays | undefined;

  constructor(
    private readonly tasks: Map<string, TaskState>,
    private readonly outbox: Outbox,
    private readonly calendarData: WorkingCalendar | undefined,
    restore?: Record<string, Timers>,
  ) {
    for (const [id, tm] of Object.entries(restore ?? {})) this.timers.set(id, tm);
  }

  /** When a task asked now falls due: `dueInMs` after now, or N working days after now on the calendar. */
  dueAt(spec: TaskSpec, now: number): number {
    if ((spec.dueInMs === undefined) === (spec.due === undefined)) {
      throw ApplicationFailure.nonRetryable(`task ${spec.key}: give either dueInMs or due, exactly one`, TaskErrors.Invalid);
    }
    if (spec.dueInMs !== undefined) return now + spec.dueInMs;
    if (!this.calendarData) throw ApplicationFailure.nonRetryable(`task ${spec.key}: a due date in working days needs the board's calendar`, TaskErrors.Invalid);
    this.calendar ??= workingDays(this.calendarData);
    return this.calendar.add(now, (spec.due as { workingDays: number }).workingDays);
  }

  /** Sets the reminders and escalation of a task just opened, due at `due`. */
  open(t: TaskState, due: number, now: number): void {
    const spec = t.spec;
    this.timers.set(t.id, {
      remindAt: spec.remindBeforeMs.map((b) => due - b).filter((at) => at > now).sort((a, b) => a - b),
      escalateAt: spec.escalation ? due + spec.escalation.afterMs : null,
    });
    this.rev++;
  }

  /** A task closed: its timers no longer count. */
  closed(): void {
    this.rev++;
  }

  /** The timers of these (open) tasks, for continue-as-new. */
  snapshot(open: TaskState[]): Record<string, Timers> {
    return Object.fromEntries(open.filter((t) => this.timers.has(t.id)).map((t) => [t.id, this.timers.get(t.id) as Timers]));
  }

  private next(): number | undefined {
    let next: number | undefined;
    for (const [id, tm] of this.timers) {
      if (this.tasks.get(id)?.status !== 'open') continue;
      for (const at of [tm.remindAt[0], tm.escalateAt]) if (at != null && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  async loop(): Promise<void> {
    for (;;) {
      const seen = this.rev;
      const next = this.next();
      if (next === undefined) await condition(() => this.rev !== seen);
      else await condition(() => this.rev !== seen, Math.max(1, next - Date.now()));
      await this.fireDue(Date.now());
    }
  }

  private async fireDue(now: number): Promise<void> {
    for (const [id, tm] of this.timers) {
      const t = this.tasks.get(id);
      if (!t || t.status !== 'open') {
        this.timers.delete(id);
        continue;
      }
      while (tm.remindAt.length && tm.remindAt[0] <= now) {
        tm.remindAt.shift();
        t.history.push({ at: new Date(now).toISOString(), by: 'system', byName: '系统', action: 'remind', reason: null });
        t.version++;
        this.outbox.changed(t);
        this.outbox.notifyTask(t, 'reminder', t.actors, null);
      }
      if (tm.escalateAt !== null && tm.escalateAt <= now) {
        tm.escalateAt = null;
        await this.escalate(t);
      }
    }
  }

  private async escalate(t: TaskState): Promise<void> {
    const policy = t.spec.escalation;
    if (!policy) return;
    let target: string | null;
    if ('group' in policy.to) target = policy.to.group;
    else if ('userId' in policy.to) target = policy.to.userId;
    else {
      const holder = t.signers.find((s) => s.status === 'pending' && s.userId)?.userId ?? null;
      target = holder ? await headOf(holder) : null;
    }
    if (t.status !== 'open') return; // decided while we looked up the head
    if (target) {
      for (const s of t.signers) {
        if (s.status !== 'pending') continue;
        if (policy.lateDecision === 'reject') {
          const isGroup = target.includes('@');
          s.userId = isGroup ? null : target;
          s.candidateGroups = isGroup ? [target] : [];
          s.delegatedFrom = null;
          s.extra = [];
        } else if (!s.extra.includes(target)) s.extra.push(target);
      }
    }
    t.escalated = true;
    t.claimedBy = policy.lateDecision === 'reject' ? null : t.claimedBy;
    t.history.push({ at: new Date(Date.now()).toISOString(), by: 'system', byName: '系统', action: 'escalate', reason: null, detail: { to: target, lateDecision: policy.lateDecision } });
    t.version++;
    t.actors = actorsOf(t);
    this.outbox.changed(t);
    this.outbox.recordTask(t, 'system', '系统', 'escalate', null, { to: target });
    this.outbox.notifyTask(t, 'escalated', t.actors, null);
  }
}
