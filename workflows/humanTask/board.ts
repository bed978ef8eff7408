// The human-task primitive (人工任务). A workflow creates one TaskBoard and `ask()`s people for
// decisions or forms; many tasks live in one execution. Moves arrive as the Update `task.act`
// (validator first, so a refused move leaves no trace). Beside it: outbox.ts (what the changes
// leave in the inbox, the audit trail and the mail outbox, flushed in batches) and deadlines.ts
// (due dates, reminders and escalation on one durable timer per board).
import { ApplicationFailure, condition, proxySinks, setHandler, workflowInfo, type Sinks } from '@temporalio/workflow';
import type { MailKind, ProjectionBatch } from '../../contracts/humanTask/inbox';
import { taskActManyUpdate, taskActUpdate, tasksQuery, TaskErrors, type AnswerOptions, type TaskActManyResult, type TaskActionResult } from '../../contracts/humanTask/messages';
import type {
  ClosingOutcome,
  Signer,
  TaskAction,
  TaskActionParsed,
  TaskForms,
  TaskResult,
  TaskResultOf,
  TaskSpec,
  TaskSpecInput,
  TaskState,
} from '../../contracts/humanTask/tasks.zod';
import { check as checkSchema, describeIssues, SCHEMAS, type TaskTypeInfo } from '../../contracts/humanTask/schemas';
import { apply, check, MoveError, newTask as newTaskState } from '../../contracts/humanTask/moves';
import { actionDetail, outcomeLabel, ParsedHandOver, parseAction, refuseBatch, withStates } from './answers';
import type { WorkingCalendar } from '../../contracts/calendar';
import { COMMITTED_PROJECTION, Outbox, type ProcessFields } from './outbox';
import { Deadlines, type Timers } from './deadlines';
import type { ProcessRow } from '../../contracts/humanTask/inbox';
import type { Patched } from '../generation';

export { COMMITTED_PROJECTION, type Timers };

/** Named points on the decision path where a fault test may kill the worker (a no-op otherwise). */
export interface FaultSinks extends Sinks {
  faults: { point(name: string, workflowId: string): void };
}
const { faults } = proxySinks<FaultSinks>();

export interface BoardOptions {
  process: string;
  /** The task types this process uses, by name (`taskTypeInfo(name)` from contracts/schemas). */
  types: Record<string, TaskTypeInfo>;
  /** The open tasks carried over by continue-as-new (from `snapshot()` of the previous run). */
  restore?: BoardSnapshot;
  /** The working-day calendar (from the region profile, as workflow input) for `due: { workingDays }`. */
  calendar?: WorkingCalendar;
  /**
   * Another urge (催办) on a task within this long after the last one is refused (from the region
   * profile's inbox.urgeWindowHours, as workflow input); a spec's own urgeWindowMs wins. Absent: no limit.
   */
  urgeWindowMs?: number;
  /** How long what an Update's answer carried waits for the board's own write (default 30 s; see outbox.ts). */
  backstopMs?: number;
  /** The workflow's patched() when it folds the board's patches into a generation (workflows/generation.ts). */
  patched?: Patched;
}

/** What a board carries across continue-as-new: its open tasks and their timers. */
export interface BoardSnapshot {
  tasks: TaskState[];
  timers: Record<string, Timers>;
  seq: number;
  process?: ProcessRow;
}

/** A spec of task type T, with no properties a spec does not have (the generic would let them through). */
type SpecOf<M extends TaskForms, S> = S & { type: keyof M & string } & Record<Exclude<keyof S, keyof TaskSpecInput>, never>;
/** The closing outcomes a spec allows: no 'withdrawn' when it has no submitter (only the submitter withdraws). */
type ClosingOf<S> = 'submittedBy' extends keyof S ? (S[keyof S & 'submittedBy'] extends null | undefined ? 'returned' : ClosingOutcome) : 'returned';

