// The human-task primitive (人工任务). A workflow creates one TaskBoard and `ask()`s people for
// decisions or forms; many tasks live in one execution. Moves arrive as the Update `task.act`
// (validator first, so a refused move leaves no trace); reminders and escalation run on one
// durable timer per board; every change is projected to the inbox in batches by a local activity.
import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  workflowInfo,
  type Sinks,
} from '@temporalio/workflow';
import type { InboxActivities } from '../../activities/inbox';
import type { AuditEvent, MailEvent, MailKind, ProcessRow, ProjectionBatch } from '../../contracts/humanTask/inbox';
import { taskActManyUpdate, taskActUpdate, tasksQuery, TaskErrors, type TaskActManyResult, type TaskActionResult } from '../../contracts/humanTask/messages';
import type { Signer, TaskAction, TaskActionParsed, TaskResult, TaskSpec, TaskSpecInput, TaskState } from '../../contracts/humanTask/tasks.zod';
import { check as checkSchema, describeIssues, SCHEMAS, type TaskTypeInfo } from '../../contracts/humanTask/schemas';
import { actorsOf, apply, check, MoveError, newTask as newTaskState } from '../../contracts/humanTask/moves';

// Before COMMITTED_PROJECTION: the batch was written by a local activity inside the workflow task
// that made the change, so a worker dying before that task completed left rows, audit and mail of
// changes Temporal never recorded. Kept only to replay runs started before the patch.
const legacy = proxyLocalActivities<InboxActivities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '200ms', maximumInterval: '10s' },
});
// Now an ordinary activity: Temporal schedules it only once the workflow task that made the change
// is in the history, so the inbox, the audit trail and the outbox are never ahead of Temporal.
const committed = proxyActivities<InboxActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '100ms', maximumInterval: '10s' },
});
const { headOf } = proxyActivities<InboxActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '30s' },
});

export const COMMITTED_PROJECTION = 'jixiao.board.committed-projection';

/** Named points on the decision path where a fault test may kill the worker (a no-op otherwise). */
export interface FaultSinks extends Sinks {
  faults: { point(name: string, workflowId: string): void };
}
const { faults } = proxySinks<FaultSinks>();

/** A batch stays well under Temporal's payload limits (it is recorded as the activity's input). */
const CHUNK = 100;
/** A move's Update result carries the task's new state (the API writes it at once) up to this size. */
const RESULT_STATE_BUDGET = 256 * 1024;

export interface Timers {
  remindAt: number[];
  escalateAt: number | null;
}

export interface BoardOptions {
  process: string;
  /** The task types this process uses, by name (`taskTypeInfo(name)` from contracts/schemas). */
  types: Record<string, TaskTypeInfo>;
  /** The open tasks carried over by continue-as-new (from `snapshot()` of the previous run). */
  restore?: BoardSnapshot;
}

/** What a board carries across continue-as-new: its open tasks and their timers. */
export interface BoardSnapshot {
  tasks: TaskState[];
  timers: Record<string, Timers>;
  seq: number;
  process?: ProcessRow;
}

export class TaskBoard {
  private readonly tasks = new Map<string, TaskState>();
  private readonly waiters = new Map<string, (r: TaskResult) => void>();
  private readonly timers = new Map<string, Timers>();
  private readonly types: Map<string, TaskTypeInfo>;
  private readonly dirty = new Map<string, TaskState>();
  private audit: AuditEvent[] = [];
  private process: ProcessRow | undefined;
  private processDirty = false;
  private mail: MailEvent[] = [];
  private rev = 0;
  private flushedRev = 0;
  private timerRev = 0;
  private seq = 0;
  private updates = 0;
  private readonly workflowId = workflowInfo().workflowId;
  /** Projection by an ordinary activity, after the change is committed (see COMMITTED_PROJECTION). */
  private readonly committed = patched(COMMITTED_PROJECTION);

