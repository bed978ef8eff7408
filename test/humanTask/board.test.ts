// The human-task primitive under a real Temporal server: every move, reminders, escalation,
// countersign, concurrency, and the projection it leaves in the database.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { testClient, testWorker, type TestWorker } from '../helpers/temporal';
import { createInboxActivities } from '../../activities/inbox';
import { upsertTasks } from '../../db/inbox/tasks';
import type { Actor } from '../../contracts/common.zod';
import { type TaskAction, type TaskSpecInput, type TaskState } from '../../contracts/humanTask/tasks.zod';
import { taskActManyUpdate, taskActUpdate, tasksQuery } from '../../contracts/humanTask/messages';
import type { askAcrossRuns, askAll, askWithCarryOver } from './workflows';

const actor = (userId: string, groups: string[] = [], roles: string[] = []): Actor => ({ userId, name: userId, groups, roles });
const reviewer = actor('d01-reviewer', ['competent_reviewer@D01'], ['competent_reviewer']);
const reviewer2 = actor('d01-reviewer2', ['competent_reviewer@D01'], ['competent_reviewer']);
const head = actor('d01-head', ['competent_head@D01', 'competent_reviewer@D01'], ['competent_head', 'competent_reviewer']);
const preparer = actor('u0101-preparer', ['unit_preparer@U0101'], ['unit_preparer']);
const perfHead = actor('perf-head', ['division_head@FIN', 'finance_performance@FIN'], ['division_head', 'finance_performance']);
const perf = actor('perf-officer', ['finance_performance@FIN'], ['finance_performance']);

let db: Db;
let client: Client;
let worker: TestWorker;
const taskQueue = `board-${randomUUID()}`;

beforeAll(async () => {
  db = await productDb();
  client = await testClient();
  worker = await testWorker({ taskQueue, workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }) });
});

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await db?.close();
});

/** Waits until the projection shows n completed tasks of the workflow (it follows the commit). */
async function eventuallyRows(workflowId: string, n: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id = $1 AND status = 'completed'`, [workflowId]);
    if (rows[0].n >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the inbox never showed ${n} completed tasks of ${workflowId}`);
}

const spec = (over: Partial<TaskSpecInput> = {}): TaskSpecInput => ({
  key: 'approve',
  type: 'test.approval',
  title: '测试任务',
  project: { id: 'P1', name: '测试项目', deptId: 'D01', unitId: 'U0101' },
  assignee: 'd01-reviewer',
  submittedBy: 'u0101-preparer',
  dueInMs: 3_600_000,
  ...over,
});

/** A move without its task id (distributes over the union of moves). */
type Move = TaskAction extends infer A ? (A extends unknown ? Omit<A, 'taskId'> : never) : never;

async function start(specs: TaskSpecInput[]) {
  const handle = await client.workflow.start<typeof askAll>('askAll', { taskQueue, workflowId: `board-${randomUUID()}`, args: [specs] });
  const id = (key: string) => `${handle.workflowId}:${key}`;
  // moves are refused (TaskNotFound) until the workflow has asked: wait for its first task
  for (let i = 0; i < 200 && (await handle.query(tasksQuery)).length < specs.length; i++) await new Promise((r) => setTimeout(r, 25));
  // the Update answers once Temporal has recorded the move; the inbox follows (projection activity)
  const act = async (a: Move, key = specs[0].key) => {
    const r = await handle.executeUpdate(taskActUpdate, { args: [{ taskId: id(key), ...a } as TaskAction] });
    await projected(r.taskId, r.version);
    return r;
  };
  const task = async (key = specs[0].key): Promise<TaskState> => (await handle.query(tasksQuery)).find((t) => t.id === id(key)) as TaskState;
  return { handle, id, act, task };
}

/** The refusal type of a failed Update (validator or handler). */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) return e.cause.type ?? 'untyped';
    if (e instanceof WorkflowNotFoundError) return 'WorkflowClosed'; // the process ended with the task
    throw e;
  }
  throw new Error('expected the move to be refused');
}

/** Waits until the inbox row of a task has reached a version. */
async function projected(taskId: string, version: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await row(taskId);
    if (r && r.version >= version) return;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`the inbox never showed ${taskId} at version ${version}`);
}

async function row(id: string) {
  return (await db.query<{ status: string; version: number; actors: string[]; outcome: string | null }>(`SELECT status, version, actors, outcome FROM tasks WHERE id = $1`, [id])).rows[0];
}

