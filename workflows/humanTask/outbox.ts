// The board's outbox: what its changes leave outside Temporal (inbox rows, audit events, mail, the
// process row), gathered between flushes and written in chunks by one loop. Never ahead of the
// history: after COMMITTED_PROJECTION an ordinary activity writes each batch, which Temporal
// schedules only once the workflow task that made the change is recorded.
import { condition, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { InboxActivities } from '../../activities/inbox';
import type { AuditEvent, MailEvent, MailKind, ProcessRow, ProjectionBatch } from '../../contracts/humanTask/inbox';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';

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

/** A batch stays well under Temporal's payload limits (it is recorded as the activity's input). */
const CHUNK = 100;

export type ProcessFields = Omit<ProcessRow, 'workflowId' | 'process' | 'startedAt' | 'updatedAt' | 'version'>;

export class Outbox {
  private readonly dirty = new Map<string, TaskState>();
  private audit: AuditEvent[] = [];
  private mail: MailEvent[] = [];
  private processRow: ProcessRow | undefined;
  private processDirty = false;
  /** Counts changes; flushedRev is the last one in the inbox. */
  private rev = 0;
  private flushedRev = 0;
  /** Projection by an ordinary activity, after the change is committed (see COMMITTED_PROJECTION). */
  readonly committed = patched(COMMITTED_PROJECTION);

  constructor(
    private readonly workflowId: string,
    private readonly processName: string,
    /** For process-level event keys, shared with the board's snapshot. */
    private readonly nextSeq: () => number,
    restoredProcess?: ProcessRow,
  ) {
    this.processRow = restoredProcess;
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

  /** Waits until every change so far is in the inbox. */
  async drain(): Promise<void> {
    const target = this.rev;
    await condition(() => this.flushedRev >= target);
  }

  async loop(): Promise<void> {
    for (;;) {
      await condition(() => this.rev > this.flushedRev);
      const rev = this.rev;
      // Snapshot: later changes to the same tasks go in the next batch.
      const tasks = [...this.dirty.values()].map((t) => cloneTask(t));
      this.dirty.clear();
      const audit = this.audit;
      const mail = this.mail;
      this.audit = [];
      this.mail = [];
      const process = this.processDirty ? this.processRow : undefined;
      this.processDirty = false;
      if (this.committed) await Promise.all(chunks({ tasks, audit, mail, process }).map((b) => committed.projectTasks(b)));
      else await legacy.projectTasks({ tasks, audit, mail, process });
      this.flushedRev = rev;
    }
  }
}

// A deep copy so that a batch in flight is not changed by later moves (payloads are serialised anyway).
export function cloneTask(t: TaskState): TaskState {
  return JSON.parse(JSON.stringify(t)) as TaskState;
}

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
