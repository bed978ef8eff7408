// The thin vertical slice: a unit preparer submits, a reviewer decides in the inbox, the applicant
// is mailed, and the audit trail tells who did what when. Real Temporal, database, SMTP and HTTP.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { listMail } from '../../scripts/mailCatcher';
import { upsertTasks } from '../../db/inbox/tasks';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application, aspects } from '../helpers/fixtures';

describe('pre-assessment slice', () => {
  let sys: TestSystem;
  let preparer: Http;
  let reviewer: Http;
  let perf: Http;

  beforeAll(async () => {
    sys = await startSystem();
    [preparer, reviewer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-reviewer'), sys.as('perf-officer')]);
  });
  afterAll(async () => sys?.stop());

  it('rejects a malformed application with 400 naming the field', async () => {
    const r = await preparer.post('/api/pre-assessments', application({ amountFen: -5, indicators: [] }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toContain('body.amountFen');
    expect(fields).toContain('body.indicators');
  });

  it('a 6,000,000-yuan new project goes to the key assessment by finance, passes, and the applicant is mailed', async () => {
    const app = application();
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ workflowId: `preAssessment:${app.projectCode}`, route: 'key' });

    // the same project again is refused
    expect((await preparer.post('/api/pre-assessments', app)).status).toBe(409);

    // the competent department does not see a key-assessment task; finance performance does
    const task = await eventually(async () => {
      const l = await perf.get(`/api/tasks?q=${encodeURIComponent(app.projectCode.toLowerCase())}`);
      return l.body.items?.[0];
    }, 'review task in the finance inbox');
    expect(task.type).toBe('preAssessment.review');
    expect((await reviewer.get(`/api/tasks?q=${app.projectCode}`)).body.items).toHaveLength(0);

    // the applicant may not decide their own application
    const own = await preparer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } });
    expect([403, 404]).toContain(own.status);

    // an invalid form is refused with the field, nothing applied
    const bad = await perf.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'pass', form: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('form.aspects');

    const decision = { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) }, comment: '同意' };
    const key = { 'idempotency-key': `decide-${app.projectCode}` };
    const ok = await perf.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, decision, key);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'completed' });
    // the officer's browser retries the same request (lost answer): the first answer again, not a conflict
    const retried = await perf.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, decision, key);
    expect(retried).toEqual(ok);

    // a second decision on the closed task is a conflict
    const again = await perf.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'fail', form: { aspects: aspects(1) }, comment: 'x' });
    expect(again.status).toBe(409);

    const result = await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();
    expect(result).toMatchObject({ conclusion: 'passed', score: 90, approvedAmountFen: 600_000_000 });

    const mails = await eventually(async () => {
      const all = await listMail(inject('mailWebUrl'));
      const mine = all.filter((m) => m.to.some((t) => t.includes('u0101-preparer')) && m.subject.includes('校园智慧教室改造项目') && m.subject.includes('通过'));
      return mine.length ? mine : undefined;
    }, 'the conclusion mail to the applicant');
    expect(mails[0].subject).toContain('事前评估通过');

    const audit = await perf.get(`/api/audit?workflowId=${encodeURIComponent(r.body.workflowId)}`);
    expect(audit.status).toBe(200);
    const actions = audit.body.map((a: { action: string; actorId: string }) => `${a.action}:${a.actorId}`);
    expect(actions).toEqual(expect.arrayContaining(['preAssessment.submitted:u0101-preparer', 'task.created:system', 'task.decide:perf-officer', 'preAssessment.passed:system']));
  });

  it('a return for revision goes back to the applicant, who resubmits; the department then approves the targets', async () => {
    const app = application({ amountFen: 50_000_000, isNew: false }); // 500,000 yuan continuing → target review by the department
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.body.route).toBe('targetReview');
    const find = (who: Http, type: string) =>
      eventually(async () => (await who.get(`/api/tasks?q=${app.projectCode}`)).body.items?.find((t: { type: string }) => t.type === type), type);

    const review = await find(reviewer, 'preAssessment.targetReview');
    const ret = await reviewer.post(`/api/tasks/${encodeURIComponent(review.id)}/actions`, { action: 'return', reason: '指标不够细化，请补充质量指标' });
    expect(ret.status).toBe(200);

    const revise = await find(preparer, 'preAssessment.revise');
    const resub = await preparer.post(`/api/tasks/${encodeURIComponent(revise.id)}/actions`, {
      action: 'decide',
      outcome: 'resubmit',
      form: { indicators: [...app.indicators, { kind: 'output', category: '质量指标', name: '验收合格率', target: '100', unit: '%', direction: '>=' }] },
    });
    expect(resub.status).toBe(200);

    const review2 = await find(reviewer, 'preAssessment.targetReview');
    expect(review2.id).not.toBe(review.id);
    expect((await reviewer.post(`/api/tasks/${encodeURIComponent(review2.id)}/actions`, { action: 'decide', outcome: 'approve', form: {} })).status).toBe(200);
    const result = await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();
    expect(result).toMatchObject({ conclusion: 'passed', revisions: 1 });

    const status = await preparer.get(`/api/pre-assessments/${app.projectCode}`);
    expect(status.status).toBe(200);
    expect(status.body.application.indicators).toHaveLength(2);
  });
});

