// The messages of the human-task primitive (Update and query definitions, refusal types), without
// zod: workflow code imports this, the API too (through contracts/tasks.ts).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TaskAction, TaskState, TaskStatus } from './tasks.zod';
import type { ProjectionBatch } from './inbox';

export interface TaskActionResult {
  taskId: string;
  status: TaskStatus;
  version: number;
  /** The task as committed by this move, for the API to write to the inbox at once (omitted when large). */
  state?: TaskState;
  /**
   * With `{ projection: true }`: what the move left for the inbox (every task row, audit event, mail
   * and process row the board had not yet written, this move's and what followed from it), for
   * the caller to write at once; the board writes it again later, as a backstop. On the first
   * result that is not a refusal; omitted when large (the board then writes it at once itself).
   */
  projection?: ProjectionBatch;
}

/** The caller of a move: with `projection`, it writes the answer's projection itself (the API does). */
export interface AnswerOptions {
  projection?: boolean;
}

/** Failure types a task move can be refused with; the API maps them to HTTP codes. */
export const TaskErrors = {
  NotFound: 'TaskNotFound', // 404
  NotOpen: 'TaskNotOpen', // 409
  Conflict: 'TaskConflict', // 409
  Forbidden: 'TaskForbidden', // 403
  Invalid: 'TaskInvalid', // 400
  /** task.actMany refused whole, before anything was recorded; details[0] lists the refused moves. */
  BatchRefused: 'TaskBatchRefused',
} as const;

/** A move of a refused batch, as listed in the failure's details. */
export interface RefusedMove {
  index: number;
  taskId: string;
  type: string;
  message: string;
}

export const taskActUpdate = defineUpdate<TaskActionResult, [TaskAction, AnswerOptions?]>('task.act');
/** Many moves in one Update (bulk approval): one workflow task and one projection write for all. */
export type TaskActManyResult = Array<TaskActionResult | { taskId: string; error: { type: string; message: string } }>;
export const taskActManyUpdate = defineUpdate<TaskActManyResult, [TaskAction[], AnswerOptions?]>('task.actMany');
export const tasksQuery = defineQuery<TaskState[]>('task.list');
