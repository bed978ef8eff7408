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
 * the rest again, so a refused move never enters the history. Moves are tried in order on copies,
 * since a batch may claim a task and then decide it.
 */
export function refuseBatch(inputs: unknown[], tasks: Map<string, TaskState>, types: Map<string, TaskTypeInfo>): void {
  const copies = new Map<string, TaskState>();
  const refused: RefusedMove[] = [];
  inputs.forEach((input, index) => {
    let taskId = '';
    try {
      const a = parseAction(input);
      taskId = a.taskId;
      const real = tasks.get(a.taskId);
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

