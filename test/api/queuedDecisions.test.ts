// Queued decisions over HTTP, on the real system (Inner Mongolia): a department head's decision on a
// target review is accepted at once (202) and applied by the workflow soon after; a retry with the
// same Idempotency-Key is the same decision; bulk approval can queue too; a bad form is refused
// before anything is queued, and a decision is only its maker's to read. While it waits, the task's
// row and page say so (who, when, the outcome) to its maker and the task's other actors; a refused
// one tells its maker why, and the task may be decided again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startWorker } from '../../worker/worker';

let sys: TestSystem;
let preparer: Http;
let head: Http;
let reviewer: Http;

const YUAN = 100;
const path = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}`;

async function review(): Promise<{ code: string; taskId: string }> {
  const app = application({ amountFen: 800_000 * YUAN, isNew: false });
  expect((await preparer.post('/api/pre-assessments', app)).status).toBe(201);
  const task = await eventually(async () => (await head.get(`/api/tasks?mine=visible&q=${app.projectCode.toLowerCase()}`)).body.items?.[0], `the review of ${app.projectCode}`);
  return { code: app.projectCode, taskId: task.id };
}

const applied = (who: Http, id: string) =>
  eventually(async () => {
    const r = await who.get(`/api/decisions/${encodeURIComponent(id)}`);
    return r.status === 200 && r.body.status !== 'queued' ? r.body : undefined;
  }, `decision ${id} settled`);

beforeAll(async () => {
  sys = await startSystem({ REGION: 'inner-mongolia' });
  [preparer, head, reviewer] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-head'), sys.as('d01-reviewer')]);
});
afterAll(async () => sys?.stop());

describe('a queued decision', () => {
  it('is answered 202 at once and applied once by its workflow: the task completes and the pre-assessment passes', async () => {
    const { code, taskId } = await review();
    const r = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: '目标明确' }, { 'idempotency-key': `q-${code}` });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ taskId, status: 'queued' });
    // the same request again (a retry): the same decision, nothing queued twice
    const again = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: '目标明确' }, { 'idempotency-key': `q-${code}` });
    expect(again.status).toBe(202);
    expect(again.body.decisionId).toBe(r.body.decisionId);
    const d = await applied(head, r.body.decisionId);
    expect(d).toMatchObject({ status: 'applied', action: 'decide', result: { status: 'completed' }, error: null });
    expect((await head.get(path(taskId))).body.task).toMatchObject({ status: 'completed', outcome: 'approve' });
    const done = await eventually(async () => {
      const x = await preparer.get(`/api/pre-assessments/${encodeURIComponent(code)}`);
      return x.status === 200 && x.body.stage === 'done' ? x.body : undefined;
    }, `the conclusion of ${code}`);
    expect(done).toMatchObject({ conclusion: 'passed' });
    const decides = ((await head.get(path(taskId))).body.history as Array<{ action: string }>).filter((h) => h.action === 'task.decide');
    expect(decides).toHaveLength(1);
    // only its maker reads it
    expect((await preparer.get(`/api/decisions/${encodeURIComponent(r.body.decisionId)}`)).status).toBe(404);
  });

  it('a bad form is refused with its field before anything is queued', async () => {
    const { taskId } = await review();
    const r = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'nonsense' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/outcome/);
    expect((await sys.deps.db.query(`SELECT 1 FROM task_decisions WHERE task_id = $1`, [taskId])).rows).toHaveLength(0);
  });

  it('bulk approval queues three target reviews in one request; each is applied and its process concludes', async () => {
    const list = await Promise.all([1, 2, 3].map(() => review()));
    const r = await head.post('/api/tasks/bulk-decide', { taskIds: list.map((x) => x.taskId), outcome: 'approve', comment: '批量通过', queued: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ decided: 0, queued: 3, failed: 0 });
    for (const x of r.body.results as Array<{ decisionId: string }>) expect(await applied(head, x.decisionId)).toMatchObject({ status: 'applied', result: { status: 'completed' } });
    for (const x of list) {
      const s = await eventually(async () => {
        const y = await preparer.get(`/api/pre-assessments/${encodeURIComponent(x.code)}`);
        return y.status === 200 && y.body.stage === 'done' ? y.body : undefined;
      }, `the conclusion of ${x.code}`);
      expect(s.conclusion).toBe('passed');
    }
  });
});

describe('what the inbox shows of a queued decision', () => {
  const row = async (who: Http, code: string, query = 'mine=visible&status=all') => (await who.get(`/api/tasks?${query}&q=${code.toLowerCase()}`)).body.items?.[0];

  it('while the worker is away the task is marked (who, when, the outcome) on its row and page, for the head and the other reviewer, not the applicant; deciding again is refused; once the worker is back it is applied and the mark is gone', async () => {
    const { code, taskId } = await review();
    expect((await row(head, code)).queuedDecision).toBeNull();
    await sys.worker.shutdown();
    let id: string;
    try {
      const r = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: '目标明确' });
      expect(r.status).toBe(202);
      id = r.body.decisionId;
      const mark = { decisionId: id, status: 'queued', action: 'decide', outcome: 'approve', by: { userId: 'd01-head', name: '周伟' }, settledAt: null, error: null };
      // on the head's list (his to-do tab) and page, and on the other reviewer's: the task is open, a decision waits
      const listed = await row(head, code, 'mine=actionable');
      expect(listed).toMatchObject({ status: 'open', queuedDecision: mark });
      expect(Date.parse(listed.queuedDecision.acceptedAt)).not.toBeNaN();
      expect((await head.get(path(taskId))).body.task).toMatchObject({ status: 'open', queuedDecision: mark });
      expect((await row(reviewer, code, 'mine=actionable')).queuedDecision).toEqual(listed.queuedDecision);
      // the applicant sees the task as it is until the decision is applied
      expect((await row(preparer, code, 'mine=submitted')).queuedDecision).toBeNull();
      expect((await preparer.get(path(taskId))).body.task.queuedDecision).toBeNull();
      // the reviewer cannot decide it again meanwhile
      const again = await reviewer.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: null });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('DECISION_QUEUED');
      // a page re-reads just its queued rows
      const some = await head.get(`/api/tasks?mine=visible&status=all&ids=${encodeURIComponent(taskId)}&ids=nothing-here`);
      expect(some.body.items.map((t: { id: string }) => t.id)).toEqual([taskId]);
    } finally {
      sys.worker = await startWorker(sys.deps);
    }
    expect(await applied(head, id)).toMatchObject({ status: 'applied', result: { status: 'completed' } });
    const done = await eventually(async () => {
      const x = await row(head, code);
      return x?.status === 'completed' ? x : undefined;
    }, 'the task completed on the list');
    expect(done.queuedDecision).toBeNull();
    expect((await head.get(path(taskId))).body.task.queuedDecision).toBeNull();
  }, 120_000);

  it('a decision on a task whose process was withdrawn is refused: its maker sees why on the row and the page, the audit trail has it, the form may be sent again', async () => {
    const { code, taskId } = await review();
    const task = (await head.get(path(taskId))).body.task;
    await sys.deps.temporal.workflow.getHandle(task.workflowId).terminate('申报已撤销');
    const r = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: null });
    expect(r.status).toBe(202);
    const error = { type: 'TaskNotOpen', message: 'the process of this task has ended (terminated)' };
    expect(await applied(head, r.body.decisionId)).toMatchObject({ status: 'refused', error });
    const mark = { decisionId: r.body.decisionId, status: 'refused', outcome: 'approve', by: { userId: 'd01-head', name: '周伟' }, error };
    expect((await row(head, code)).queuedDecision).toMatchObject(mark);
    const detail = (await head.get(path(taskId))).body;
    expect(detail.task).toMatchObject({ status: 'open', queuedDecision: mark });
    expect(Date.parse(detail.task.queuedDecision.settledAt)).not.toBeNaN();
    expect(detail.history).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'task.decisionRefused', actorId: 'd01-head', reason: error.message })]));
    // his business: the other reviewer's row has no mark
    expect((await row(reviewer, code)).queuedDecision).toBeNull();
    // nothing waits any more: he may decide again (and is told again)
    const again = await head.post(`${path(taskId)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: null });
    expect(again.status).toBe(202);
    expect((await head.get(path(taskId))).body.task.queuedDecision).toMatchObject({ decisionId: again.body.decisionId });
  });

  it('/openapi.json says so: the list rows and the task page carry queuedDecision', async () => {
    const doc = (await (await fetch(`${sys.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
    const text = (p: string) => JSON.stringify(doc.paths[p].get.responses['200'].content?.['application/json'].schema);
    for (const p of ['/api/tasks', '/api/tasks/{id}']) {
      expect(text(p)).toContain('queuedDecision');
      expect(text(p)).toContain('acceptedAt');
    }
    expect(JSON.stringify(doc.paths['/api/tasks'].get)).toContain('"ids"');
  });
});
