// The messages of the human-task primitive (Update and query definitions, refusal types), without
// zod: workflow code imports this, the API too (through contracts/tasks.ts).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TaskAction, TaskState, TaskStatus } from './tasks.zod';

export interface TaskActionResult {
  taskId: string;
  status: TaskStatus;
  version: number;
  /** The task as committed by this move, for the API to write to the inbox at once (omitted when large). */
  state?: TaskState;
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

export const taskActUpdate = defineUpdate<TaskActionResult, [TaskAction]>('task.act');
/** Many moves in one Update (bulk approval): one workflow task and one projection write for all. */
export type TaskActManyResult = Array<TaskActionResult | { taskId: string; error: { type: string; message: string } }>;
export const taskActManyUpdate = defineUpdate<TaskActManyResult, [TaskAction[]]>('task.actMany');
export const tasksQuery = defineQuery<TaskState[]>('task.list');
