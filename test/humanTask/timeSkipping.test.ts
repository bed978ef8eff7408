// Real durations on Temporal's time-skipping test server: a review due in 10 days reminds 2 days
// before, escalates a day after the due date, and then refuses the original reviewer's late decision;
// a form due in working days skips the weekend and a holiday week and counts a make-up Saturday.
import { dataConverter } from '../../app/codec';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { testWorker, type TestWorker } from '../helpers/temporal';
import { createInboxActivities } from '../../activities/inbox';
import { type TaskState } from '../../contracts/humanTask/tasks.zod';
import { taskActUpdate, tasksQuery } from '../../contracts/humanTask/messages';
import type { askAll, askOnCalendar } from './workflows';
import { shanghaiDate, workingDays, type WorkingCalendar } from '../../contracts/calendar';

const DAY = 86_400_000;
const testServer = inject('temporalTestServer');

describe.skipIf(!testServer)('human tasks over days (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let worker: TestWorker;
  const taskQueue = `ts-${randomUUID()}`;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter: dataConverter() }, server: { executable: { type: 'existing-path', path: testServer } } });
    db = await productDb();
    worker = await testWorker({ connection: env.nativeConnection, taskQueue, workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }) });
  });
  afterAll(async () => {
    await worker?.stop();
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

  it('a form due in 3 working days skips the holidays and the weekend, counts the make-up Saturday, and escalates only then', async () => {
    // A calendar around the server's clock (it starts at the real time): from tomorrow days off until
    // the first Saturday at least 3 days ahead, which is worked (调休). The board gets it as input, as
    // a process gets the region profile's.
    const start = await env.currentTimeMs();
    const day = (n: number): string => shanghaiDate(start + n * DAY);
    const sat = [3, 4, 5, 6, 7, 8, 9].find((n) => new Date(`${day(n)}T00:00:00Z`).getUTCDay() === 6) as number;
    const calendar: WorkingCalendar = [...new Set([day(1), day(sat)].map((d) => Number(d.slice(0, 4))))].map((year) => ({
      year, source: 'test', provisional: false,
      holidays: day(1).startsWith(`${year}-`) ? [{ name: '测试假期', from: day(1), to: day(sat - 1) }] : [],
      workdays: day(sat).startsWith(`${year}-`) ? [{ date: day(sat), for: '测试假期' }] : [],
    }));
    const handle = await env.client.workflow.start<typeof askOnCalendar>('askOnCalendar', {
      taskQueue,
      workflowId: `ts-${randomUUID()}`,
      args: [[{
        key: 'form', type: 'test.approval', title: '绩效运行监控表', assignee: 'u0101-preparer', due: { workingDays: 3 },
        escalation: { afterMs: 0, to: { group: 'competent_head@D01' }, lateDecision: 'allow' },
      }], calendar],
    });
    const task = async (): Promise<TaskState> => (await handle.query(tasksQuery))[0];
    const opened = Date.parse((await task()).createdAt);
    const due = Date.parse((await task()).dueAt);
    // the make-up Saturday (1), Sunday off, Monday (2), Tuesday (3), at the time of day it was opened
    expect(shanghaiDate(due)).toBe(day(sat + 3));
    expect(due % DAY).toBe(opened % DAY);
    expect(due).toBeGreaterThan(workingDays([]).add(opened, 3)); // later than on weekends alone

    await env.sleep(due - opened - DAY / 2);
    expect((await task()).escalated).toBe(false);
    await env.sleep(DAY);
    const t = await task();
    expect(t.escalated).toBe(true);
    expect(t.actors).toEqual(['u0101-preparer', 'competent_head@D01']);
    await handle.executeUpdate(taskActUpdate, { args: [{ taskId: t.id, action: 'decide', outcome: 'approve', form: {}, actor: { userId: 'u0101-preparer', name: '王芳', groups: [], roles: [] } }] });
    const [r] = await handle.result();
    expect(r.outcome).toBe('approve');
  });
});
