// The board's outbox: what its changes leave outside Temporal (inbox rows, audit events, mail, the
// process row), gathered between flushes and written in chunks by one loop. Never ahead of the
// history: after COMMITTED_PROJECTION an ordinary activity writes each batch, which Temporal
// schedules only once the workflow task that made the change is recorded. After
// ANSWER_CARRIES_PROJECTION a move's Update answer may carry what is pending to a caller that
// writes it (the API), and the activity then runs only as a backstop, BACKSTOP_MS later: one
// workflow task per decision instead of three (Update, activity scheduled, activity completed).
import { condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { InboxActivities } from '../../activities/inbox';
import type { AuditEvent, MailEvent, MailKind, ProcessRow, ProjectionBatch } from '../../contracts/humanTask/inbox';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import type { Patched } from '../generation';

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

export const COMMITTED_PROJECTION = 'jixiao.board.committed-projection';
export const ANSWER_CARRIES_PROJECTION = 'jixiao.board.answer-carries-projection';

/**
 * What an Update's answer carried is written again this long after (or at drain(), or with the
 * next change no answer carried): only a caller that died between the answer and its write needs it.
 */
const BACKSTOP_MS = 30_000;
/** An answer carries at most this much (JSON characters); a larger batch the board writes itself at once. */
const ANSWER_BUDGET = 256 * 1024;

/** A batch stays well under Temporal's payload limits (it is recorded as the activity's input). */
const CHUNK = 100;

export type ProcessFields = Omit<ProcessRow, 'workflowId' | 'process' | 'startedAt' | 'updatedAt' | 'version'>;

export class Outbox {
  private readonly dirty = new Map<string, TaskState>();
  private audit: AuditEvent[] = [];
  private mail: MailEvent[] = [];
  private processRow: ProcessRow | undefined;
  private processDirty = false;
  /** Carried by an answer, not yet written by the board itself (the backstop writes them). */
  private readonly carried = new Map<string, TaskState>();
  private carriedAudit: AuditEvent[] = [];
  private carriedMail: MailEvent[] = [];
  private processCarried = false;
  /** Process records by kind and key, latest row each (pending, and carried by an answer). */
  private readonly records = new Map<string, Map<string, unknown>>();
  private readonly carriedRecords = new Map<string, Map<string, unknown>>();
  /** Counts changes; flushedRev is the last one in the inbox, answeredRev the last one an answer carried. */
  private rev = 0;
  private flushedRev = 0;
  private answeredRev = 0;
  /** Updates collecting their answer: the loop must not take the batch from under them. */
  private answering = 0;
  /** drain() waits: no backstop delay. */
  private urgent = false;
  /** Projection by an ordinary activity, after the change is committed (see COMMITTED_PROJECTION). */
  readonly committed: boolean;
  /** Answers may carry the projection (see ANSWER_CARRIES_PROJECTION). */
  readonly answers: boolean;

  constructor(
    private readonly workflowId: string,
    private readonly processName: string,
    /** For process-level event keys, shared with the board's snapshot. */
    private readonly nextSeq: () => number,
    restoredProcess?: ProcessRow,
    private readonly backstopMs = BACKSTOP_MS,
    /** The workflow's patched() (a generation's, workflows/generation.ts), the SDK's by default. */
    isPatched: Patched = patched,
  ) {
    this.processRow = restoredProcess;
    this.committed = isPatched(COMMITTED_PROJECTION);
    this.answers = this.committed && isPatched(ANSWER_CARRIES_PROJECTION);
  }

  get process(): ProcessRow | undefined {
    return this.processRow;
  }

  /** The task's row must be written again. */
  changed(t: TaskState): void {
    this.dirty.set(t.id, t);
    this.rev++;
  }

  recordTask(t: TaskState, actorId: string, actorName: string, action: string, reason: string | null, detail: Record<string, unknown> = {}): void {
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

  notifyTask(t: TaskState, kind: MailKind, to: string[], reason: string | null): void {
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

  record(e: { actorId: string; actorName: string; action: string; projectId?: string | null; reason?: string | null; detail?: Record<string, unknown> }): void {
    this.audit.push({
      key: `${this.workflowId}:p${this.nextSeq()}`,
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

  notify(e: { kind: MailKind; to: string[]; title: string; projectName?: string | null; reason?: string | null }): void {
    this.mail.push({
      key: `${this.workflowId}:n${this.nextSeq()}`,
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

  setProcess(p: ProcessFields): void {
    const now = new Date(Date.now()).toISOString();
    this.processRow = {
      ...p,
      workflowId: this.workflowId,
      process: this.processName,
      startedAt: this.processRow?.startedAt ?? now,
      updatedAt: now,
      version: (this.processRow?.version ?? 0) + 1,
    };
    this.processDirty = true;
    this.rev++;
  }

  /** A process record (db/records.ts) to write with the next batch: the latest row per key goes. */
  keep(kind: string, key: string, row: unknown): void {
    let m = this.records.get(kind);
    if (!m) this.records.set(kind, (m = new Map()));
    m.set(key, JSON.parse(JSON.stringify(row)) as unknown);
    this.rev++;
  }

  /** Waits until every change so far is in the inbox. */
  async drain(): Promise<void> {
    const target = this.rev;
    this.urgent = true;
    await condition(() => this.flushedRev >= target);
  }

  /** An Update begins to collect its answer: the loop waits until answer() has taken the batch. */
  beginAnswer(): void {
    this.answering++;
  }

  /** An Update that began to collect its answer moved nothing: the loop may write what is pending. */
  cancelAnswer(): void {
    this.answering--;
  }

  /**
   * The pending batch for an Update's answer, its items then carried (the backstop writes them
   * later); undefined when it is too large, and then the loop writes it at once.
   */
  answer(): ProjectionBatch | undefined {
    this.answering--;
    // each task written out once: its copy is read back from that text, and the batch's size (the
    // length JSON.stringify gives the whole batch) is summed from the same texts
    const texts = [...this.dirty.values()].map((t) => JSON.stringify(t));
    const rest = { audit: this.audit, mail: this.mail, process: this.processDirty ? this.processRow : undefined, ...recordsOf(this.records) };
    if (batchLength(texts, rest) > ANSWER_BUDGET) return undefined;
    const batch: ProjectionBatch = { tasks: texts.map((j) => JSON.parse(j) as TaskState), ...rest };
    mergeInto(this.carriedRecords, this.records);
    this.records.clear();
    for (const [id, t] of this.dirty) this.carried.set(id, t);
    this.dirty.clear();
    this.carriedAudit.push(...this.audit);
    this.carriedMail.push(...this.mail);
    this.audit = [];
    this.mail = [];
    if (this.processDirty) this.processCarried = true;
    this.processDirty = false;
    this.answeredRev = this.rev;
    return batch;
  }

  /**
   * Everything pending, carried answers included, for a caller that writes it and retries until it
   * has (a raiser's activity, whose Update answers again under the same id): counted as written, so
   * neither the loop nor a backstop writes it again. Undefined when too large: the loop then writes
   * it at once. Pairs with beginAnswer(), which holds the loop until this is taken.
   */
  handOver(): ProjectionBatch | undefined {
    this.answering--;
    const { latest, ...rest } = this.pending();
    const texts = latest.map((t) => JSON.stringify(t));
    if (batchLength(texts, rest) > ANSWER_BUDGET) return undefined;
    this.clearPending();
    this.answeredRev = this.rev;
    this.flushedRev = this.rev;
    return { tasks: texts.map((j) => JSON.parse(j) as TaskState), ...rest };
  }

  /** Everything not yet written by the board itself: the latest state of each task, carried answers first. */
  private pending(): Omit<ProjectionBatch, 'tasks'> & { latest: TaskState[] } {
    const records = new Map<string, Map<string, unknown>>();
    mergeInto(records, this.carriedRecords);
    mergeInto(records, this.records);
    return {
      latest: [...new Map([...this.carried, ...this.dirty]).values()],
      audit: [...this.carriedAudit, ...this.audit],
      mail: [...this.carriedMail, ...this.mail],
      process: this.processDirty || this.processCarried ? this.processRow : undefined,
      ...recordsOf(records),
    };
  }

  /** What pending() gave is taken: later changes go in the next batch. */
  private clearPending(): void {
    this.dirty.clear();
    this.carried.clear();
    this.audit = [];
    this.mail = [];
    this.carriedAudit = [];
    this.carriedMail = [];
    this.records.clear();
    this.carriedRecords.clear();
    this.processDirty = false;
    this.processCarried = false;
  }

  async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.rev > this.flushedRev && this.answering === 0);
      if (this.answers && this.answeredRev >= this.rev && !this.urgent) {
        // everything pending went out with an answer: the write is a backstop, it can wait
        await condition(() => (this.rev > this.answeredRev || this.urgent) && this.answering === 0, this.backstopMs);
      }
      const rev = this.rev;
      this.urgent = false;
      // Snapshot: later changes to the same tasks go in the next batch. The latest state of each, once:
      // the live task objects for an ordinary activity, whose input is serialised as it is scheduled
      // (below); copies for the legacy local activity, which the SDK schedules again on its retries
      const { latest, ...rest } = this.pending();
      this.clearPending();
      const batch: ProjectionBatch = { tasks: this.committed ? latest : latest.map((t) => cloneTask(t)), ...rest };
      if (this.committed) await Promise.all(chunks(batch).map((b) => committed.projectTasks(b)));
      else await legacy.projectTasks(batch);
      this.flushedRev = rev;
    }
  }
}

// A deep copy so that a batch in flight is not changed by later moves (payloads are serialised anyway).
export function cloneTask(t: TaskState): TaskState {
  return JSON.parse(JSON.stringify(t)) as TaskState;
}

/** JSON.stringify({ tasks, ...rest }).length, from each task's text: `{"tasks":[` texts `],` and rest after its `{`. */
function batchLength(texts: string[], rest: Omit<ProjectionBatch, 'tasks'>): number {
  let n = '{"tasks":['.length + Math.max(0, texts.length - 1) + '],'.length + JSON.stringify(rest).length - 1;
  for (const t of texts) n += t.length;
  return n;
}

/** The batch's `records` field (absent when none: batches without records stay as they were). */
function recordsOf(m: Map<string, Map<string, unknown>>): Pick<ProjectionBatch, 'records'> {
  if (![...m.values()].some((k) => k.size)) return {};
  return { records: Object.fromEntries([...m].filter(([, k]) => k.size).map(([kind, k]) => [kind, [...k.values()]])) };
}

/** Adds `from`'s rows to `into`, a later row replacing an earlier one of the same key. */
function mergeInto(into: Map<string, Map<string, unknown>>, from: Map<string, Map<string, unknown>>): void {
  for (const [kind, rows] of from) {
    let m = into.get(kind);
    if (!m) into.set(kind, (m = new Map()));
    for (const [k, v] of rows) m.set(k, v);
  }
}

/** Splits a batch so that no activity input grows with the size of a round. */
function chunks(b: ProjectionBatch): ProjectionBatch[] {
  const records = Object.entries(b.records ?? {});
  const n = Math.max(1, Math.ceil(Math.max(b.tasks.length, b.audit.length, b.mail.length, ...records.map(([, r]) => r.length)) / CHUNK));
  return Array.from({ length: n }, (_, i) => {
    const part = records.map(([kind, r]) => [kind, r.slice(i * CHUNK, (i + 1) * CHUNK)] as const).filter(([, r]) => r.length);
    return {
      tasks: b.tasks.slice(i * CHUNK, (i + 1) * CHUNK),
      audit: b.audit.slice(i * CHUNK, (i + 1) * CHUNK),
      mail: b.mail.slice(i * CHUNK, (i + 1) * CHUNK),
      process: i === 0 ? b.process : undefined,
      ...(part.length ? { records: Object.fromEntries(part) } : {}),
    };
  });
}
