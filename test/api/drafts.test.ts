// Drafts are private (issue 17): a reviewer's saved draft is shown to its author only, in the task
// detail, the list and the audit trail alike; it survives a worker restart; the decision's form is
// everyone's once decided. Real Temporal, database and HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasksQuery } from '../../contracts/humanTask/messages';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { draftAuthor, stateFor } from '../../api/inbox/visibility';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application } from '../helpers/fixtures';

const AUTHOR = 'd01-reviewer';
/** Everyone else who may see the task, one per role: applicant, another reviewer, the head, finance, leads, the observer. */
const OTHERS = ['u0101-preparer', 'u0101-head', 'd01-reviewer2', 'd01-head', 'biz-officer', 'perf-officer', 'perf-head', 'director', 'observer'];

describe('drafts are private', () => {
  let sys: TestSystem;
  const http = new Map<string, Http>();
  const as = (id: string): Http => http.get(id)!;
  let taskId = '';
  let workflowId = '';
  const secret = `草稿-未定-${Date.now()}`;
  const draft = { comment: `${secret} 目标偏低，拟 73 分`, score: 73, _outcome: 'approve' };
  const path = (): string => `/api/tasks/${encodeURIComponent(taskId)}`;

  beforeAll(async () => {
    sys = await startSystem();
    for (const id of [AUTHOR, ...OTHERS]) http.set(id, await sys.as(id));
    // a continuing 20-million-fen project: the department's target review (D01's reviewers)
    const app = application({ amountFen: 20_000_000, isNew: false });
    const r = await as('u0101-preparer').post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    workflowId = r.body.workflowId;
    taskId = (await eventually(async () => (await as(AUTHOR).get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the review task')).id;
    const saved = await as(AUTHOR).post(`${path()}/actions`, { action: 'saveDraft', form: draft });
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).not.toContain(secret); // the move's answer carries no state
  });
  afterAll(async () => sys?.stop());

  /** Every answer a viewer gets about the task: its detail, the list, the audit trail. */
  async function everything(id: string): Promise<{ detail: any; text: string }> {
    const h = as(id);
    const detail = await h.get(path());
    expect(detail.status, `${id} sees the task`).toBe(200);
    const list = await h.get(`/api/tasks?mine=visible&status=all&q=${encodeURIComponent(taskId.split(':')[1].toLowerCase())}`);
    const audit = await h.get(`/api/audit?taskId=${encodeURIComponent(taskId)}`);
    return { detail: detail.body, text: JSON.stringify([detail.body, list.body, audit.body]) };
  }

  it('the author sees the draft; the history records that a draft was saved, never what', async () => {
    const { detail } = await eventually(async () => {
      const e = await everything(AUTHOR);
      return e.detail.state?.draft?.comment === draft.comment ? e : undefined;
    }, "the author's draft in the detail");
    expect(detail.state.draft).toEqual(draft);
    expect(detail.state.draftBy).toBe(AUTHOR);
    await eventually(async () => (await everything(AUTHOR)).detail.history.some((e: { action: string }) => e.action === 'task.saveDraft'), 'the saveDraft audit entry');
    const { detail: d } = await everything(AUTHOR);
    const audit = await as(AUTHOR).get(`/api/audit?taskId=${encodeURIComponent(taskId)}`);
    // without the draft itself, nothing the author gets carries its content
    expect(JSON.stringify([{ ...d, state: { ...d.state, draft: null } }, audit.body])).not.toContain(secret);
    const entry = d.history.find((e: { action: string }) => e.action === 'task.saveDraft');
    expect(entry).toMatchObject({ actorId: AUTHOR, reason: null });
    expect(Object.keys(entry.detail)).toEqual(['type']);
  });

  for (const id of OTHERS) {
    it(`${id} sees the task but not the draft, anywhere in the answer`, async () => {
      const { detail, text } = await everything(id);
      expect(detail.state.draft).toBeNull();
      expect(detail.state.draftBy).toBeNull();
      expect(text).not.toContain(secret);
      expect(text).not.toContain('拟 73 分');
    });
  }

  it('after a worker restart the author still sees the draft, the others still do not', async () => {
    await sys.worker.shutdown(); // its workflow cache with it
    const { startWorker } = await import('../../worker/worker');
    sys.worker = await startWorker(sys.deps);
    // the workflow, rebuilt from its history, holds the draft and who saved it
    const states = (await sys.deps.temporal.workflow.getHandle(workflowId).query(tasksQuery)) as TaskState[];
    expect(states.find((t) => t.id === taskId)).toMatchObject({ draft, draftBy: AUTHOR });
    expect((await everything(AUTHOR)).detail.state.draft).toEqual(draft);
    for (const id of ['u0101-preparer', 'd01-reviewer2']) expect((await everything(id)).text).not.toContain(secret);
  });

  it('once decided, the decision and its form are visible to everyone as before; the draft is gone', async () => {
    const ok = await as(AUTHOR).post(`${path()}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '目标明确，同意' }, comment: '同意' });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('completed');
    for (const id of [AUTHOR, ...OTHERS]) {
      const { detail, text } = await everything(id);
      expect(detail.task.status, id).toBe('completed');
      expect(detail.state.form, id).toEqual({ comment: '目标明确，同意' });
      expect(detail.state.signers[0], id).toMatchObject({ status: 'approved', comment: '同意' });
      expect(detail.state.draft, id).toBeNull();
      expect(text, id).not.toContain(secret);
    }
  });
});

describe('stateFor', () => {
  const base = { draft: { comment: 'x' }, history: [{ at: '', by: 'a', byName: 'A', action: 'saveDraft', reason: null }] } as unknown as TaskState;
  it('a state from before draftBy: the last saveDraft names the author', () => {
    expect(draftAuthor(base)).toBe('a');
    expect(stateFor('a', base).draft).toEqual({ comment: 'x' });
    expect(stateFor('b', base).draft).toBeNull();
  });
  it('draftBy wins; no draft, no author', () => {
    expect(stateFor('a', { ...base, draftBy: 'b' }).draft).toBeNull();
    expect(stateFor('b', { ...base, draftBy: 'b' }).draft).toEqual({ comment: 'x' });
    expect(draftAuthor({ ...base, draft: null })).toBeNull();
  });
});
