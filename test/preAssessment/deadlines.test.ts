// Pre-assessment's deadlines over real days, on Temporal's time-skipping test server, with the
// region profile's durations (Inner Mongolia: review within 10 days, reminder 2 days before): an
// undecided review is reminded, then escalated (key assessment to finance's division head, the
// department's review to its head) and the original reviewers may still decide late; a revision
// the applicant never resubmits has no reminder and no escalation: it stays open, overdue, and the
// application waits in revision until the applicant acts.
import { dataConverter } from '../../app/codec';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { searchAttributes } from '../../contracts/registry.zod';
import type { Db } from '../../db';
import { createInboxActivities } from '../../activities/inbox';
import { regionProfile } from '../../config/regions';
import type { Actor } from '../../contracts/common.zod';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { taskActUpdate, tasksQuery } from '../../contracts/humanTask/messages';
import { preAssessmentStatusQuery } from '../../contracts/preAssessment/rules';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { application, aspects, productDb } from '../helpers/fixtures';
import { testWorker, type TestWorker } from '../helpers/temporal';

const DAY = 86_400_000;
const testServer = inject('temporalTestServer');
const profile = regionProfile('inner-mongolia').preAssessment;

const perfOfficer: Actor = { userId: 'perf-officer', name: '郑洁', groups: ['finance_performance@FIN'], roles: ['finance_performance'] };
const deptReviewer: Actor = { userId: 'd01-reviewer', name: '陈静', groups: ['competent_reviewer@D01'], roles: ['competent_reviewer'] };
const preparer: Actor = { userId: 'u0101-preparer', name: '王芳', groups: ['unit_preparer@U0101'], roles: ['unit_preparer'] };

describe.skipIf(!testServer)('pre-assessment deadlines (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let worker: TestWorker;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter: dataConverter() }, server: { executable: { type: 'existing-path', path: testServer } } });
    // the workflow sets the registry's search attributes: the test server knows none of them
    const indexed: Record<string, number> = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 }; // temporal.api.enums.v1.IndexedValueType
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(Object.entries(searchAttributes()).map(([k, t]) => [k, indexed[t]])),
    });
    db = await productDb();
    worker = await testWorker({ connection: env.nativeConnection, workflowsPath: WORKFLOWS_PATH, activities: createInboxActivities({ db, publicUrl: 'http://inbox.test' }) });
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.close();
    await env?.teardown();
  });

  const submit = (over: Record<string, unknown>) =>
    env.client.workflow.start('preAssessment', {
      taskQueue: worker.taskQueue,
      workflowId: `preAssessment:DL-${randomUUID()}`,
      args: [{ application: application(over), submittedBy: 'u0101-preparer', submittedByName: '王芳', profile }],
    });
  const openTask = async (h: WorkflowHandle, type: string): Promise<TaskState> => {
    const t = (await h.query(tasksQuery)).find((x) => x.spec.type === type && x.status === 'open');
    if (!t) throw new Error(`no open ${type}`);
    return t;
  };
  const mails = async (taskId: string) => (await db.query<{ kind: string; user_id: string }>(`SELECT kind, user_id FROM outbox WHERE task_id = $1 ORDER BY id`, [taskId])).rows;

  it('uses the profile the tests assume: review within 10 days, reminded 2 days before', () => {
    expect(profile).toMatchObject({ reviewDueDays: 10, reminderBeforeDays: 2 });
  });

  it.each([
    { route: 'key assessment', over: {}, type: 'preAssessment.review', reviewers: 'finance_performance@FIN', head: 'division_head@FIN', headUser: 'perf-head', reviewer: perfOfficer, decision: { outcome: 'pass', form: { aspects: aspects(18) } } },
    { route: 'target review', over: { amountFen: 50_000_000, isNew: false }, type: 'preAssessment.targetReview', reviewers: 'competent_reviewer@D01', head: 'competent_head@D01', headUser: 'd01-head', reviewer: deptReviewer, decision: { outcome: 'approve', form: {} } },
  ])('an undecided $route is reminded on day 8, escalated to $head on day 10, and its reviewers may still decide late', async ({ over, type, reviewers, head, headUser, reviewer, decision }) => {
    const h = await submit(over);
    await env.sleep(7.5 * DAY);
    let t = await openTask(h, type);
    expect(t.actors).toEqual([reviewers]);
    expect(t.history.map((x) => x.action)).toEqual([]);
    expect(Date.parse(t.dueAt) - Date.parse(t.createdAt)).toBe(profile.reviewDueDays * DAY);

    await env.sleep(1 * DAY); // day 8.5: two days before the due date
    t = await openTask(h, type);
    expect(t.history.map((x) => x.action)).toEqual(['remind']);
    expect(t.escalated).toBe(false);

    await env.sleep(2 * DAY); // day 10.5: due on day 10, escalated at once (afterMs 0)
    t = await openTask(h, type);
    expect(t.history.map((x) => x.action)).toEqual(['remind', 'escalate']);
    expect(t.escalated).toBe(true);
    expect(t.actors).toEqual(expect.arrayContaining([reviewers, head]));

    // the policy allows a late decision: the original reviewers decide after the escalation
    const late = await h.executeUpdate(taskActUpdate, { args: [{ taskId: t.id, action: 'decide', ...decision, actor: reviewer }] });
    expect(late.status).toBe('completed');
    expect(await h.result()).toMatchObject({ conclusion: 'passed', revisions: 0 });
    const sent = await mails(t.id);
    expect(sent.filter((m) => m.kind === 'reminder').length).toBeGreaterThan(0);
    expect(sent.filter((m) => m.kind === 'escalated').map((m) => m.user_id)).toContain(headUser);
  });

  it('a revision never resubmitted is neither reminded nor escalated: it stays open past its due date and the application waits in revision', async () => {
    const h = await submit({});
    await env.sleep(1 * DAY);
    const review = await openTask(h, 'preAssessment.review');
    await h.executeUpdate(taskActUpdate, { args: [{ taskId: review.id, action: 'return', reason: '目标值偏低', actor: perfOfficer }] });

    await env.sleep(40 * DAY); // four times the revision's due date
    const revise = await openTask(h, 'preAssessment.revise');
    expect(Date.parse(revise.dueAt) - Date.parse(revise.createdAt)).toBe(profile.reviewDueDays * DAY);
    expect(Date.parse(revise.dueAt)).toBeLessThan(Date.parse(revise.createdAt) + 40 * DAY);
    expect(revise.actors).toEqual(['u0101-preparer']);
    expect(revise.history.map((x) => x.action)).toEqual([]);
    expect(revise.escalated).toBe(false);
    expect(await h.query(preAssessmentStatusQuery)).toMatchObject({ stage: 'revision', revision: 1, conclusion: null });
    expect((await h.describe()).status.name).toBe('RUNNING');

    // only the applicant ends it: abandoning, weeks late, is accepted
    await h.executeUpdate(taskActUpdate, { args: [{ taskId: revise.id, action: 'decide', outcome: 'abandon', form: {}, comment: '不再申报', actor: preparer }] });
    expect(await h.result()).toMatchObject({ conclusion: 'abandoned', revisions: 1 });
    expect((await mails(revise.id)).map((m) => m.kind)).not.toContain('reminder');
  });
});
