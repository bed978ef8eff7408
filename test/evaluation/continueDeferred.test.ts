// A department with more open forms than a continue-as-new may carry (under Temporal's 2 MB payload
// limit; here a limit of 1 character, so every carry is too big, the department's and its batches')
// does not fail its workflow task: it records that it deferred, carries on in the same run, and its
// forms (in its batches) stay open exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

const EVAL_YEAR = YEAR - 1;

describe('a department too big to carry across continue-as-new', () => {
  let fin: StandIn;
  let sys: TestSystem;
  let preparer: Http;
  let firstRunId: string;
  let expected: string[];
  const workflowId = `evaluationDepartment:${EVAL_YEAR}:D01:defer-${Date.now()}`;

  beforeAll(async () => {
    fin = await startStandIn();
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai' });
    preparer = await sys.as('u0101-preparer');
    expected = (await fin.client.listProjects({ deptId: 'D01', unitId: 'U0101', year: EVAL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId).map((p) => p.id);
    const h = await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: EVAL_YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer', pageSize: 5, continueAfterEvents: 40, continueCarryLimit: 1 }],
    });
    firstRunId = h.firstExecutionRunId;
  }, 90_000);
  afterAll(async () => {
    for (const id of [workflowId, ...[0, 1, 2, 3].map((n) => `${workflowId}:b${n}`)]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sys?.stop();
    await fin?.stop();
  });

  it('records the deferral, stays in its first run, and keeps every form open once', async () => {
    const deferred = await eventually(async () => {
      const r = (await sys.deps.db.query<{ detail: { carry: number; limit: number; open: number } }>(`SELECT detail FROM audit WHERE workflow_id = $1 AND action = 'evaluation.continueAsNewDeferred'`, [workflowId])).rows;
      return r.length > 0 && r;
    }, 'the deferral in the audit trail', 60_000);
    expect(deferred[0].detail.carry).toBeGreaterThan(deferred[0].detail.limit);
    expect(deferred[0].detail.limit).toBe(1);
    expect((await sys.deps.temporal.workflow.getHandle(workflowId).describe()).runId).toBe(firstRunId);
    const forms = await eventually(async () => {
      const f = ((await preparer.get(`/api/tasks?process=evaluation&type=evaluation.selfEvaluate&limit=200`)).body.items ?? []).filter((t: { workflowId: string }) => t.workflowId.startsWith(`${workflowId}:b`));
      return f.length >= expected.length ? f : undefined;
    }, 'every form in the inbox');
    expect(new Set(forms.map((f: { id: string }) => f.id)).size).toBe(expected.length);
  }, 90_000);
});
