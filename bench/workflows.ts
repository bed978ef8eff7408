// Workflows of the benchmark: the product's, plus a batch that opens many review tasks in one
// execution, the way a monitoring round opens one unit's (or one department's) forms at once (the
// stand-in until the monitoring process exists), and a trivial workflow for the ceiling of the run.
import { TaskBoard } from '../workflows/humanTask';
import { PRE_ASSESSMENT_TASKS } from '../contracts/preAssessment/rules';
import { PRE_ASSESSMENT_TYPES } from '../contracts/preAssessment/schemas';
import type { TaskSpecInput } from '../contracts/humanTask/tasks.zod';

export * from '../workflows/preAssessment';

export async function benchBatch(specs: TaskSpecInput[]): Promise<number> {
  const board = new TaskBoard({ process: 'bench', types: { [PRE_ASSESSMENT_TASKS.targetReview]: PRE_ASSESSMENT_TYPES[PRE_ASSESSMENT_TASKS.targetReview] } });
  const results = await Promise.all(specs.map((s) => board.ask(s)));
  await board.drain();
  return results.length;
}

/** The trivial-workflow ceiling: a workflow that returns at once (one workflow task, no activity). */
export async function benchTrivial(): Promise<number> {
  return 1;
}
