// A test process for the browser test: opens whatever tasks it is given, of the product's own task
// types (so the API's validation of a decision knows them), and returns their results.
// (test/humanTask/workflows.ts's askAll knows only its 'test.approval' type: a board refuses to ask a
// task of a type it was not given.)
import { TaskBoard } from '../../workflows/humanTask';
import { PRE_ASSESSMENT_TYPES } from '../../contracts/preAssessment/schemas';
import type { TaskResult, TaskSpecInput } from '../../contracts/humanTask/tasks.zod';

export async function askProductTasks(specs: TaskSpecInput[]): Promise<TaskResult[]> {
  const types = PRE_ASSESSMENT_TYPES;
  const board = new TaskBoard({ process: 'preAssessment', types });
  const results = await Promise.all(specs.map((s) => board.ask(s)));
  await board.drain();
  return results;
}
