// Workflows of the benchmark beside the product's (bench/worker.ts bundles both): a batch that opens
// many review tasks in one execution (bench/firstTask.ts times its first workflow task by size) and a
// trivial workflow for the ceiling of the run.
import { TaskBoard } from '../workflows/humanTask';
import { PRE_ASSESSMENT_TASKS } from '../contracts/preAssessment/rules';
import { PRE_ASSESSMENT_TYPES } from '../contracts/preAssessment/schemas';
import type { TaskSpecInput } from '../contracts/humanTask/tasks.zod';

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
