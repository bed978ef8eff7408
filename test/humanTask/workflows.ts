// A test process for the human-task primitive: asks every given task at once and returns the results.
import { allHandlersFinished, condition, continueAsNew } from '@temporalio/workflow';
import { TaskBoard, type BoardSnapshot } from '../../workflows/humanTask';
import type { TaskResult, TaskSpecInput } from '../../contracts/humanTask/tasks.zod';
import type { TaskTypeInfo } from '../../contracts/humanTask/schemas';
import type { WorkingCalendar } from '../../contracts/calendar';

/** A task type of the test process, in the form workflow code sees task types (JSON Schema forms). */
const TestApproval: Record<string, TaskTypeInfo> = {
  'test.approval': {
    label: { zh: '测试审批', en: 'Test approval' },
    outcomes: {
      approve: { label: { zh: '同意', en: 'Approve' }, style: 'primary', form: { type: 'object', properties: { comment: { type: 'string' } } } },
      reject: { label: { zh: '不同意', en: 'Reject' }, style: 'danger', form: { type: 'object', properties: { comment: { type: 'string', minLength: 1 } }, required: ['comment'] } },
    },
  },
};

export async function askAll(specs: TaskSpecInput[]): Promise<TaskResult[]> {
  const board = new TaskBoard({ process: 'test', types: TestApproval });
  const results = await Promise.all(specs.map((s) => board.ask(s)));
  await board.drain();
  return results;
}

/** Like askAll, on a board given a working-day calendar (as a process gets it from the region profile). */
export async function askOnCalendar(specs: TaskSpecInput[], calendar: WorkingCalendar): Promise<TaskResult[]> {
  const board = new TaskBoard({ process: 'test', types: TestApproval, calendar });
  const results = await Promise.all(specs.map((s) => board.ask(s)));
  await board.drain();
  return results;
}

/** Asks, then continues as new with its open tasks every `generations` times before waiting. */
export async function askAcrossRuns(specs: TaskSpecInput[], generation = 0, snapshot?: BoardSnapshot): Promise<{ results: TaskResult[]; generation: number }> {
  const board = new TaskBoard({ process: 'test', types: TestApproval, restore: snapshot });
  const pending = snapshot ? board.openKeys().map((k) => board.resume(k)) : specs.map((s) => board.ask(s));
  if (generation < 2) {
    await board.drain();
    await condition(allHandlersFinished);
    return continueAsNew<typeof askAcrossRuns>(specs, generation + 1, board.snapshot());
  }
  const results = await Promise.all(pending);
  await board.drain();
  return { results, generation };
}

/** Waits for every task, handing the open ones to a new run whenever the board advises it. */
export async function askWithCarryOver(specs: TaskSpecInput[], maxUpdates: number, snapshot?: BoardSnapshot, carried: TaskResult[] = []): Promise<TaskResult[]> {
  const board = new TaskBoard({ process: 'test', types: TestApproval, restore: snapshot });
  const results = [...carried];
  const asked = snapshot ? board.openKeys().map((k) => board.resume(k)) : specs.map((s) => board.ask(s));
  let done = false;
  void Promise.all(asked.map((p) => p.then((r) => void results.push(r)))).then(() => (done = true));
  await condition(() => done || board.continueAsNewAdvised(maxUpdates));
  await board.drain();
  if (!done) {
    await condition(allHandlersFinished);
    return continueAsNew<typeof askWithCarryOver>(specs, maxUpdates, board.snapshot(), results);
  }
  return results;
}

/** Asks the first task; once it is decided, asks the second (the work a decision wakes). */
export async function askInTurn(first: TaskSpecInput, second: TaskSpecInput, backstopMs: number): Promise<TaskResult[]> {
  const board = new TaskBoard({ process: 'test', types: TestApproval, backstopMs });
  const a = await board.ask(first);
  const b = await board.ask(second);
  await board.drain();
  return [a, b];
}
