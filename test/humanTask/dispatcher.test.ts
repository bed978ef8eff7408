// Queued decisions carried to their workflow (api/inbox/dispatcher.ts): the decisions queued on one
// execution leave in one Update; a decision the workflow refuses is told back with its reason and
// the others are applied; while the worker is away they wait in the queue; a decision for an
// execution that has ended (terminated, completed) or was never there is refused, not tried for
// ever; a dispatcher that dies after the workflow took a batch, before it wrote that down, does not
// make anything twice.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { testClient, testWorker, type TestWorker } from '../helpers/temporal';
import { createInboxActivities } from '../../activities/inbox';
import { writeBatch } from '../../db/inbox/batch';
import { getDecision, queueDecisions, type DecisionRow } from '../../db/inbox/decisions';
import { startDispatcher, type DispatcherOptions } from '../../api/inbox/dispatcher';
import type { TaskSpecInput } from '../../contracts/humanTask/tasks.zod';
import { tasksQuery } from '../../contracts/humanTask/messages';
import type { askAll } from './workflows';

const reviewer = { userId: 'd08-reviewer', name: '审核人', groups: ['competent_reviewer@D08'], roles: ['competent_reviewer'] };
const WORKFLOWS = fileURLToPath(new URL('./workflows.ts', import.meta.url));
const quiet = { warn: () => undefined, info: () => undefined };

let db: Db;
let client: Client;
let worker: TestWorker | undefined;
const taskQueue = `dispatch-${randomUUID()}`;
const startWorker = async () => (worker = await testWorker({ taskQueue, workflowsPath: WORKFLOWS, activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }) }));

beforeAll(async () => {
  db = await productDb();
  client = await testClient();
  await startWorker();
});
afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await db?.close();
});

const spec = (key: string): TaskSpecInput => ({ key, type: 'test.approval', title: `审批 ${key}`, project: { id: `P-${key}`, name: '排队决定项目', deptId: 'D08', unitId: 'U0801' }, assignee: reviewer.userId, dueInMs: 3_600_000 });

async function board(keys: string[]): Promise<WorkflowHandle<typeof askAll>> {
  const h = await client.workflow.start<typeof askAll>('askAll', { taskQueue, workflowId: `dispatch-${randomUUID()}`, args: [keys.map(spec)] });
  for (let i = 0; i < 200 && (await h.query(tasksQuery)).length < keys.length; i++) await new Promise((r) => setTimeout(r, 25));
  return h;
}

const decide = (h: WorkflowHandle, key: string, outcome = 'approve', form: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  taskId: `${h.workflowId}:${key}`,
  workflowId: h.workflowId,
  move: { taskId: `${h.workflowId}:${key}`, action: 'decide' as const, outcome, form, comment: null, actor: reviewer },
  acceptedVersion: 1,
});

function dispatcher(over: Partial<DispatcherOptions> = {}) {
  return startDispatcher({ db, temporal: client, log: quiet, writeCommitted: async (b) => void (await writeBatch(db, b, 'http://inbox.test')), pollMs: 100, ...over });
}

