// A department's self-evaluations continue as new on the real system when their histories grow long
// (here a tiny threshold: 40 events): the department (its status, its batches' counts and its own
// overall form) and each batch of its projects' forms (a page of 5) continue as new on their own; every
// open form is carried to its batch's new run, stays open exactly once in its unit's inbox, and can
// still be submitted, signed, reviewed and filed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { batchStatusQuery, departmentItems, departmentStatusQuery } from '../../contracts/evaluation/names';
import { eventually, recordingEnv, type Http, type RecordingEnv, type TestSystem } from '../helpers/system';
import { YEAR, type StandIn } from '../finance/standIn';

const EVAL_YEAR = YEAR - 1;
const enc = encodeURIComponent;

describe('a big department’s self-evaluation continues as new', () => {
  let env: RecordingEnv;
  let fin: StandIn;
  let sys: TestSystem;
  let preparer: Http;
  let head: Http;
  let reviewer: Http;
  let perf: Http;
  let expected: string[];
  let firstRunId: string;
  const workflowId = `evaluationDepartment:${EVAL_YEAR}:D01:can-${Date.now()}`;

  beforeAll(async () => {
    env = await recordingEnv({ region: 'wuhai', recordFlag: 'RECORD_HISTORIES' });
    ({ fin, sys } = env);
    [preparer, head, reviewer, perf] = await Promise.all(['u0101-preparer', 'u0101-head', 'd01-reviewer', 'perf-officer'].map((u) => sys.as(u)));
    expected = (await fin.client.listProjects({ deptId: 'D01', unitId: 'U0101', year: EVAL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId).map((p) => p.id).sort();
    const h = await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: EVAL_YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer', pageSize: 5, continueAfterEvents: 40 }],
    });
    firstRunId = h.firstExecutionRunId;
  }, 90_000);
  afterAll(async () => {
    for (const id of [workflowId, ...[0, 1, 2, 3].map((n) => `${workflowId}:b${n}`)]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await env?.stop();
  });

  // the department's tasks and its batches' (<department>:b<n>)
  const open = async (who: Http, type: string) => ((await who.get(`/api/tasks?process=evaluation&type=${enc(type)}&limit=200`)).body.items ?? []).filter((t: { workflowId: string }) => t.workflowId === workflowId || t.workflowId.startsWith(`${workflowId}:b`)) as Array<{ id: string; title: string; workflowId: string }>;
  const items = async () => {
    const c = sys.deps.temporal.workflow;
    return departmentItems(await c.getHandle(workflowId).query(departmentStatusQuery), async (id) => (await c.getHandle(id).query(batchStatusQuery)).items);
  };
  /** The run of an execution now is a continued one (its first event names the run it continues). */
  const continued = async (id: string) => !!(await sys.deps.temporal.workflow.getHandle(id).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  const decide = (who: Http, id: string, outcome: string, form: Record<string, unknown> = {}) => who.post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });

  it('continues as new, and every project’s form is open exactly once', async () => {
    // the first run ends in continue-as-new
    await eventually(async () => ((await sys.deps.temporal.workflow.getHandle(workflowId).describe()).runId !== firstRunId ? true : undefined), 'a second run', 60_000);
    // the first run's history stays short: it ended by continuing as new
    const first = await sys.deps.temporal.workflow.getHandle(workflowId, firstRunId).fetchHistory();
    expect(first.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    if (process.env.RECORD_HISTORIES) {
      // a run of a department with batches that continued as new (patched jixiao.evaluation.department-batches), for the replay test
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationDepartment-batches-continued-as-new-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(first));
    }
    const forms = await eventually(async () => {
      const f = await open(preparer, 'evaluation.selfEvaluate');
      return f.length >= expected.length ? f : undefined;
    }, 'every form in the inbox');
    expect(forms).toHaveLength(expected.length);
    expect(new Set(forms.map((f) => f.id)).size).toBe(expected.length);
    // the carried status (its batches' forms) still knows every project of U0101, each once
    expect((await items()).filter((i) => i.unitId === 'U0101').map((i) => i.projectId).sort()).toEqual(expected);
  }, 120_000);

  it('files a carried form through sign, review and filing in the new run', async () => {
    const [form] = await open(preparer, 'evaluation.selfEvaluate');
    const d = (await preparer.get(`/api/tasks/${enc(form.id)}`)).body;
    const pre = (d.state?.spec?.context ?? d.spec?.context ?? d.context).prefill;
    const indicators = pre.targets.length ? pre.targets.map((t: { name: string; target: string | null }) => ({ name: t.name, target: t.target ?? '10', actual: t.target ?? '10' })) : [{ name: '完成数量', kind: 'output', direction: '>=', target: '10', actual: '10' }];
    expect((await decide(preparer, form.id, 'submit', { indicators, measures: '无' })).status).toBe(200);
    const s = await eventually(async () => (await open(head, 'evaluation.unitSign')).find((t) => t.title.includes(pre.name)), 'sign');
    expect((await decide(head, s.id, 'sign')).status).toBe(200);
    const r = await eventually(async () => (await open(reviewer, 'evaluation.departmentReview')).find((t) => t.title.includes(pre.name)), 'review');
    expect((await decide(reviewer, r.id, 'submit')).status).toBe(200);
    const f = await eventually(async () => (await open(perf, 'evaluation.financeFile')).find((t) => t.title.includes(pre.name)), 'file');
    expect((await decide(perf, f.id, 'file')).status).toBe(200);
    await eventually(async () => ((await items()).find((i) => i.projectId === pre.projectId)?.stage === 'filed' ? true : undefined), 'filed');
    // the form's batch went on in a new run meanwhile, carrying its forms; the department counts the filing
    await eventually(async () => ((await continued(form.workflowId)) ? true : undefined), 'the batch in a new run', 30_000);
    await eventually(async () => (((await sys.deps.temporal.workflow.getHandle(workflowId).query(departmentStatusQuery)).totals?.byStage.filed ?? 0) >= 1 ? true : undefined), 'the filing counted');
    if (process.env.RECORD_HISTORIES) {
      // a batch's first run, which continued as new, for the replay test
      const h = sys.deps.temporal.workflow.getHandle(form.workflowId);
      const firstRun = (await h.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId as string;
      writeFileSync(join(REPO_ROOT, 'test', 'replay', 'histories', `evaluationBatch-continued-as-new-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(await sys.deps.temporal.workflow.getHandle(form.workflowId, firstRun).fetchHistory()));
    }
    // still one form per other project, none reopened
    const left = await open(preparer, 'evaluation.selfEvaluate');
    expect(left).toHaveLength(expected.length - 1);
    expect(new Set(left.map((t) => t.id)).size).toBe(expected.length - 1);
  }, 120_000);
});
