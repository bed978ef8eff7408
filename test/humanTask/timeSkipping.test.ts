// Real durations on Temporal's time-skipping test server: a review due in 10 days reminds 2 days
// before, escalates a day after the due date, and then refuses the original reviewer's late decision.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { createInboxActivities } from '../../activities/inbox';
import { type TaskState } from '../../contracts/humanTask/tasks.zod';
import { taskActUpdate, tasksQuery } from '../../contracts/humanTask/messages';
import type { askAll } from './workflows';

const DAY = 86_400_000;
const testServer = inject('temporalTestServer');

describe.skipIf(!testServer)('human tasks over days (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `ts-${randomUUID()}`;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
    db = await productDb();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
      activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await db?.close();
    await env?.teardown();
  });

  it('reminds, escalates to the division head, and refuses the late decision', async () => {
    const handle = await env.client.workflow.start<typeof askAll>('askAll', {
      taskQueue,
      workflowId: `ts-${randomUUID()}`,
      args: [[{
        key: 'review', type: 'test.approval', title: '事前评估审核', assignee: 'perf-officer', submittedBy: 'u0101-preparer', dueInMs: 10 * DAY,
        remindBeforeMs: [2 * DAY], escalation: { afterMs: 1 * DAY, to: { group: 'division_head@FIN' }, lateDecision: 'reject' },
      }]],
    });
    const task = async (): Promise<TaskState> => (await handle.query(tasksQuery))[0];
    await env.sleep(7 * DAY);
    expect((await task()).history.map((h) => h.action)).toEqual([]);
    await env.sleep(2 * DAY); // day 9: two days before the due date
    expect((await task()).history.map((h) => h.action)).toEqual(['remind']);
    await env.sleep(2.5 * DAY); // day 11.5: due day 10, escalation a day later
    const t = await task();
    expect(t.escalated).toBe(true);
    expect(t.actors).toEqual(['division_head@FIN']);

    const late = handle.executeUpdate(taskActUpdate, { args: [{ taskId: t.id, action: 'decide', outcome: 'approve', form: {}, actor: { userId: 'perf-officer', name: '郑洁', groups: ['finance_performance@FIN'], roles: ['finance_performance'] } }] });
    await expect(late).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await handle.executeUpdate(taskActUpdate, { args: [{ taskId: t.id, action: 'decide', outcome: 'approve', form: {}, actor: { userId: 'perf-head', name: '钱进', groups: ['division_head@FIN'], roles: ['division_head'] } }] });
    const [r] = await handle.result();
    expect(r.decidedBy).toBe('perf-head');
    const kinds = (await db.query<{ kind: string; user_id: string }>(`SELECT kind, user_id FROM outbox WHERE task_id = $1 ORDER BY id`, [t.id])).rows;
    expect(kinds).toEqual([
      { kind: 'assigned', user_id: 'perf-officer' },
      { kind: 'reminder', user_id: 'perf-officer' },
      { kind: 'escalated', user_id: 'perf-head' },
      { kind: 'decided', user_id: 'u0101-preparer' },
    ]);
  });
});