  constructor(private readonly opts: BoardOptions) {
    this.types = new Map(Object.entries(opts.types));
    if (opts.restore) {
      for (const t of opts.restore.tasks) this.tasks.set(t.id, t);
      for (const [id, tm] of Object.entries(opts.restore.timers)) this.timers.set(id, tm);
      this.seq = opts.restore.seq;
      this.process = opts.restore.process;
    }
    setHandler(taskActUpdate, (input: TaskAction) => this.act(input), { validator: (input) => void this.checked(input) });
    setHandler(taskActManyUpdate, (inputs) => this.actMany(inputs), {
      validator: (inputs) => {
        if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 1000) throw ApplicationFailure.nonRetryable('expected 1 to 1000 moves', TaskErrors.Invalid);
        if (this.committed) this.validateMany(inputs);
      },
    });
    setHandler(tasksQuery, () => [...this.tasks.values()]);
    // Background loops end with the workflow; their promises are kept only to surface failures.
    this.loops = Promise.all([this.flushLoop(), this.timerLoop()]).then(() => undefined);
  }

  readonly loops: Promise<void>;

  /** Asks a person (or group, or several signers) and resolves with their decision. */
  ask<F = Record<string, unknown>>(input: TaskSpecInput): Promise<TaskResult<F>> {
    const parsed = checkSchema<TaskSpec>(SCHEMAS.TaskSpec, input);
    if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid task: ${describeIssues(parsed.issues)}`, TaskErrors.Invalid);
    const spec = parsed.value;
    if (!this.types.has(spec.type)) throw ApplicationFailure.nonRetryable(`unknown task type ${spec.type}`, TaskErrors.Invalid);
    const now = Date.now();
    const task = newTaskState(this.workflowId, this.opts.process, spec, now);
    if (this.tasks.has(task.id) && this.tasks.get(task.id)?.status === 'open') {
      throw ApplicationFailure.nonRetryable(`task ${task.id} is already open`, TaskErrors.Conflict);
    }
    this.tasks.set(task.id, task);
    const due = now + spec.dueInMs;
    this.timers.set(task.id, {
      remindAt: spec.remindBeforeMs.map((b) => due - b).filter((t) => t > now).sort((a, b) => a - b),
      escalateAt: spec.escalation ? due + spec.escalation.afterMs : null,
    });
    this.timerRev++;
    this.changed(task);
    this.recordTask(task, 'system', '系统', 'created', null);
    this.notifyTask(task, 'assigned', task.actors, null);
    return new Promise((resolve) => this.waiters.set(task.id, resolve as (r: TaskResult) => void));
  }

  /** Waits again for an open task carried over by continue-as-new. */
  resume<F = Record<string, unknown>>(key: string): Promise<TaskResult<F>> {
    const id = `${this.workflowId}:${key}`;
    if (this.tasks.get(id)?.status !== 'open') throw ApplicationFailure.nonRetryable(`no open task ${id} to resume`, TaskErrors.NotFound);
    return new Promise((resolve) => this.waiters.set(id, resolve as (r: TaskResult) => void));
  }

  /**
   * Time to hand the open tasks to a new run (`snapshot()` → continueAsNew): the history grows
   * large, or this run has taken many Updates (Temporal limits Updates per run, history.maxTotalUpdates).
   */
  continueAsNewAdvised(maxUpdates = 1000): boolean {
    return workflowInfo().continueAsNewSuggested || this.updates >= maxUpdates;
  }

  /** Keys of the open tasks (after a restore: the ones to resume). */
  openKeys(): string[] {
    return [...this.tasks.values()].filter((t) => t.status === 'open').map((t) => t.spec.key);
  }

  /**
   * The board's open tasks for continue-as-new. Call after `drain()` and once every Update handler
   * has finished (`allHandlersFinished`), so nothing in flight is lost; closed tasks stay behind,
   * already projected.
   */
  snapshot(): BoardSnapshot {
    const open = [...this.tasks.values()].filter((t) => t.status === 'open');
    return {
      tasks: open,
      timers: Object.fromEntries(open.filter((t) => this.timers.has(t.id)).map((t) => [t.id, this.timers.get(t.id) as Timers])),
      seq: this.seq,
      process: this.process,
    };
  }

  /** Cancels an open task (e.g. the process moved on); its waiter never resolves. */
  cancel(key: string, reason: string): void {
    const t = this.tasks.get(`${this.workflowId}:${key}`);
    if (!t || t.status !== 'open') return;
    t.status = 'cancelled';
    t.version++;
    t.actors = [];
    this.waiters.delete(t.id);
    this.timerRev++;
    this.changed(t);
    this.recordTask(t, 'system', '系统', 'cancelled', reason);
  }

  /** Records a process-level audit event (not tied to a task). */
  record(e: { actorId: string; actorName: string; action: string; projectId?: string | null; reason?: string | null; detail?: Record<string, unknown> }): void {
    this.audit.push({
      key: `${this.workflowId}:p${++this.seq}`,
      at: new Date(Date.now()).toISOString(),
      actorId: e.actorId,
      actorName: e.actorName,
      action: e.action,
      workflowId: this.workflowId,
      taskId: null,
      projectId: e.projectId ?? null,
      reason: e.reason ?? null,
      detail: e.detail ?? {},
    });
    this.rev++;
  }

  /** Sends a notification not tied to a task (e.g. the applicant hears the conclusion). */
  notify(e: { kind: MailKind; to: string[]; title: string; projectName?: string | null; reason?: string | null }): void {
    this.mail.push({
      key: `${this.workflowId}:n${++this.seq}`,
      kind: e.kind,
      to: e.to,
      taskId: null,
      workflowId: this.workflowId,
      title: e.title,
      projectName: e.projectName ?? null,
      dueAt: null,
      reason: e.reason ?? null,
      at: new Date(Date.now()).toISOString(),
    });
    this.rev++;
  }

  /** Updates the process instance's row (stage, status, summary) for dashboards. */
  setProcess(p: Omit<ProcessRow, 'workflowId' | 'process' | 'startedAt' | 'updatedAt' | 'version'>): void {
    const now = new Date(Date.now()).toISOString();
    this.process = {
      ...p,
      workflowId: this.workflowId,
      process: this.opts.process,
      startedAt: this.process?.startedAt ?? now,
      updatedAt: now,
      version: (this.process?.version ?? 0) + 1,
    };
    this.processDirty = true;
    this.rev++;
  }

  /** Waits until every change so far is in the inbox and every Update has answered. */
  async drain(): Promise<void> {
    const target = this.rev;
    await condition(() => this.flushedRev >= target);
  }

  openCount(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.status === 'open') n++;
    return n;
  }

  // --- moves -------------------------------------------------------------------------------

  /** Checks a move against the task as it is now; a refusal is a typed, non-retryable failure. */
  private checked(input: unknown): { a: TaskActionParsed; t: TaskState; def: TaskTypeInfo | undefined; slot: Signer | undefined } {
    const a = parseAction(input);
    const t = this.tasks.get(a.taskId);
    const def = t ? this.types.get(t.spec.type) : undefined;
    try {
      return { a, t: t as TaskState, def, slot: check(t, a, def) };
    } catch (e) {
      if (e instanceof MoveError) throw ApplicationFailure.nonRetryable(e.message, e.type);
      throw e;
    }
  }

  private async act(input: unknown): Promise<TaskActionResult> {
    this.updates++;
    const r = this.applyMove(input);
    if (this.committed) return this.answer(withStates([r], this.tasks)[0]);
    const mine = this.rev;
    await condition(() => this.flushedRev >= mine);
    return this.answer(r);
  }

  /** The Update's answer leaves with the workflow task's completion: the last point before Temporal records it. */
  private answer<R>(r: R): R {
    faults.point('board.moveAnswered', this.workflowId);
    return r;
  }

  /**
   * Refuses the whole batch, before anything is recorded, when any move in it would be refused,
   * naming those moves (`refusedMoves` in the failure's details): the sender drops them and sends
   * the rest again, so a refused move never enters the history. Moves are tried in order on copies,
   * since a batch may claim a task and then decide it.
   */
  private validateMany(inputs: unknown[]): void {
    const copies = new Map<string, TaskState>();
    const refused: Array<{ index: number; taskId: string; type: string; message: string }> = [];
    inputs.forEach((input, index) => {
      let taskId = '';
      try {
        const a = parseAction(input);
        taskId = a.taskId;
        const real = this.tasks.get(a.taskId);
        const t = copies.get(a.taskId) ?? (real ? cloneTask(real) : undefined);
        const def = t ? this.types.get(t.spec.type) : undefined;
        const slot = check(t, a, def);
        const res = apply(t as TaskState, a, slot, def, Date.now());
        if (res.completed) (t as TaskState).status = 'completed';
        copies.set(a.taskId, t as TaskState);
      } catch (e) {
        const type = e instanceof MoveError ? e.type : e instanceof ApplicationFailure ? (e.type ?? TaskErrors.Invalid) : TaskErrors.Invalid;
        refused.push({ index, taskId, type, message: (e as Error).message });
      }
    });
    if (refused.length) {
      throw ApplicationFailure.create({ nonRetryable: true, type: TaskErrors.BatchRefused, message: `${refused.length} of ${inputs.length} moves refused`, details: [refused] });
    }
  }

  /** Each move is checked and applied on its own: a refused one is reported and leaves no trace. */
  private async actMany(inputs: unknown[]): Promise<TaskActManyResult> {
    this.updates++;
    const out: TaskActManyResult = inputs.map((input) => {
      try {
        return this.applyMove(input);
      } catch (e) {
        const f = e instanceof ApplicationFailure ? e : ApplicationFailure.nonRetryable(String(e), TaskErrors.Invalid);
        return { taskId: String((input as { taskId?: unknown })?.taskId ?? ''), error: { type: f.type ?? TaskErrors.Invalid, message: f.message } };
      }
    });
    if (this.committed) return this.answer(withStates(out, this.tasks));
    const mine = this.rev;
    await condition(() => this.flushedRev >= mine);
    return this.answer(out);
  }

  private applyMove(input: unknown): TaskActionResult {
    const { a, t, def, slot } = this.checked(input); // again: state may have moved since validation when Updates queue up
    const res = apply(t, a, slot, def, Date.now());
    this.changed(t);
    this.recordTask(t, a.actor.userId, a.actor.name, a.action, 'reason' in a ? a.reason : 'comment' in a ? a.comment : null, actionDetail(a));
    if (res.notify && res.notify.to.length) this.notifyTask(t, res.notify.kind, res.notify.to, res.notify.reason);
    if (res.completed) {
      const submitter = t.spec.submittedBy;
      if (submitter && t.spec.notifySubmitter && submitter !== a.actor.userId) {
        this.notifyTask(t, 'decided', [submitter], `${outcomeLabel(def, res.completed.outcome)}${res.completed.comment ? `：${res.completed.comment}` : ''}`);
      }
      t.status = 'completed';
      t.outcome = res.completed.outcome;
      t.form = res.completed.form;
      t.actors = [];
      this.timerRev++;
      const waiter = this.waiters.get(t.id);
      this.waiters.delete(t.id);
      waiter?.({
        taskId: t.id,
        outcome: res.completed.outcome,
        form: res.completed.form,
        decidedBy: a.actor.userId,
        comment: res.completed.comment,
        returnTo: res.completed.returnTo,
        signatures: t.signers
          .filter((s) => s.userId !== null)
          .map((s) => ({ userId: s.userId as string, status: s.status, comment: s.comment })),
      });
    }
    return { taskId: t.id, status: t.status, version: t.version };
  }

  // --- projection ----------------------------------------------------------------------------

  private changed(t: TaskState): void {
    this.dirty.set(t.id, t);
    this.rev++;
  }

  private recordTask(t: TaskState, actorId: string, actorName: string, action: string, reason: string | null, detail: Record<string, unknown> = {}): void {
    this.audit.push({
      key: `${t.id}:v${t.version}:${action}`,
      at: new Date(Date.now()).toISOString(),
      actorId,
      actorName,
      action: `task.${action}`,
      workflowId: this.workflowId,
      taskId: t.id,
      projectId: t.spec.project?.id ?? null,
      reason,
      detail: { type: t.spec.type, ...detail },
    });
  }

  private notifyTask(t: TaskState, kind: MailKind, to: string[], reason: string | null): void {
    if (!to.length) return;
    this.mail.push({
      key: `${t.id}:v${t.version}:${kind}`,
      kind,
      to,
      taskId: t.id,
      workflowId: this.workflowId,
      title: t.spec.title,
      projectName: t.spec.project?.name ?? null,
      dueAt: t.dueAt,
      reason,
      at: new Date(Date.now()).toISOString(),
    });
    this.rev++;
  }

  private async flushLoop(): Promise<void> {
    for (;;) {
      await condition(() => this.rev > this.flushedRev);
      const rev = this.rev;
      // Snapshot: later changes to the same tasks go in the next batch.
      const tasks = [...this.dirty.values()].map((t) => structuredCloneTask(t));
      this.dirty.clear();
      const audit = this.audit;
      const mail = this.mail;
      this.audit = [];
      this.mail = [];
      const process = this.processDirty ? this.process : undefined;
      this.processDirty = false;
      if (this.committed) await Promise.all(chunks({ tasks, audit, mail, process }).map((b) => committed.projectTasks(b)));
      else await legacy.projectTasks({ tasks, audit, mail, process });
      this.flushedRev = rev;
    }
  }

  // --- reminders and escalation: one durable timer for the whole board ----------------------

  private nextTimer(): number | undefined {
    let next: number | undefined;
    for (const [id, tm] of this.timers) {
      if (this.tasks.get(id)?.status !== 'open') continue;
      for (const at of [tm.remindAt[0], tm.escalateAt]) if (at != null && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  private async timerLoop(): Promise<void> {
    for (;;) {
      const seen = this.timerRev;
      const next = this.nextTimer();
      if (next === undefined) await condition(() => this.timerRev !== seen);
      else await condition(() => this.timerRev !== seen, Math.max(1, next - Date.now()));
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
        this.changed(t);
        this.notifyTask(t, 'reminder', t.actors, null);
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
    this.changed(t);
    this.recordTask(t, 'system', '系统', 'escalate', null, { to: target });
    this.notifyTask(t, 'escalated', t.actors, null);
  }
}

/** A move, checked against the generated schema of TaskAction (defaults filled in). */
function parseAction(input: unknown): TaskActionParsed {
  const r = checkSchema<TaskActionParsed>(SCHEMAS.TaskAction, input);
  if (!r.ok) throw ApplicationFailure.nonRetryable(describeIssues(r.issues), TaskErrors.Invalid);
  return r.value;
}

function outcomeLabel(def: TaskTypeInfo | undefined, outcome: string): string {
  if (outcome === 'returned') return '退回修改';
  return def?.outcomes[outcome]?.label.zh ?? outcome;
}

function actionDetail(a: TaskActionParsed): Record<string, unknown> {
  switch (a.action) {
    case 'decide':
      return { outcome: a.outcome };
    case 'transfer':
    case 'delegate':
    case 'reassign':
      return { to: a.toUserId };
    case 'addSigner':
      return { userId: a.userId, position: a.position };
    case 'return':
      return { toStep: a.toStep ?? null };
    default:
      return {};
  }
}

// A deep copy so that a batch in flight is not changed by later moves (payloads are serialised anyway).
function structuredCloneTask(t: TaskState): TaskState {
  return JSON.parse(JSON.stringify(t)) as TaskState;
}
const cloneTask = structuredCloneTask;

/** Splits a batch so that no activity input grows with the size of a round. */
function chunks(b: ProjectionBatch): ProjectionBatch[] {
  const n = Math.max(1, Math.ceil(Math.max(b.tasks.length, b.audit.length, b.mail.length) / CHUNK));
  return Array.from({ length: n }, (_, i) => ({
    tasks: b.tasks.slice(i * CHUNK, (i + 1) * CHUNK),
    audit: b.audit.slice(i * CHUNK, (i + 1) * CHUNK),
    mail: b.mail.slice(i * CHUNK, (i + 1) * CHUNK),
    process: i === 0 ? b.process : undefined,
  }));
}

/** Adds each moved task's committed state to its result, within RESULT_STATE_BUDGET. */
function withStates<R extends TaskActionResult | { taskId: string; error: unknown }>(results: R[], tasks: Map<string, TaskState>): R[] {
  let budget = RESULT_STATE_BUDGET;
  const seen = new Set<string>();
  return results.map((r) => {
    if ('error' in r || seen.has(r.taskId)) return r;
    seen.add(r.taskId);
    const t = tasks.get(r.taskId);
    if (!t) return r;
    const json = JSON.stringify(t);
    if (json.length > budget) return r;
    budget -= json.length;
    return { ...r, state: JSON.parse(json) as TaskState };
  });
}

