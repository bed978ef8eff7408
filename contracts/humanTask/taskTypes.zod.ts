// Task types: the outcomes a person may choose on a task and the form each outcome requires.
// A process defines its types in its own contract file and lists them in contracts/processes.ts.
import { z } from 'zod';

export interface Label {
  zh: string;
  en: string;
}

export interface OutcomeDef {
  label: Label;
  /** Form fields required with this outcome. */
  form: z.ZodType<Record<string, unknown>>;
  /** Shown as the primary (approve) or danger (reject) button. */
  style?: 'primary' | 'danger' | 'default';
}

export interface TaskTypeDef {
  type: string;
  label: Label;
  outcomes: Record<string, OutcomeDef>;
}

export function defineTaskType<T extends TaskTypeDef>(def: T): T {
  return def;
}

/** A comment-only form, for outcomes that need nothing else. */
export const CommentForm = z.object({ comment: z.string().max(2000).optional() });

/** The forms of a task type by outcome, as its workflow receives them (defaults filled in). */
export type FormsOf<D extends TaskTypeDef> = { [O in keyof D['outcomes'] & string]: z.output<D['outcomes'][O]['form']> };

/**
 * Task types (a union of definitions) by name, each its forms by outcome: the type parameter of a
 * typed board, `new TaskBoard<TaskFormsOf<typeof ReviewTask | typeof ReviseTask>>(…)`, so that
 * `ask()` returns a result typed by its task type (workflow code imports this with `import type`).
 */
export type TaskFormsOf<D extends TaskTypeDef> = { [K in D as K['type']]: FormsOf<K> };