async function settled(ids: string[], timeoutMs = 20_000): Promise<DecisionRow[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rows = await Promise.all(ids.map((id) => getDecision(db, id)));
    if (rows.every((r) => r && r.status !== 'queued')) return rows as DecisionRow[];
    if (Date.now() > end) throw new Error(`still queued: ${rows.filter((r) => r?.status === 'queued').map((r) => r!.id).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const updatesAccepted = async (h: WorkflowHandle) => ((await h.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
const decideEntries = async (h: WorkflowHandle, key: string) => ((await h.query(tasksQuery)).find((t) => t.spec.key === key)?.history ?? []).filter((e) => e.action === 'decide').length;

describe('queued decisions', () => {
  it('five decisions queued on one board leave in one Update: five tasks completed, one workflow task', async () => {
    const h = await board(['a', 'b', 'c', 'd', 'e']);
    const list = ['a', 'b', 'c', 'd', 'e'].map((k) => decide(h, k));
    await queueDecisions(db, list);
    const d = dispatcher();
    try {
      const rows = await settled(list.map((x) => x.id));
      expect(rows.map((r) => [r.status, r.result?.status])).toEqual(Array(5).fill(['applied', 'completed']));
      expect(await updatesAccepted(h)).toBe(1);
      expect((await h.result()).map((r) => r.outcome)).toEqual(['approve', 'approve', 'approve', 'approve', 'approve']);
      // the answer's projection was written: the inbox shows them completed
      const { rows: inbox } = await db.query<{ status: string }>(`SELECT status FROM tasks WHERE workflow_id = $1`, [h.workflowId]);
      expect(inbox.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    } finally {
      await d.stop();
    }
  });

  it('a decision the workflow refuses is told back with its reason; the one beside it is applied', async () => {
    const h = await board(['ok', 'bad']);
    const good = decide(h, 'ok');
    const bad = decide(h, 'bad', 'reject', {}); // reject needs a comment in its form
    await queueDecisions(db, [good, bad]);
    const d = dispatcher();
    try {
      const [g, b] = await settled([good.id, bad.id]);
      expect(g.status).toBe('applied');
      expect(b.status).toBe('refused');
      expect(b.error?.message).toMatch(/comment/);
      // on the task's audit trail: its maker, and the workflow's reason
      const { rows: audit } = await db.query<{ actor_id: string; reason: string }>(`SELECT actor_id, reason FROM audit WHERE task_id = $1 AND action = 'task.decisionRefused'`, [bad.taskId]);
      expect(audit).toEqual([{ actor_id: reviewer.userId, reason: b.error?.message }]);
      const tasks = await h.query(tasksQuery);
      expect(Object.fromEntries(tasks.map((t) => [t.spec.key, t.status]))).toEqual({ ok: 'completed', bad: 'open' });
    } finally {
      await d.stop();
      await h.terminate('test over');
    }
  });

  it('while the worker is away the decisions wait in the queue; when it is back they are applied once', async () => {
    const h = await board(['x', 'y']);
    await worker!.stop();
    const list = [decide(h, 'x'), decide(h, 'y')];
    await queueDecisions(db, list);
    const d = dispatcher({ updateDeadlineMs: 1_000 });
    try {
      await new Promise((r) => setTimeout(r, 2_500));
      const waiting = await Promise.all(list.map((x) => getDecision(db, x.id)));
      expect(waiting.map((r) => r?.status)).toEqual(['queued', 'queued']);
      expect(Math.min(...waiting.map((r) => r!.attempts))).toBeGreaterThanOrEqual(1);
      await startWorker();
      const rows = await settled(list.map((x) => x.id), 60_000);
      expect(rows.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect((await h.result()).map((r) => r.outcome)).toEqual(['approve', 'approve']);
    } finally {
      await d.stop();
    }
  }, 90_000);

  it('a decision queued for a task whose workflow was terminated ends refused (the process has ended), on the audit trail; not tried again', async () => {
    const h = await board(['t']);
    await h.terminate('the round was withdrawn');
    const x = decide(h, 't');
    await queueDecisions(db, [x]);
    const d = dispatcher();
    try {
      const [r] = await settled([x.id], 10_000);
      expect(r.status).toBe('refused');
      expect(r.error).toEqual({ type: 'TaskNotOpen', message: 'the process of this task has ended (terminated)' });
      expect(r.attempts).toBe(1);
      const { rows: audit } = await db.query<{ actor_id: string; detail: { type: string } }>(`SELECT actor_id, detail FROM audit WHERE task_id = $1 AND action = 'task.decisionRefused'`, [x.taskId]);
      expect(audit.map((a) => [a.actor_id, a.detail.type])).toEqual([[reviewer.userId, 'TaskNotOpen']]);
    } finally {
      await d.stop();
    }
  });

  it('a decision waiting on the worker, whose workflow is terminated meanwhile, ends refused', async () => {
    const h = await board(['w']);
    await worker!.stop();
    const x = decide(h, 'w');
    await queueDecisions(db, [x]);
    const d = dispatcher({ updateDeadlineMs: 10_000 });
    try {
      for (let i = 0; i < 100 && ((await getDecision(db, x.id))?.attempts ?? 0) < 1; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_500)); // its Update is waiting on the worker: queued still
      expect((await getDecision(db, x.id))?.status).toBe('queued');
      await h.terminate('the round was withdrawn');
      const [r] = await settled([x.id], 20_000);
      expect(r.status).toBe('refused');
      expect(r.error).toEqual({ type: 'TaskNotOpen', message: 'the process of this task has ended (terminated)' });
    } finally {
      await d.stop();
      await startWorker();
    }
  }, 60_000);

  it('a decision queued for a workflow that has completed, and one for an execution Temporal never had, end refused', async () => {
    const h = await board(['c']);
    await queueDecisions(db, [decide(h, 'c')]);
    const first = dispatcher();
    await h.result();
    await first.stop();
    const late = decide(h, 'c');
    const nowhere = { ...decide(h, 'n'), workflowId: `dispatch-nowhere-${randomUUID()}` };
    await queueDecisions(db, [late, nowhere]);
    const d = dispatcher();
    try {
      const rows = await settled([late.id, nowhere.id], 10_000);
      expect(rows.map((r) => [r.status, r.error, r.attempts])).toEqual([
        ['refused', { type: 'TaskNotOpen', message: 'the process of this task has ended (completed)' }, 1],
        ['refused', { type: 'TaskNotFound', message: 'the process of this task was not found' }, 1],
      ]);
    } finally {
      await d.stop();
    }
  });

  it('a dispatcher that dies after the workflow took its batch, before writing it down: the next one sends the same Update and nothing is decided twice', async () => {
    const h = await board(['p', 'q', 'r']);
    const list = [decide(h, 'p'), decide(h, 'q')];
    await queueDecisions(db, list);
    let died = false;
    const first = dispatcher({
      leaseMs: 1_000,
      afterAnswer: () => {
        died = true;
        throw new Error('the dispatcher died here');
      },
    });
    for (let i = 0; i < 200 && !died; i++) await new Promise((r) => setTimeout(r, 50));
    await first.stop();
    expect(died).toBe(true);
    expect((await Promise.all(list.map((x) => getDecision(db, x.id)))).map((r) => r?.status)).toEqual(['queued', 'queued']);
    const second = dispatcher({ leaseMs: 1_000 });
    try {
      const rows = await settled(list.map((x) => x.id));
      expect(rows.map((r) => [r.status, r.result?.status, r.attempts])).toEqual([
        ['applied', 'completed', 2],
        ['applied', 'completed', 2],
      ]);
      expect(await updatesAccepted(h)).toBe(1);
      expect(await decideEntries(h, 'p')).toBe(1);
      expect(await decideEntries(h, 'q')).toBe(1);
    } finally {
      await second.stop();
      await h.terminate('test over');
    }
  });
});
