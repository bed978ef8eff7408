// Queued decisions over HTTP, on the real system (Inner Mongolia): a department head's decision on a
// target review is accepted at once (202) and applied by the workflow soon after; a retry with the
// same Idempotency-Key is the same decision; bulk approval can queue too; a bad form is refused
// before anything is queued, and a decision is only its maker's to read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let preparer: Http;
let head: Http;

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
  [preparer, head] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-head')]);
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
