// Bulk approval approves (issue 17, item 2), against the real system over HTTP (Inner Mongolia): a
// department head approves three continuing projects' target reviews (绩效目标审核, 800,000 yuan each)
// in one request and their processes conclude; a key review, a new project's target review, one of
// 2,000,000 yuan and an outcome the manifest does not allow in bulk are refused, each with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let preparer: Http;
let head: Http;

const YUAN = 100;
const path = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}`;

/** An application of 第一中学 (U0101); its review task once the department head's inbox shows it. */
async function submit(over: { amountFen: number; isNew: boolean }): Promise<{ code: string; task: { id: string; bulkApprovable: boolean; type: string; amountFen: number | null } }> {
  const app = application(over);
  const r = await preparer.post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const task = await eventually(async () => (await head.get(`/api/tasks?mine=visible&q=${app.projectCode.toLowerCase()}`)).body.items?.[0], `the review of ${app.projectCode}`);
  return { code: app.projectCode, task };
}

beforeAll(async () => {
  sys = await startSystem({ REGION: 'inner-mongolia' });
  [preparer, head] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-head')]);
});
afterAll(async () => sys?.stop());

describe('bulk approval of target reviews', () => {
  it('the task types say which outcomes may be taken in bulk', async () => {
    const types = (await head.get('/api/task-types')).body as Array<{ type: string; bulkOutcomes: string[] }>;
    expect(Object.fromEntries(types.map((t) => [t.type, t.bulkOutcomes]))).toMatchObject({
      'preAssessment.targetReview': ['approve'],
      'preAssessment.review': [],
      'preAssessment.revise': [],
    });
  });

  it('a department head approves three target reviews in one request; the key review, the new project, the large one are refused with reasons', async () => {
    const bulk = await Promise.all([1, 2, 3].map(() => submit({ amountFen: 800_000 * YUAN, isNew: false })));
    const key = await submit({ amountFen: 6_000_000 * YUAN, isNew: true }); // finance's key assessment
    const fresh = await submit({ amountFen: 800_000 * YUAN, isNew: true }); // new: a target review, one by one
    const large = await submit({ amountFen: 2_000_000 * YUAN, isNew: false }); // at or above 1,000,000 yuan
    for (const b of bulk) expect(b.task).toMatchObject({ type: 'preAssessment.targetReview', bulkApprovable: true, amountFen: 800_000 * YUAN });
    expect(key.task).toMatchObject({ type: 'preAssessment.review', bulkApprovable: false });
    expect(fresh.task).toMatchObject({ type: 'preAssessment.targetReview', bulkApprovable: false });
    expect(large.task).toMatchObject({ type: 'preAssessment.targetReview', bulkApprovable: false });

    // an outcome the manifest does not allow in bulk: refused, nothing decided
    const wrong = await head.post('/api/tasks/bulk-decide', { taskIds: [bulk[0].task.id], outcome: 'reject' });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ decided: 0, failed: 1, results: [{ taskId: bulk[0].task.id, ok: false, error: 'outcome reject is not taken in bulk on this task type (in bulk: approve)' }] });
    expect((await head.get(path(bulk[0].task.id))).body.task.status).toBe('open');

    const ids = [...bulk.map((b) => b.task.id), key.task.id, fresh.task.id, large.task.id];
    const r = await head.post('/api/tasks/bulk-decide', { taskIds: ids, outcome: 'approve', comment: '目标明确，批量审核通过。' });
    expect(r.status).toBe(200);
    expect(r.body.decided).toBe(3);
    expect(r.body.failed).toBe(3);
    const byId = new Map((r.body.results as Array<{ taskId: string; ok: boolean; error?: string }>).map((x) => [x.taskId, x]));
    for (const b of bulk) expect(byId.get(b.task.id)).toEqual({ taskId: b.task.id, ok: true });
    expect(byId.get(key.task.id)).toEqual({ taskId: key.task.id, ok: false, error: 'this task type is not approved in bulk' });
    expect(byId.get(fresh.task.id)).toEqual({ taskId: fresh.task.id, ok: false, error: 'this task is not approved in bulk under the region profile' });
    expect(byId.get(large.task.id)).toEqual({ taskId: large.task.id, ok: false, error: 'this task is not approved in bulk under the region profile' });

    // completed at once (the committed answers), and the processes conclude: passed, the amount approved
    for (const b of bulk) expect((await head.get(path(b.task.id))).body.task).toMatchObject({ status: 'completed', outcome: 'approve' });
    for (const b of bulk) {
      const s = await eventually(async () => {
        const x = await preparer.get(`/api/pre-assessments/${encodeURIComponent(b.code)}`);
        return x.status === 200 && x.body.stage === 'done' ? x.body : undefined;
      }, `the conclusion of ${b.code}`);
      expect(s).toMatchObject({ stage: 'done', route: 'targetReview', conclusion: 'passed', approvedAmountFen: 800_000 * YUAN });
    }
    for (const t of [key, fresh, large]) expect((await head.get(path(t.task.id))).body.task.status).toBe('open');

    // the one who submitted may not bulk-decide at all (no lead)
    expect((await preparer.post('/api/tasks/bulk-decide', { taskIds: [key.task.id], outcome: 'approve' })).status).toBe(403);
  });
});