describe('concurrency over HTTP', () => {
  it('two reviewers decide the same group task at once: exactly one gets 200, the other 409', async () => {
    const sys = await startSystem();
    try {
      const preparer = await sys.as('u0101-preparer');
      const [a, b] = await Promise.all([sys.as('d01-reviewer'), sys.as('d01-reviewer2')]);
      const app = application({ amountFen: 30_000_000, isNew: false });
      await preparer.post('/api/pre-assessments', app);
      const task = await eventually(async () => (await a.get(`/api/tasks?q=${app.projectCode}`)).body.items?.[0], 'task');
      const path = `/api/tasks/${encodeURIComponent(task.id)}/actions`;
      const answers = await Promise.all([a.post(path, { action: 'decide', outcome: 'approve', form: {} }), b.post(path, { action: 'decide', outcome: 'approve', form: {} })]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    } finally {
      await sys.stop();
    }
  });
});

describe('reconcile', () => {
  it('rebuilds lost inbox rows from Temporal without regressing newer ones', async () => {
    const sys = await startSystem();
    try {
      const preparer = await sys.as('u0101-preparer');
      const app = application({ amountFen: 40_000_000, isNew: false });
      const r = await preparer.post('/api/pre-assessments', app);
      const row = async () => (await sys.deps.db.query<{ version: number; status: string }>(`SELECT version, status FROM tasks WHERE workflow_id = $1`, [r.body.workflowId])).rows[0];
      const before = await eventually(row, 'projected task');
      await sys.deps.db.query(`DELETE FROM tasks WHERE workflow_id = $1`, [r.body.workflowId]);
      expect(await row()).toBeUndefined();
      const { reconcile } = await import('../../app/reconcile');
      // only this test's workflow from visibility: other test files' workers are gone
      const out = await reconcile(sys.deps.db, sys.deps.temporal, sys.deps.log, { visibilityQuery: `WorkflowId = "${r.body.workflowId}"` });
      expect(out.tasks).toBeGreaterThanOrEqual(1);
      expect(await row()).toEqual(before);

      // a process terminated by an operator leaves no task open in anyone's inbox after reconcile
      await sys.deps.temporal.workflow.getHandle(r.body.workflowId).terminate('test: operator stops the process');
      await reconcile(sys.deps.db, sys.deps.temporal, sys.deps.log, { visibilityQuery: `WorkflowId = "${r.body.workflowId}"` });
      expect(await row()).toEqual({ version: before.version + 1, status: 'cancelled' });
    } finally {
      await sys.stop();
    }
  });
});

describe('reconcile repairs', () => {
  it('a phantom decision in the inbox (a row ahead of Temporal) and an open row Temporal never had are corrected and reported; the task is then decided', async () => {
    const sys = await startSystem();
    try {
      const preparer = await sys.as('u0101-preparer');
      const reviewer = await sys.as('d01-reviewer');
      const app = application({ amountFen: 40_000_000, isNew: false });
      const r = await preparer.post('/api/pre-assessments', app);
      const task = await eventually(async () => (await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'task');
      // what a crash under the earlier design left behind: the decision's row, version higher, never committed
      await sys.deps.db.query(`UPDATE tasks SET status = 'completed', outcome = 'approve', actors = '{}', version = version + 3, state = jsonb_set(jsonb_set(state, '{status}', '"completed"'), '{version}', to_jsonb(version + 3)) WHERE id = $1`, [task.id]);
      const { rows: [{ state }] } = await sys.deps.db.query<{ state: TaskState }>(`SELECT state FROM tasks WHERE id = $1`, [task.id]);
      await upsertTasks(sys.deps.db, [{ ...state, id: `${task.id}:ghost`, status: 'open', version: 1 }]);
      const { reconcile } = await import('../../app/reconcile');
      const out = await reconcile(sys.deps.db, sys.deps.temporal, sys.deps.log, { visibilityQuery: `WorkflowId = "${r.body.workflowId}"` });
      expect(out.fixed.map((d) => [d.taskId, d.kind]).sort()).toEqual([
        [task.id, 'ahead'],
        [`${task.id}:ghost`, 'unknown'],
      ]);
      const rows = (await sys.deps.db.query<{ id: string; status: string; version: number }>(`SELECT id, status, version FROM tasks WHERE workflow_id = $1 ORDER BY id`, [r.body.workflowId])).rows;
      expect(rows).toEqual([
        { id: task.id, status: 'open', version: 1 },
        { id: `${task.id}:ghost`, status: 'cancelled', version: 1 },
      ]);
      const again = await reconcile(sys.deps.db, sys.deps.temporal, sys.deps.log, { visibilityQuery: `WorkflowId = "${r.body.workflowId}"` });
      expect(again.fixed).toEqual([]);
      // a wrong row never makes a task undecidable: where the row says closed, Temporal decides
      await sys.deps.db.query(`UPDATE tasks SET status = 'completed', version = version + 3, state = jsonb_set(state, '{status}', '"completed"') WHERE id = $1`, [task.id]);
      const ok = await reviewer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'approve', form: {} });
      expect(ok.status).toBe(200);
      expect(await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result()).toMatchObject({ conclusion: 'passed' });
      expect((await sys.deps.db.query<{ version: number }>(`SELECT version FROM tasks WHERE id = $1`, [task.id])).rows[0].version).toBe(ok.body.version);
    } finally {
      await sys.stop();
    }
  });
});

