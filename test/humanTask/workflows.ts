// A test process for the human-task primitive: asks every given task at once and returns the results.
import { z } from 'zod';
import { TaskBoard } from '../../workflows/humanTask';
import type { TaskResult, TaskSpecInput } from '../../contracts/tasks';
import { defineTaskType } from '../../contracts/taskTypes';

export const TestApproval = defineTaskType({
  type: 'test.approval',
  label: { zh: '测试审批', en: 'Test approval' },
  outcomes: {
    approve: { label: { zh: '同意', en: 'Approve' }, style: 'primary', form: z.object({ comment: z.string().optional() }) },
    reject: { label: { zh: '不同意', en: 'Reject' }, style: 'danger', form: z.object({ comment: z.string().min(1) }) },
  },
});

export async function askAll(specs: TaskSpecInput[]): Promise<TaskResult[]> {
  const board = new TaskBoard({ process: 'test', types: [TestApproval] });
  const results = await Promise.all(specs.map((s) => board.ask(s)));
  await board.drain();
  return results;
}
