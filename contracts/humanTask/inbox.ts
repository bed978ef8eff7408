// What the human-task primitive writes beside Temporal: the inbox projection, the audit trail
// and the notification outbox, all in one batch per flush.
import type { TaskState } from './tasks.zod';

/** One auditable state change: who, when, what, why. `key` makes the write idempotent. */
export interface AuditEvent {
  key: string;
  at: string;
  actorId: string;
  actorName: string;
  action: string;
  workflowId: string;
  taskId: string | null;
  projectId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

export type MailKind = 'assigned' | 'reminder' | 'escalated' | 'decided' | 'urged' | 'notice';

/** A notification to send; recipients are user ids or group keys, resolved when written to the outbox. */
export interface MailEvent {
  key: string;
  kind: MailKind;
  to: string[];
  taskId: string | null;
  workflowId: string;
  title: string;
  projectName: string | null;
  dueAt: string | null;
  reason: string | null;
  at: string;
}

/** A process instance's row for dashboards and "my submissions". */
export interface ProcessRow {
  workflowId: string;
  process: string;
  projectId: string | null;
  projectName: string | null;
  deptId: string | null;
  unitId: string | null;
  stage: string;
  status: 'running' | 'completed';
  startedBy: string | null;
  startedAt: string;
  updatedAt: string;
  version: number;
  summary: Record<string, unknown>;
}

export interface ProjectionBatch {
  tasks: TaskState[];
  audit: AuditEvent[];
  mail: MailEvent[];
  process?: ProcessRow;
  /** Process records by kind (db/records.ts), written in the same transaction by the kind's writer. */
  records?: Record<string, unknown[]>;
}
