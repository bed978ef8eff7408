// What the inbox's direct and queued moves share (api/inbox/moves.ts, api/inbox/queued.ts): the
// refusal → HTTP mapping and the interfaces each gives the other.
import type { TaskAction, TaskActionParsed } from '../../contracts/humanTask/tasks.zod';
import type { ProjectionBatch } from '../../contracts/humanTask/inbox';
import { TaskErrors } from '../../contracts/humanTask/messages';
import type { TaskRow } from '../../db/inbox/tasks';
import type { User } from '../auth';
import { HttpError } from '../http';
import type { DispatcherOptions } from './dispatcher';

const STATUS_OF: Record<string, number> = {
  [TaskErrors.NotFound]: 404,
  [TaskErrors.NotOpen]: 409,
  [TaskErrors.Conflict]: 409,
  [TaskErrors.Forbidden]: 403,
  [TaskErrors.Invalid]: 400,
};

/** Maps a refused move (from our pre-check or from the workflow's validator) to an HTTP error. */
export function moveHttpError(type: string | undefined, message: string): HttpError {
  const status = (type && STATUS_OF[type]) || 409;
  // a refused form names its field first (form.approvedAmountFen: …): the error names it as the request's
  const field = /^(form\.[A-Za-z0-9_.]+):/.exec(message)?.[1];
  return new HttpError(status, type ?? 'REFUSED', message, field ? `body.${field}` : undefined);
}

/** What the queued moves (api/inbox/queued.ts) share with the direct ones. */
export interface MoveKit {
  /** A move from a request body, checked against the task's row as far as the API can (the workflow checks again). */
  prepare(u: User, row: TaskRow, body: Record<string, unknown>): Promise<TaskActionParsed>;
  /** Writes what an Update's answer committed for the inbox. */
  writeCommitted(batch: ProjectionBatch): Promise<void>;
}

export interface DecisionQueue {
  /** Queues checked moves; per move its decision id, or why it was not queued. */
  enqueue(u: User, list: Array<{ taskId: string; workflowId: string; move: TaskAction; version: number }>, idempotencyKey?: string): Promise<Array<{ taskId: string; ok: true; decisionId: string } | { taskId: string; ok: false; error: string }>>;
  /** Starts carrying the queue to the workflows (at once: decisions queued before a restart go on). */
  start(): void;
  stop(): Promise<void>;
}

export type QueueOptions = Partial<Pick<DispatcherOptions, 'maxExecutions' | 'maxBatch' | 'leaseMs' | 'updateDeadlineMs' | 'pollMs' | 'afterAnswer'>>;
