// Every task type of every process, for the API (form schemas, validation) and the inbox.
// A new process adds its task types here: one line.
import type { TaskTypeDef } from './taskTypes';
import { ReviewTask, ReviseTask, TargetReviewTask } from './preAssessment';

export const TASK_TYPES: Record<string, TaskTypeDef> = Object.fromEntries(
  [ReviewTask, TargetReviewTask, ReviseTask].map((t) => [t.type, t]),
);

export const PROCESSES = ['preAssessment', 'monitoring', 'warning', 'evaluation', 'rectification'] as const;
export type ProcessName = (typeof PROCESSES)[number];
