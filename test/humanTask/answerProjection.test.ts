// A decision through the inbox costs one workflow task: the Update's answer carries what the move
// left for the inbox (the decided task, the task it woke, the audit event, the mail) for the API
// to write at once, and the board writes it again only later, as a backstop for an API that died
// between the answer and its write.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../db';
import { productDb } from '../helpers/fixtures';
import { testClient, testWorker, type TestWorker } from '../helpers/temporal';
import { createInboxActivities } from '../../activities/inbox';
import { writeBatch } from '../../db/inbox/batch';
import type { TaskSpecInput } from '../../contracts/humanTask/tasks.zod';
import { taskActManyUpdate, taskActUpdate, tasksQuery } from '../../contracts/humanTask/messages';
import type { askInTurn } from './workflows';

const reviewer = { userId: 'd07-reviewer', name: '审核人', groups: ['competent_reviewer@D07'], roles: ['competent_reviewer'] };

let db: Db;
let client: Client;
let worker: TestWorker;
const taskQueue = `answer-${randomUUID()}`;

beforeAll(async () => {
  db = await productDb();
  await db.query(`INSERT INTO orgs (id, kind, name) VALUES ('D07', 'department', '第七部门') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) VALUES ('d07-reviewer', '审核人', 'd07-reviewer@test.local', 'D07', ARRAY['competent_reviewer'], ARRAY['competent_reviewer@D07']) ON CONFLICT DO NOTHING`,
  );
  client = await testClient();
  worker = await testWorker({ taskQueue, workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }) });
});

afterAll(async () => {
  await worker?.stop();
  await client?.connection.close();
  await db?.close();
});

const spec = (key: string, title: string): TaskSpecInput => ({
  key,
  type: 'test.approval',
  title,
  project: { id: `P-${key}`, name: '答复携带投影项目', deptId: 'D07', unitId: 'U0701' },
  assignee: 'd07-reviewer',
  dueInMs: 3_600_000,
});

async function started(backstopMs: number): Promise<WorkflowHandle<typeof askInTurn>> {
  const handle = await client.workflow.start<typeof askInTurn>('askInTurn', { taskQueue, workflowId: `answer-${randomUUID()}`, args: [spec('first', '初审'), spec('second', '复审'), backstopMs] });
  for (let i = 0; i < 200 && (await handle.query(tasksQuery)).length < 1; i++) await new Promise((r) => setTimeout(r, 25));
  // the first task's row is written by the board itself (no answer carried it)
  for (let i = 0; i < 200; i++) {
    if ((await rows(handle.workflowId)).length === 1) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return handle;
}

const rows = async (workflowId: string) =>
  (await db.query<{ key: string; status: string }>(`SELECT split_part(id, ':', 2) AS key, status FROM tasks WHERE workflow_id = $1 ORDER BY id`, [workflowId])).rows;
const projectionWrites = async (h: WorkflowHandle) => ((await h.fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'projectTasks').length;

describe('a decision whose answer carries the projection', () => {
  it('answers with the decided task, the task it woke, its audit event and its mail; the board writes nothing more until the backstop', async () => {
    const h = await started(600_000);
    const writesBefore = await projectionWrites(h);
    const r = await h.executeUpdate(taskActUpdate, { args: [{ taskId: `${h.workflowId}:first`, action: 'decide', outcome: 'approve', form: {}, actor: reviewer }, { projection: true }] });
    expect(r.status).toBe('completed');
    const p = r.projection!;
    expect(p.tasks.map((t) => [t.spec.key, t.status])).toEqual([
      ['first', 'completed'],
      ['second', 'open'],
    ]);
    expect(p.audit.map((a) => a.action)).toEqual(['task.decide', 'task.created']);
    expect(p.mail.map((m) => [m.kind, m.title])).toEqual([['assigned', '复审']]);
    // one workflow task for the decision: no projection activity scheduled after it
    expect(await projectionWrites(h)).toBe(writesBefore);
    // the API's write: the inbox shows both at once, with the audit event and the mail
    await writeBatch(db, p, 'http://inbox.test');
    expect(await rows(h.workflowId)).toEqual([
      { key: 'first', status: 'completed' },
      { key: 'second', status: 'open' },
    ]);
    const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE workflow_id = $1 AND action = 'task.decide'`, [h.workflowId]);
    expect(audit.rows[0].n).toBe(1);
    // a second decision's answer carries only what is new since the first one
    const r2 = await h.executeUpdate(taskActManyUpdate, { args: [[{ taskId: `${h.workflowId}:second`, action: 'decide', outcome: 'approve', form: {}, actor: reviewer }], { projection: true }] });
    const p2 = (r2[0] as { projection?: typeof p }).projection!;
    expect(p2.tasks.map((t) => [t.spec.key, t.status])).toEqual([['second', 'completed']]);
    expect(p2.audit.map((a) => a.action)).toEqual(['task.decide']);
    // the workflow ends: drain() writes everything carried without waiting for the backstop, once per mail
    expect((await h.result()).map((x) => x.outcome)).toEqual(['approve', 'approve']);
    expect(await projectionWrites(h)).toBe(writesBefore + 1);
    const mails = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE task_id = $1`, [`${h.workflowId}:second`]);
    expect(mails.rows[0].n).toBe(1);
  });

  it('when the caller never writes the answer (the API died), the board writes it after the backstop delay', async () => {
    const h = await started(1_000);
    const r = await h.executeUpdate(taskActUpdate, { args: [{ taskId: `${h.workflowId}:first`, action: 'decide', outcome: 'approve', form: {}, actor: reviewer }, { projection: true }] });
    expect(r.projection?.tasks).toHaveLength(2);
    expect(await rows(h.workflowId)).toEqual([{ key: 'first', status: 'open' }]);
    let seen: Awaited<ReturnType<typeof rows>> = [];
    for (let i = 0; i < 100; i++) {
      seen = await rows(h.workflowId);
      if (seen.length === 2) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(seen).toEqual([
      { key: 'first', status: 'completed' },
      { key: 'second', status: 'open' },
    ]);
    const audit = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE workflow_id = $1 AND action = 'task.decide'`, [h.workflowId]);
    expect(audit.rows[0].n).toBe(1);
    await h.terminate('test over');
  });

  it('a caller that does not ask for it gets no projection, and the board writes at once', async () => {
    const h = await started(600_000);
    const writesBefore = await projectionWrites(h);
    const r = await h.executeUpdate(taskActUpdate, { args: [{ taskId: `${h.workflowId}:first`, action: 'decide', outcome: 'approve', form: {}, actor: reviewer }] });
    expect(r.projection).toBeUndefined();
    expect(r.state?.status).toBe('completed');
    for (let i = 0; i < 100 && (await rows(h.workflowId)).length < 2; i++) await new Promise((res) => setTimeout(res, 50));
    expect(await rows(h.workflowId)).toHaveLength(2);
    expect(await projectionWrites(h)).toBeGreaterThan(writesBefore);
    await h.terminate('test over');
  });
});