describe('human-task primitive', () => {
  it('a decision completes the task; the inbox row, audit and mails follow; a second decision is refused', async () => {
    const { handle, id, act } = await start([spec()]);
    expect(await refusal(act({ action: 'decide', actor: reviewer, outcome: 'reject', form: {} }))).toBe('TaskInvalid'); // reject needs a comment
    expect(await refusal(act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    expect(await refusal(act({ action: 'decide', actor: preparer, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    const r = await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: { comment: '同意' } });
    expect(r.status).toBe('completed');
    expect(['TaskNotOpen', 'WorkflowClosed']).toContain(await refusal(act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} })));
    const [res] = await handle.result();
    expect(res).toMatchObject({ outcome: 'approve', decidedBy: 'd01-reviewer', form: { comment: '同意' } });
    expect(await row(id('approve'))).toMatchObject({ status: 'completed', outcome: 'approve', actors: [] });
    const audit = (await db.query<{ action: string }>(`SELECT action FROM audit WHERE task_id = $1 ORDER BY id`, [id('approve')])).rows.map((a) => a.action);
    expect(audit).toEqual(['task.created', 'task.decide']);
    const mail = (await db.query<{ kind: string; user_id: string }>(`SELECT kind, user_id FROM outbox WHERE task_id = $1`, [id('approve')])).rows;
    expect(mail).toEqual([
      { kind: 'assigned', user_id: 'd01-reviewer' },
      { kind: 'decided', user_id: 'u0101-preparer' },
    ]);
  });

  it('segregation of duties: a user excluded from a task (the warning verifier on its reclaim) cannot decide it, nor receive it', async () => {
    const { act, handle } = await start([spec({ assignee: null, candidateGroups: ['competent_reviewer@D01'], excludeUsers: ['d01-reviewer'] })]);
    expect(await refusal(act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    await act({ action: 'claim', actor: reviewer2 });
    expect(await refusal(act({ action: 'transfer', actor: reviewer2, toUserId: 'd01-reviewer', reason: '转给陈静' }))).toBe('TaskInvalid');
    await act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} });
    expect((await handle.result())[0].decidedBy).toBe('d01-reviewer2');
  });

  it('concurrent decisions on one task: exactly one wins', async () => {
    const { act } = await start([spec({ assignee: null, candidateGroups: ['competent_reviewer@D01'] })]);
    const moves = [
      act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} }),
      act({ action: 'decide', actor: reviewer2, outcome: 'reject', form: { comment: '不同意' } }),
      act({ action: 'decide', actor: head, outcome: 'approve', form: {} }),
    ];
    const outcomes = await Promise.allSettled(moves);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    // the losers are refused: the task is closed, or the process already ended with it
    for (const [i, o] of outcomes.entries()) if (o.status === 'rejected') expect(['TaskNotOpen', 'WorkflowClosed']).toContain(await refusal(moves[i]));
  });

  it('a group task is claimed (认领), then only the claimant decides; unclaim frees it', async () => {
    const { act, task } = await start([spec({ assignee: null, candidateGroups: ['competent_reviewer@D01'] })]);
    await act({ action: 'claim', actor: reviewer });
    expect(await refusal(act({ action: 'claim', actor: reviewer2 }))).toBe('TaskForbidden');
    expect((await task()).actors).toEqual(['d01-reviewer']);
    await act({ action: 'unclaim', actor: reviewer });
    expect((await task()).actors).toEqual(['competent_reviewer@D01']);
    await act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} });
  });

  it('撤回: the submitter withdraws before anyone acts, but not after', async () => {
    const a = await start([spec()]);
    expect(await refusal(a.act({ action: 'withdraw', actor: reviewer, reason: '想撤' }))).toBe('TaskForbidden');
    await a.act({ action: 'withdraw', actor: preparer, reason: '材料有误，撤回重报' });
    expect((await a.handle.result())[0]).toMatchObject({ outcome: 'withdrawn', comment: '材料有误，撤回重报' });

    const b = await start([spec()]);
    await b.act({ action: 'saveDraft', actor: reviewer, form: { comment: '审核中' } });
    expect((await b.task()).draft).toEqual({ comment: '审核中' });
    expect(await refusal(b.act({ action: 'withdraw', actor: preparer, reason: '晚了' }))).toBe('TaskConflict');
  });

  it('退回: back to the submitter or to a named earlier step; an unknown step is refused', async () => {
    const { act, handle } = await start([spec({ returnTargets: [{ step: 'unitHead', label: '单位负责人' }] })]);
    expect(await refusal(act({ action: 'return', actor: reviewer, reason: '补充材料', toStep: 'nowhere' }))).toBe('TaskInvalid');
    expect(await refusal(act({ action: 'return', actor: reviewer, reason: '  ' }))).toBe('TaskInvalid');
    await act({ action: 'return', actor: reviewer, reason: '请单位负责人重新签字', toStep: 'unitHead' });
    expect((await handle.result())[0]).toMatchObject({ outcome: 'returned', returnTo: 'unitHead', comment: '请单位负责人重新签字' });
  });

  it('转办: a transfer hands the task over for good', async () => {
    const { act, handle, task } = await start([spec()]);
    await act({ action: 'transfer', actor: reviewer, toUserId: 'd01-reviewer2', reason: '出差，转刘洋办理' });
    expect((await task()).actors).toEqual(['d01-reviewer2']);
    expect(await refusal(act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    await act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} });
    expect((await handle.result())[0].decidedBy).toBe('d01-reviewer2');
    expect(await refusal(start([spec()]).then((s) => s.act({ action: 'transfer', actor: reviewer, toUserId: 'u0101-preparer', reason: '不可' })))).toBe('TaskInvalid');
  });

  it('委派: the delegate answers, the task comes back to the delegator who decides', async () => {
    const { act, handle, task } = await start([spec()]);
    await act({ action: 'delegate', actor: reviewer, toUserId: 'd01-reviewer2', reason: '请核实预算明细' });
    expect(await refusal(act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    await act({ action: 'resolve', actor: reviewer2, comment: '已核实，明细无误' });
    const t = await task();
    expect(t.actors).toEqual(['d01-reviewer']);
    expect(t.signers[0]).toMatchObject({ awaitingConfirm: true, comment: '已核实，明细无误' });
    await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
    expect((await handle.result())[0].decidedBy).toBe('d01-reviewer');
  });

  it('会签: all three must agree, and one refusal of three rejects', async () => {
    const members = ['d01-reviewer', 'd01-reviewer2', 'd01-head'].map((userId) => ({ userId, candidateGroups: [] }));
    const { act, handle, task } = await start([spec({ assignee: null, countersign: { mode: 'all', members } })]);
    await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
    expect((await task()).status).toBe('open');
    await act({ action: 'decide', actor: reviewer2, outcome: 'reject', form: { comment: '预算偏高' } });
    const [r] = await handle.result();
    expect(r.outcome).toBe('reject');
    expect(r.signatures.map((s) => s.status)).toEqual(['approved', 'rejected', 'skipped']);
    expect(['TaskNotOpen', 'WorkflowClosed']).toContain(await refusal(act({ action: 'decide', actor: head, outcome: 'approve', form: {} })));
  });

  it('会签: all three agree → approved', async () => {
    const members = ['d01-reviewer', 'd01-reviewer2', 'd01-head'].map((userId) => ({ userId, candidateGroups: [] }));
    const { act, handle } = await start([spec({ assignee: null, countersign: { mode: 'all', members } })]);
    for (const a of [reviewer, reviewer2, head]) await act({ action: 'decide', actor: a, outcome: 'approve', form: {} });
    expect((await handle.result())[0].signatures.map((s) => s.status)).toEqual(['approved', 'approved', 'approved']);
  });

  it('或签: any one approval suffices; all refusing rejects', async () => {
    const members = ['d01-reviewer', 'd01-reviewer2'].map((userId) => ({ userId, candidateGroups: [] }));
    const a = await start([spec({ assignee: null, countersign: { mode: 'any', members } })]);
    await a.act({ action: 'decide', actor: reviewer2, outcome: 'approve', form: {} });
    expect((await a.handle.result())[0]).toMatchObject({ outcome: 'approve', decidedBy: 'd01-reviewer2' });

    const b = await start([spec({ assignee: null, countersign: { mode: 'any', members } })]);
    await b.act({ action: 'decide', actor: reviewer, outcome: 'reject', form: { comment: '否' } });
    expect((await b.task()).status).toBe('open');
    await b.act({ action: 'decide', actor: reviewer2, outcome: 'reject', form: { comment: '否' } });
    expect((await b.handle.result())[0].outcome).toBe('reject');
  });

  it('加签: a signer added before me signs first; one added after me signs last', async () => {
    const a = await start([spec()]);
    await a.act({ action: 'addSigner', actor: reviewer, userId: 'd01-head', position: 'before', reason: '请负责人先把关' });
    expect((await a.task()).actors).toEqual(['d01-head']);
    expect(await refusal(a.act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    await a.act({ action: 'decide', actor: head, outcome: 'approve', form: {} });
    expect((await a.task()).actors).toEqual(['d01-reviewer']);
    await a.act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
    expect((await a.handle.result())[0].signatures.map((s) => s.userId)).toEqual(['d01-reviewer', 'd01-head']);

    const b = await start([spec()]);
    await b.act({ action: 'addSigner', actor: reviewer, userId: 'd01-head', position: 'after', reason: '需负责人复核' });
    await b.act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
    expect((await b.task()).status).toBe('open');
    await b.act({ action: 'decide', actor: head, outcome: 'approve', form: {} });
    expect((await b.handle.result())[0].decidedBy).toBe('d01-head');
  });

  it('催办 sends a reminder at once; reassign is for leads only', async () => {
    const { act, id, task } = await start([spec()]);
    expect(await refusal(act({ action: 'urge', actor: reviewer2, reason: '快点' }))).toBe('TaskForbidden');
    await act({ action: 'urge', actor: preparer, reason: '项目急需，请尽快审核' });
    const mails = (await db.query<{ kind: string; user_id: string }>(`SELECT kind, user_id FROM outbox WHERE task_id = $1 ORDER BY id`, [id('approve')])).rows;
    expect(mails).toContainEqual({ kind: 'urged', user_id: 'd01-reviewer' });
    expect((await task()).touched).toBe(false); // urging is not acting: the submitter may still withdraw
    expect(await refusal(act({ action: 'reassign', actor: reviewer2, toUserId: 'd01-reviewer2', reason: 'x' }))).toBe('TaskForbidden');
    const lead = actor('d01-boss', [], ['division_head']);
    await act({ action: 'reassign', actor: lead, toUserId: 'd01-reviewer2', reason: '调整分工' });
    expect((await task()).actors).toEqual(['d01-reviewer2']);
  });

  it('催办 once per window: the workflow refuses another urge within urgeWindowMs, naming the last one, and counts them', async () => {
    const { act, task } = await start([spec({ urgeWindowMs: 60_000 })]);
    await act({ action: 'urge', actor: preparer, reason: '请尽快审核' });
    const first = await task();
    expect(first.urges).toBe(1);
    const refused = await act({ action: 'urge', actor: preparer, reason: '再催' }).then(() => null, (e: unknown) => e);
    expect(await refusal(Promise.reject(refused))).toBe('TaskConflict');
    expect(String((refused as { cause?: { message?: string } })?.cause?.message ?? refused)).toContain(first.lastUrgedAt as string);
    expect((await task()).urges).toBe(1);
  });

  it('reminders fire before the due date and escalation after it; a late decision is refused when the policy says so', async () => {
    const { act, task, id, handle } = await start([
      spec({ dueInMs: 1500, remindBeforeMs: [1000], escalation: { afterMs: 300, to: { group: 'division_head@FIN' }, lateDecision: 'reject' } }),
    ]);
    const escalated = async (): Promise<TaskState> => {
      for (let i = 0; i < 100; i++) {
        const t = await task();
        if (t.escalated) return t;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('not escalated');
    };
    const t = await escalated();
    expect(t.history.map((h) => h.action)).toEqual(['remind', 'escalate']);
    expect(t.actors).toEqual(['division_head@FIN']);
    expect(await refusal(act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} }))).toBe('TaskForbidden');
    await act({ action: 'decide', actor: perfHead, outcome: 'approve', form: {} });
    expect((await handle.result())[0].decidedBy).toBe('perf-head');
    const kinds = (await db.query<{ kind: string; user_id: string }>(`SELECT kind, user_id FROM outbox WHERE task_id = $1 ORDER BY id`, [id('approve')])).rows;
    expect(kinds).toEqual(expect.arrayContaining([{ kind: 'reminder', user_id: 'd01-reviewer' }, { kind: 'escalated', user_id: 'perf-head' }]));
    void perf;
  });

  it('escalation with lateDecision=allow keeps the assignee and adds the head', async () => {
    const { act, task } = await start([spec({ dueInMs: 300, escalation: { afterMs: 0, to: { group: 'competent_head@D01' }, lateDecision: 'allow' } })]);
    for (let i = 0; i < 100 && !(await task()).escalated; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await task()).actors).toEqual(['d01-reviewer', 'competent_head@D01']);
    await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
  });

  it('many tasks in one execution are projected in few writes and answered independently', async () => {
    const specs = Array.from({ length: 60 }, (_, i) => spec({ key: `t${i}`, assignee: i % 2 ? 'd01-reviewer' : 'd01-reviewer2' }));
    const { act, handle, id } = await start(specs);
    for (let i = 0; i < 60; i++) await act({ action: 'decide', actor: i % 2 ? reviewer : reviewer2, outcome: 'approve', form: {} }, `t${i}`);
    const results = await handle.result();
    expect(results).toHaveLength(60);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id = $1 AND status = 'completed'`, [handle.workflowId]);
    expect(rows[0].n).toBe(60);
    // a digest-eligible burst: 30 assigned mails to each reviewer, one outbox row each
    const mails = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE task_id LIKE $1 AND kind = 'assigned'`, [`${handle.workflowId}:%`])).rows[0];
    expect(mails.n).toBe(60);
    void id;
  });

  it('many moves in one Update (bulk approval): a batch with a refused move is refused whole, naming it, and leaves no trace; the rest then go through', async () => {
    const specs = Array.from({ length: 10 }, (_, i) => spec({ key: `b${i}`, bulkApprovable: true }));
    const { handle, id } = await start(specs);
    const moves = specs.map((s) => ({ taskId: id(s.key), actor: reviewer, action: 'decide' as const, outcome: 'approve', form: {} }));
    moves[3] = { ...moves[3], actor: reviewer2 }; // not theirs
    moves[7] = { ...moves[7], outcome: 'nonsense' };
    const refused = await handle.executeUpdate(taskActManyUpdate, { args: [moves] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('TaskBatchRefused');
    expect((cause.details?.[0] as Array<{ index: number; type: string }>).map((r) => [r.index, r.type])).toEqual([
      [3, 'TaskForbidden'],
      [7, 'TaskInvalid'],
    ]);
    // refused by the validator: nothing of it is in the history, nothing in the inbox
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
    const open = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id = $1 AND status = 'completed'`, [handle.workflowId]);
    expect(open.rows[0].n).toBe(0);
    // the sender drops the refused moves and sends the rest; a batch may claim and decide in order
    const out = await handle.executeUpdate(taskActManyUpdate, { args: [moves.filter((_, i) => i !== 3 && i !== 7)] });
    expect(out.every((r) => !('error' in r) && r.status === 'completed' && r.state?.status === 'completed')).toBe(true);
    await eventuallyRows(handle.workflowId, 8);
    await handle.executeUpdate(taskActManyUpdate, { args: [[{ ...moves[3], actor: reviewer }, { ...moves[7], outcome: 'approve' }]] });
    expect(await handle.result()).toHaveLength(10);
  });

  it('continue-as-new carries open tasks, their timers and versions into the next run', async () => {
    const specs = [spec({ key: 'carried', dueInMs: 3_600_000 }), spec({ key: 'other', assignee: 'd01-reviewer2' })];
    const handle = await client.workflow.start<typeof askAcrossRuns>('askAcrossRuns', { taskQueue, workflowId: `can-${randomUUID()}`, args: [specs] });
    const id = (k: string) => `${handle.workflowId}:${k}`;
    // wait for the third run (generation 2): its first task is the restored one
    for (let i = 0; i < 200; i++) {
      const d = await handle.describe();
      if (d.runId !== handle.firstExecutionRunId && (await handle.query(tasksQuery)).length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const carried = (await handle.query(tasksQuery)).find((t) => t.id === id('carried')) as TaskState;
    expect(carried).toMatchObject({ status: 'open', actors: ['d01-reviewer'] });
    await handle.executeUpdate(taskActUpdate, { args: [{ taskId: id('carried'), action: 'decide', actor: reviewer, outcome: 'approve', form: {} }] });
    await handle.executeUpdate(taskActUpdate, { args: [{ taskId: id('other'), action: 'decide', actor: reviewer2, outcome: 'approve', form: {} }] });
    const out = await handle.result();
    expect(out.generation).toBe(2);
    expect(out.results.map((r) => [r.taskId, r.outcome])).toEqual([[id('carried'), 'approve'], [id('other'), 'approve']]);
    expect(await row(id('carried'))).toMatchObject({ status: 'completed', version: 2 });
    const audit = (await db.query<{ action: string }>(`SELECT action FROM audit WHERE task_id = $1 ORDER BY id`, [id('carried')])).rows.map((a) => a.action);
    expect(audit).toEqual(['task.created', 'task.decide']);
  });

  it('after many Updates the board advises continue-as-new; the open task carries over and the results add up', async () => {
    const specs = ['a', 'b', 'c'].map((key) => spec({ key }));
    const handle = await client.workflow.start<typeof askWithCarryOver>('askWithCarryOver', { taskQueue, workflowId: `carry-${randomUUID()}`, args: [specs, 2] });
    const id = (k: string) => `${handle.workflowId}:${k}`;
    for (let i = 0; i < 200 && (await handle.query(tasksQuery)).length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    for (const k of ['a', 'b']) await handle.executeUpdate(taskActUpdate, { args: [{ taskId: id(k), action: 'decide', actor: reviewer, outcome: 'approve', form: {} }] });
    // two Updates reached the limit given: a new run holds only the open task
    let open: TaskState[] = [];
    for (let i = 0; i < 200; i++) {
      const d = await handle.describe();
      open = d.runId !== handle.firstExecutionRunId ? await handle.query(tasksQuery) : [];
      if (open.length) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(open.map((t) => [t.id, t.status])).toEqual([[id('c'), 'open']]);
    await handle.executeUpdate(taskActUpdate, { args: [{ taskId: id('c'), action: 'decide', actor: reviewer, outcome: 'approve', form: {} }] });
    expect((await handle.result()).map((r) => r.taskId)).toEqual([id('a'), id('b'), id('c')]);
  });

  it('the projection never regresses: an older version of a row is ignored', async () => {
    const { handle, id, act } = await start([spec()]);
    await act({ action: 'saveDraft', actor: reviewer, form: { comment: 'v2' } });
    const [t] = (await handle.query(tasksQuery)) as TaskState[];
    expect((await row(id('approve'))).version).toBe(2);
    await upsertTasks(db, [{ ...t, version: 1, status: 'cancelled' }]);
    expect(await row(id('approve'))).toMatchObject({ version: 2, status: 'open' });
    await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
  });

  it('text that PostgreSQL cannot store (a lone surrogate) does not wedge the workflow: the task reaches the inbox with U+FFFD and later moves follow', async () => {
    const { id, act, handle } = await start([spec({ title: `坏字符\uD800任务` })]);
    await projected(id('approve'), 1);
    const { rows } = await db.query<{ title: string }>(`SELECT title FROM tasks WHERE id = $1`, [id('approve')]);
    expect(rows[0].title).toBe('坏字符\uFFFD任务');
    await act({ action: 'saveDraft', actor: reviewer, form: { comment: `草稿\uDC00` } });
    await act({ action: 'decide', actor: reviewer, outcome: 'approve', form: {} });
    expect(await handle.result()).toHaveLength(1);
    expect(await row(id('approve'))).toMatchObject({ status: 'completed' });
  });

  it('a projection item refused for good is recorded in projection_failures and the rest of its batch lands', async () => {
    const { handle, id } = await start([spec({ key: 'good' })]);
    const [good] = (await handle.query(tasksQuery)) as TaskState[];
    const bad: TaskState = { ...good, id: `${good.id}-bad`, dueAt: 'not a date', version: 1 };
    const { projectTasks } = createInboxActivities({ db, publicUrl: 'http://inbox.test' });
    const failures = await projectTasks({ tasks: [bad, { ...good, version: good.version + 1 }], audit: [], mail: [] });
    expect(failures).toMatchObject([{ kind: 'task', key: `${bad.id}:v1`, code: '22007' }]);
    expect(await row(id('good'))).toMatchObject({ version: good.version + 1 });
    const recorded = await db.query<{ kind: string; code: string }>(`SELECT kind, code FROM projection_failures WHERE key = $1`, [`${bad.id}:v1`]);
    expect(recorded.rows).toEqual([{ kind: 'task', code: '22007' }]);
    await handle.terminate('test done');
  });
});
void pino;