/**
 * M, the task types by name with their forms by outcome (`TaskFormsOf<…>` of taskTypes.zod.ts),
 * types what `ask()` resolves with; without it, outcomes are strings and forms records.
 */
export class TaskBoard<M extends TaskForms = TaskForms> {
  private readonly tasks = new Map<string, TaskState>();
  private readonly waiters = new Map<string, (r: TaskResult) => void>();
  /** Results of tasks decided while no one waited (after continue-as-new, before `resume()`). */
  private readonly unawaited = new Map<string, TaskResult>();
  private readonly types: Map<string, TaskTypeInfo>;
  private seq = 0;
  private updates = 0;
  private readonly workflowId = workflowInfo().workflowId;
  private readonly outbox: Outbox;
  private readonly deadlines: Deadlines;
  /** task.actMany's validator parses the moves; its handler takes them instead of parsing again. */
  private readonly parsed = new ParsedHandOver();

  constructor(private readonly opts: BoardOptions) {
    this.outbox = new Outbox(this.workflowId, opts.process, () => ++this.seq, opts.restore?.process, opts.backstopMs, opts.patched);
    this.types = new Map(Object.entries(opts.types));
    if (opts.restore) {
      for (const t of opts.restore.tasks) this.tasks.set(t.id, t);
      this.seq = opts.restore.seq;
    }
    this.deadlines = new Deadlines(this.tasks, this.outbox, opts.calendar, opts.restore?.timers);
    setHandler(taskActUpdate, (input: TaskAction, opts?: AnswerOptions) => this.act(input, opts), { validator: (input, _opts?: AnswerOptions) => void this.checked(input) });
    setHandler(taskActManyUpdate, (inputs, opts?: AnswerOptions) => this.actMany(inputs, opts), {
      validator: (inputs, _opts?: AnswerOptions) => {
        if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 1000) throw ApplicationFailure.nonRetryable('expected 1 to 1000 moves', TaskErrors.Invalid);
        if (this.outbox.committed) this.parsed.give(refuseBatch(inputs, this.tasks, this.types));
      },
    });
    setHandler(tasksQuery, () => [...this.tasks.values()]);
    // Background loops end with the workflow; their promises are kept only to surface failures.
    this.loops = Promise.all([this.outbox.loop(), this.deadlines.loop()]).then(() => undefined);
  }

  readonly loops: Promise<void>;

  /**
   * Asks a person (or group, or several signers) and resolves with their decision: on a typed board,
   * one of the task type's outcomes with that outcome's form, or returned / withdrawn.
   */
  ask<const S extends TaskSpecInput>(input: SpecOf<M, S>): Promise<TaskResultOf<M, S['type'], ClosingOf<S>>> {
    const parsed = checkSchema<TaskSpec>(SCHEMAS.TaskSpec, input);
    if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid task: ${describeIssues(parsed.issues)}`, TaskErrors.Invalid);
    const spec = parsed.value;
    if (spec.urgeWindowMs === undefined && this.opts.urgeWindowMs !== undefined) spec.urgeWindowMs = this.opts.urgeWindowMs;
    if (!this.types.has(spec.type)) throw ApplicationFailure.nonRetryable(`unknown task type ${spec.type}`, TaskErrors.Invalid);
    const now = Date.now();
    const due = this.deadlines.dueAt(spec, now);
    const task = newTaskState(this.workflowId, this.opts.process, spec, now, due);
    if (this.tasks.has(task.id) && this.tasks.get(task.id)?.status === 'open') {
      throw ApplicationFailure.nonRetryable(`task ${task.id} is already open`, TaskErrors.Conflict);
    }
    this.tasks.set(task.id, task);
    this.deadlines.open(task, due, now);
    this.outbox.changed(task);
    this.outbox.recordTask(task, 'system', '系统', 'created', null);
    if (spec.notifyAssigned !== false) this.outbox.notifyTask(task, 'assigned', task.actors, null);
    return new Promise((resolve) => this.waiters.set(task.id, resolve as (r: TaskResult) => void));
  }

  /** Waits again for an open task carried over by continue-as-new (of type T, on a typed board). */
  resume<T extends keyof M & string = keyof M & string>(key: string): Promise<TaskResultOf<M, T>> {
    const id = `${this.workflowId}:${key}`;
    // decided before anyone waited again: an Update a new run received before its code resumed the task
    const early = this.unawaited.get(id);
    if (early) {
      this.unawaited.delete(id);
      return Promise.resolve(early as TaskResultOf<M, T>);
    }
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
    return { tasks: open, timers: this.deadlines.snapshot(open), seq: this.seq, process: this.outbox.process };
  }

  /** Cancels an open task (e.g. the process moved on); its waiter never resolves. */
  cancel(key: string, reason: string): void {
    const t = this.tasks.get(`${this.workflowId}:${key}`);
    if (!t || t.status !== 'open') return;
    t.status = 'cancelled';
    t.version++;
    t.actors = [];
    this.waiters.delete(t.id);
    this.deadlines.closed();
    this.outbox.changed(t);
    this.outbox.recordTask(t, 'system', '系统', 'cancelled', reason);
  }

  /** Records a process-level audit event (not tied to a task). */
  record(e: { actorId: string; actorName: string; action: string; projectId?: string | null; reason?: string | null; detail?: Record<string, unknown> }): void {
    this.outbox.record(e);
  }

  /**
   * Keeps a process record (db/records.ts: e.g. a project's monitoring result) with the board's next
   * write: it rides an Update's answer like the inbox rows, with no activity of its own.
   */
  keep(kind: string, key: string, row: unknown): void {
    this.outbox.keep(kind, key, row);
  }

  /** Sends a notification not tied to a task (e.g. the applicant hears the conclusion). */
  notify(e: { kind: MailKind; to: string[]; title: string; projectName?: string | null; reason?: string | null }): void {
    this.outbox.notify(e);
  }

  /** Updates the process instance's row (stage, status, summary) for dashboards. */
  setProcess(p: ProcessFields): void {
    this.outbox.setProcess(p);
  }

  /**
   * An Update whose caller writes its answer's projection itself and retries until it has (see
   * Outbox.handOver): holds the projection from now, in the handler's first synchronous step, until
   * handOver() takes everything pending, which the board then counts as written.
   */
  holdProjection(): void {
    this.outbox.beginAnswer();
  }

  /** After holdProjection(): everything pending for the caller to write (undefined: too large, the board writes it itself). */
  handOver(): ProjectionBatch | undefined {
    return this.outbox.handOver();
  }

  /** Waits until every change so far is in the inbox and every Update has answered. */
  async drain(): Promise<void> {
    await this.outbox.drain();
  }

  openCount(): number {
    let n = 0;
    for (const t of this.tasks.values()) if (t.status === 'open') n++;
    return n;
  }

  // --- moves -------------------------------------------------------------------------------

  /** Checks a move against the task as it is now; a refusal is a typed, non-retryable failure. */
  private checked(input: unknown, parsed?: TaskActionParsed): { a: TaskActionParsed; t: TaskState; def: TaskTypeInfo | undefined; slot: Signer | undefined } {
    const a = parsed ?? parseAction(input);
    const t = this.tasks.get(a.taskId);
    const def = t ? this.types.get(t.spec.type) : undefined;
    try {
      return { a, t: t as TaskState, def, slot: check(t, a, def, Date.now()) };
    } catch (e) {
      if (e instanceof MoveError) throw ApplicationFailure.nonRetryable(e.message, e.type);
      throw e;
    }
  }

  private async act(input: unknown, opts?: AnswerOptions): Promise<TaskActionResult> {
    this.updates++;
    if (this.carries(opts)) return this.answer((await this.withProjection(() => [this.applyMove(input)]))[0] as TaskActionResult);
    const r = this.applyMove(input);
    if (this.outbox.committed) return this.answer(withStates([r], this.tasks)[0]);
    await this.outbox.drain();
    return this.answer(r);
  }

  /** The caller writes the answer's projection (see ANSWER_CARRIES_PROJECTION in outbox.ts). */
  private carries(opts: AnswerOptions | undefined): boolean {
    return opts?.projection === true && this.outbox.answers;
  }

  /**
   * Applies the moves, lets the workflow code they wake run on (the next task it asks is in the
   * answer too), then answers with everything pending for the inbox on the first result that is no refusal.
   */
  private async withProjection(applyMoves: () => TaskActManyResult): Promise<TaskActManyResult> {
    this.outbox.beginAnswer();
    let out: TaskActManyResult;
    try {
      out = applyMoves();
    } catch (e) {
      this.outbox.cancelAnswer(); // nothing moved: what is pending stays the loop's, written at once
      throw e;
    }
    // conditions are checked once every microtask has run: the woken workflow code has moved on by then
    await condition(() => true);
    const projection = this.outbox.answer();
    if (!projection) return withStates(out, this.tasks);
    const first = out.findIndex((r) => !('error' in r));
    return out.map((r, i) => (i === first ? { ...r, projection } : r));
  }

  /** The Update's answer leaves with the workflow task's completion: the last point before Temporal records it. */
  private answer<R>(r: R): R {
    faults.point('board.moveAnswered', this.workflowId);
    return r;
  }

  /** Each move is checked and applied on its own: a refused one is reported and leaves no trace. */
  private async actMany(inputs: unknown[], opts?: AnswerOptions): Promise<TaskActManyResult> {
    this.updates++;
    if (this.carries(opts)) return this.answer(await this.withProjection(() => this.applyEach(inputs)));
    const out = this.applyEach(inputs);
    if (this.outbox.committed) return this.answer(withStates(out, this.tasks));
    await this.outbox.drain();
    return this.answer(out);
  }

  /** Each move applied on its own; a refused one is named by its input's task id. */
  private applyEach(inputs: unknown[]): TaskActManyResult {
    const parsed = this.parsed.take(inputs); // as the validator parsed them (none on replay: parsed here, to the same)
    return inputs.map((input, i) => {
      try {
        return this.applyMove(input, parsed[i]);
      } catch (e) {
        const f = e instanceof ApplicationFailure ? e : ApplicationFailure.nonRetryable(String(e), TaskErrors.Invalid);
        return { taskId: String((input as { taskId?: unknown })?.taskId ?? ''), error: { type: f.type ?? TaskErrors.Invalid, message: f.message } };
      }
    });
  }

  private applyMove(input: unknown, parsed?: TaskActionParsed): TaskActionResult {
    const { a, t, def, slot } = this.checked(input, parsed); // again: state may have moved since validation when Updates queue up
    const res = apply(t, a, slot, def, Date.now());
    this.outbox.changed(t);
    this.outbox.recordTask(t, a.actor.userId, a.actor.name, a.action, 'reason' in a ? a.reason : 'comment' in a ? a.comment : null, actionDetail(a));
    if (res.notify && res.notify.to.length) this.outbox.notifyTask(t, res.notify.kind, res.notify.to, res.notify.reason);
    if (res.completed) {
      const submitter = t.spec.submittedBy;
      if (submitter && t.spec.notifySubmitter && submitter !== a.actor.userId) {
        this.outbox.notifyTask(t, 'decided', [submitter], `${outcomeLabel(def, res.completed.outcome)}${res.completed.comment ? `：${res.completed.comment}` : ''}`);
      }
      t.status = 'completed';
      t.outcome = res.completed.outcome;
      t.form = res.completed.form;
      t.actors = [];
      this.deadlines.closed();
      const waiter = this.waiters.get(t.id);
      this.waiters.delete(t.id);
      (waiter ?? ((r: TaskResult) => void this.unawaited.set(t.id, r)))({
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
}
