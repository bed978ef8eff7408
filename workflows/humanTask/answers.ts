// The board's moves apart from its state: parsing a move, checking a batch of moves before any is
// recorded (task.actMany's validator), what an Update answers with, and the audit details of a move.
import { ApplicationFailure } from '@temporalio/workflow';
import { TaskErrors, type RefusedMove, type TaskActionResult } from '../../contracts/humanTask/messages';
import type { TaskActionParsed, TaskState } from '../../contracts/humanTask/tasks.zod';
import { check as checkSchema, describeIssues, SCHEMAS, type TaskTypeInfo } from '../../contracts/humanTask/schemas';
import { apply, check, MoveError } from '../../contracts/humanTask/moves';
import { cloneTask } from './outbox';

/** A move's Update result carries the task's new state (the API writes it at once) up to this size. */
const RESULT_STATE_BUDGET = 256 * 1024;

/**
 * Refuses the whole batch, before anything is recorded, when any move in it would be refused,
 * naming those moves (`refusedMoves` in the failure's details): the sender drops them and sends
 * the rest again, so a refused move never enters the history. A task moved more than once in the
 * batch (claimed, then decided) is tried on a copy, move by move in order; a task moved once is
 * checked as it is (a check changes nothing, and nothing after it in the batch needs its result):
 * the copies were a fifth of the workflow threads' time in a bulk approval (BENCHMARKS.md
 * 2026-12-03). Returns the parsed moves, for the handler that runs next (`ParsedHandOver`).
 */
export function refuseBatch(inputs: unknown[], tasks: Map<string, TaskState>, types: Map<string, TaskTypeInfo>): TaskActionParsed[] {
  const moves = new Map<string, number>();
  for (const input of inputs) {
    const id = (input as { taskId?: unknown } | null)?.taskId;
    if (typeof id === 'string') moves.set(id, (moves.get(id) ?? 0) + 1);
  }
  const copies = new Map<string, TaskState>();
  const refused: RefusedMove[] = [];
  const parsed: TaskActionParsed[] = [];
  inputs.forEach((input, index) => {
    let taskId = '';
    try {
      const a = parseAction(input);
      parsed.push(a);
      taskId = a.taskId;
      const real = tasks.get(a.taskId);
      if ((moves.get(a.taskId) ?? 0) <= 1) {
        check(real, a, real ? types.get(real.spec.type) : undefined);
        return;
      }
      const t = copies.get(a.taskId) ?? (real ? cloneTask(real) : undefined);
      const def = t ? types.get(t.spec.type) : undefined;
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
  return parsed;
}

/**
 * The moves a validator parsed, handed to its Update's handler: the SDK runs the handler's first,
 * synchronous part right after the validator (on a fresh decoding of the same arguments), so what
 * is given is dropped at the next microtask if no handler took it, and taken only for the same
 * moves (count, task and action each). A handler without it (on replay no validator runs) parses
 * its inputs itself, to the same values.
 */
export class ParsedHandOver {
  private held: TaskActionParsed[] | null = null;

  give(parsed: TaskActionParsed[]): void {
    this.held = parsed;
    void Promise.resolve().then(() => (this.held = null));
  }

  take(inputs: unknown[]): Array<TaskActionParsed | undefined> {
    const held = this.held;
    this.held = null;
    if (!held || held.length !== inputs.length) return [];
    return inputs.map((input, i) => {
      const m = input as { taskId?: unknown; action?: unknown } | null;
      return m?.taskId === held[i].taskId && m?.action === held[i].action ? held[i] : undefined;
    });
  }
}

/** A move, checked against the generated schema of TaskAction (defaults filled in). */
export function parseAction(input: unknown): TaskActionParsed {
  const r = checkSchema<TaskActionParsed>(SCHEMAS.TaskAction, input);
  if (!r.ok) throw ApplicationFailure.nonRetryable(describeIssues(r.issues), TaskErrors.Invalid);
  return r.value;
}

export function outcomeLabel(def: TaskTypeInfo | undefined, outcome: string): string {
  if (outcome === 'returned') return '退回修改';
  return def?.outcomes[outcome]?.label.zh ?? outcome;
}

export function actionDetail(a: TaskActionParsed): Record<string, unknown> {
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

/** Adds each moved task's committed state to its result, within RESULT_STATE_BUDGET. */
export function withStates<R extends TaskActionResult | { taskId: string; error: unknown }>(results: R[], tasks: Map<string, TaskState>): R[] {
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