describe('durability', () => {
  it('a review survives a worker restart: the task stays in the inbox and the decision completes the process', async () => {
    const sys = await startSystem();
    try {
      const preparer = await sys.as('u0101-preparer');
      const reviewer = await sys.as('d01-reviewer');
      const app = application({ amountFen: 30_000_000, isNew: false });
      const r = await preparer.post('/api/pre-assessments', app);
      const task = await eventually(async () => (await reviewer.get(`/api/tasks?q=${app.projectCode}`)).body.items?.[0], 'task');

      // the worker goes away (deploy, crash); its workflow cache with it
      await sys.worker.shutdown();
      const { startWorker } = await import('../../worker/worker');
      sys.worker = await startWorker(sys.deps);

      expect((await reviewer.get(`/api/tasks/${encodeURIComponent(task.id)}`)).body.task.status).toBe('open');
      // as the web inbox does: with an Idempotency-Key, and again after a 503's Retry-After (the new
      // worker's first workflow task replays the history; on a loaded machine that may outlast the call's deadline)
      const decide = () => reviewer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'approve', form: {} }, { 'idempotency-key': `restart-${task.id}` });
      let ok = await decide();
      for (let i = 0; i < 5 && ok.status === 503; i++) {
        await new Promise((res) => setTimeout(res, 1000));
        ok = await decide();
      }
      expect(ok.status).toBe(200);
      expect(await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result()).toMatchObject({ conclusion: 'passed', revisions: 0 });
    } finally {
      await sys.stop();
    }
  });
});
