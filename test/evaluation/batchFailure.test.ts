// A batch of a department's self-evaluations that fails for good is shown to finance, and a re-run
// opens its forms once. D01's projects of a budget year of its own (page of 2, so five batches): one
// project has no name in the finance system (its batch refuses its page: InvalidInput), one batch's id is
// taken (it cannot start), and one page holds a project whose id the inbox cannot key (a colon: that
// form cannot open, so the batch closes the forms it had opened, as cancelled with the reason). Each
// failed batch is listed on the department's page with its reason, audited, and finance hears of it;
// the department does not end while one has failed, even with every other form filed. Once finance has
// removed the causes (named the project, removed the stray entry), it re-runs each failed batch: the
// forms not filed open again exactly once (a second re-run is refused, a retried one with its
// Idempotency-Key gets the first answer), and the department ends with every project filed once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { evaluationBatchId, evaluationDepartmentId, type DepartmentStatus } from '../../contracts/evaluation/names';
import type { DepartmentResult } from '../../workflows/evaluation/department';
import { eventually, recordingEnv, type Http, type RecordingEnv, type TestSystem } from '../helpers/system';
import type { StandIn } from '../finance/standIn';

/** A budget year no other test file evaluates (workflow ids are per year and department). */
const FAIL_YEAR = 2031;
const PAGE = 2;
const NOBODY = 'jixiao-test-nobody-polls';
const enc = encodeURIComponent;

describe('a batch of self-evaluations that fails for good', () => {
  let env: RecordingEnv;
  let fin: StandIn;
  let sys: TestSystem;
  let http: Record<string, Http>;
  /** D01's projects, as finance lists them (the stray colon entry included), in page order. */
  let ids: string[];
  let unnamed: string;
  let stray: string;
  const workflowId = evaluationDepartmentId(FAIL_YEAR, 'D01');
  const b = (n: number, rerun = 0) => evaluationBatchId(workflowId, n, rerun);

  beforeAll(async () => {
    env = await recordingEnv({ region: 'wuhai', recordFlag: 'RECORD_HISTORIES', standIn: { year: FAIL_YEAR } });
    ({ fin, sys } = env);
    const users = ['u0101-preparer', 'u0101-head', 'u0102-preparer', 'u0102-head', 'd01-reviewer', 'perf-officer'];
    http = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await sys.as(u)] as const)));
    const own = (await fin.client.listProjects({ deptId: 'D01', year: FAIL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId);
    expect(own.length).toBe(8);
    expect(new Set(own.map((p) => p.unitId))).toEqual(new Set(['U0101', 'U0102']));
    // in the finance system: the third project has lost its name (its page is batch 1) ...
    unnamed = own[2].id;
    await fin.db.query(`UPDATE projects SET name = '' WHERE id = $1`, [unnamed]);
    // ... and a stray copy of the seventh sits beside it under an id with a colon (its page is batch 3)
    stray = `${own[6].id}:copy`;
    await fin.db.query(`INSERT INTO projects (id, dept_id, unit_id, year, name, industry, kind, expenditure, is_new, transfer_id, original_fen, status)
      SELECT $2, dept_id, unit_id, year, name || '（重复录入）', industry, kind, expenditure, is_new, transfer_id, original_fen, status FROM projects WHERE id = $1`, [own[6].id, stray]);
    ids = (await fin.client.listProjects({ deptId: 'D01', year: FAIL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId).map((p) => p.id);
    expect(ids.slice(6, 8)).toEqual([own[6].id, stray]);
    // batch 2's id is taken (a workflow nobody runs): it cannot start
    await sys.deps.temporal.workflow.start('squatter', { workflowId: b(2), taskQueue: NOBODY });
    await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: FAIL_YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer', pageSize: PAGE }],
    });
  }, 90_000);
  afterAll(async () => {
    const c = sys?.deps.temporal.workflow;
    for (const id of [workflowId, ...[0, 1, 2, 3, 4].flatMap((n) => [b(n), b(n, 1)])]) await c?.getHandle(id).terminate('test over').catch(() => undefined);
    await env?.stop();
  });

  const department = async (): Promise<DepartmentStatus> => (await http['perf-officer'].get(`/api/evaluations/cycles/${FAIL_YEAR}/departments/D01`)).body;
  const statusOf = async (id: string) => (await sys.deps.temporal.workflow.getHandle(id).describe()).status.name;
  const tasksOf = async (prefix: string) =>
    (await sys.deps.db.query<{ id: string; workflow_id: string; type: string; status: string; project_id: string }>(`SELECT id, workflow_id, type, status, project_id FROM tasks WHERE workflow_id = $1 OR workflow_id LIKE $2 ORDER BY id`, [prefix, `${prefix}:%`])).rows;
  const decide = (who: string, id: string, outcome: string, form: Record<string, unknown> = {}) => http[who].post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });
  const openTask = (type: string, projectId: string) =>
    eventually(async () => (await tasksOf(workflowId)).find((t) => t.type === type && t.project_id === projectId && t.status === 'open'), `${type} of ${projectId}`, 30_000);
  const rerun = (n: number, key?: string) => http['perf-officer'].post(`/api/evaluations/cycles/${FAIL_YEAR}/departments/D01/batches/${n}/rerun`, {}, key ? { 'idempotency-key': key } : {});

  /** The unit fills, its head signs, the department submits, finance files. */
  async function fileForm(projectId: string): Promise<void> {
    const fill = await openTask('evaluation.selfEvaluate', projectId);
    const unit = (await sys.deps.db.query<{ unit_id: string }>('SELECT unit_id FROM tasks WHERE id = $1', [fill.id])).rows[0].unit_id.toLowerCase();
    const d = (await http[`${unit}-preparer`].get(`/api/tasks/${enc(fill.id)}`)).body;
    const pre = (d.state?.spec?.context ?? d.spec?.context ?? d.context).prefill;
    const indicators = pre.targets.length ? pre.targets.map((t: { name: string; target: string | null }) => ({ name: t.name, target: t.target ?? '10', actual: t.target ?? '10' })) : [{ name: '完成数量', kind: 'output', direction: '>=', target: '10', actual: '10' }];
    expect((await decide(`${unit}-preparer`, fill.id, 'submit', { indicators, measures: '无' })).status).toBe(200);
    expect((await decide(`${unit}-head`, (await openTask('evaluation.unitSign', projectId)).id, 'sign')).status).toBe(200);
    expect((await decide('d01-reviewer', (await openTask('evaluation.departmentReview', projectId)).id, 'submit')).status).toBe(200);
    expect((await decide('perf-officer', (await openTask('evaluation.financeFile', projectId)).id, 'file')).status).toBe(200);
  }

  it('shows each failed batch to finance with its reason, closes the forms it had opened, and tells finance', async () => {
    const d = await eventually(async () => {
      const s = await department();
      return s?.opened && s.batches?.filter((x) => x.failure).length === 3 ? s : undefined;
    }, 'three batches failed, the department open', 60_000);
    const failure = (n: number) => d.batches?.find((x) => x.batch === n)?.failure;
    // the project without a name: its batch refused its page
    expect(failure(1)).toMatchObject({ workflowId: b(1), unfiled: 2, filed: 0 });
    expect(failure(1)?.reason).toMatch(/InvalidInput/);
    expect(failure(1)?.reason).toMatch(/name/);
    // the batch that could not start
    expect(failure(2)).toMatchObject({ workflowId: b(2), unfiled: 2, filed: 0, notStarted: true });
    expect(failure(2)?.reason).toMatch(/already started/i);
    // the stray entry's form could not open: the batch closed the other form it had opened
    expect(failure(3)).toMatchObject({ workflowId: b(3), unfiled: 2, filed: 0 });
    expect(failure(3)?.reason).toMatch(/invalid task/);
    for (const n of [0, 4]) expect(failure(n) ?? null).toBeNull();
    for (const n of [1, 3]) await eventually(async () => ((await statusOf(b(n))) === 'FAILED' ? true : undefined), `batch ${n} ended failed`);
    const closed = (await tasksOf(b(3))).filter((t) => t.type === 'evaluation.selfEvaluate');
    expect(closed.map((t) => [t.project_id, t.status])).toEqual([[ids[6], 'cancelled']]);
    const why = (await sys.deps.db.query<{ reason: string }>(`SELECT reason FROM audit WHERE task_id = $1 AND action = 'task.cancelled'`, [closed[0].id])).rows;
    expect(why[0]?.reason).toMatch(/自评批次处理失败.*invalid task/);
    // the healthy batches' forms are open, one per project
    const open = (await tasksOf(workflowId)).filter((t) => t.type === 'evaluation.selfEvaluate' && t.status === 'open');
    expect(open.map((t) => t.project_id).sort()).toEqual([ids[0], ids[1], ids[8]].sort());
    // audited once each, and finance hears of each
    const audited = (await sys.deps.db.query<{ detail: { batch: number }; reason: string }>(`SELECT detail, reason FROM audit WHERE workflow_id = $1 AND action = 'evaluation.batchFailed' ORDER BY (detail->>'batch')::int`, [workflowId])).rows;
    expect(audited.map((a) => a.detail.batch)).toEqual([1, 2, 3]);
    const notices = await eventually(async () => {
      const r = (await sys.deps.db.query<{ subject: string; body_text: string }>(`SELECT subject, body_text FROM outbox WHERE kind = 'notice' AND user_id = 'perf-officer' AND subject LIKE $1 ORDER BY subject`, [`%${FAIL_YEAR}年度绩效自评：D01%处理失败%`])).rows;
      return r.length >= 3 && r;
    }, 'finance’s notices');
    for (const [i, n] of [2, 3, 4].entries()) expect(notices[i].subject).toContain(`${FAIL_YEAR}年度绩效自评：D01 第 ${n} 批自评表处理失败`);
    expect(notices[0].body_text).toMatch(/重新下发/);
  }, 120_000);

  it('does not end while a batch has failed, even with every other form filed', async () => {
    for (const id of [ids[0], ids[1], ids[8]]) await fileForm(id);
    const overall = await openTask('evaluation.overallSelfEvaluate', 'overall:D01');
    const own = [{ name: '部门重点任务完成率', kind: 'output', direction: '>=', target: '100', actual: '100' }];
    expect((await decide('d01-reviewer', overall.id, 'submit', { indicators: own, measures: '无' })).status).toBe(200);
    expect((await decide('perf-officer', (await openTask('evaluation.financeFile', 'overall:D01')).id, 'file')).status).toBe(200);
    await eventually(async () => ((await department()).overall?.stage === 'filed' ? true : undefined), 'the overall self-evaluation filed');
    await eventually(async () => ((await department()).totals?.byStage.filed === 3 ? true : undefined), 'three project forms filed');
    expect(await statusOf(workflowId)).toBe('RUNNING');
    const row = (await sys.deps.db.query<{ status: string; summary: { failedBatches?: number[] } }>('SELECT status, summary FROM processes WHERE workflow_id = $1', [workflowId])).rows[0];
    expect(row).toMatchObject({ status: 'running', summary: { failedBatches: [1, 2, 3] } });
  }, 180_000);

  it('re-runs a failed batch once the cause is removed: its forms open again exactly once', async () => {
    // finance names the project and removes the stray entry
    await fin.db.query(`UPDATE projects SET name = '重新命名的项目' WHERE id = $1`, [unnamed]);
    await fin.db.query(`DELETE FROM projects WHERE id = $1`, [stray]);
    // not by a department's reviewer; not a batch that has not failed; not one it does not have
    expect((await http['d01-reviewer'].post(`/api/evaluations/cycles/${FAIL_YEAR}/departments/D01/batches/1/rerun`, {})).status).toBe(403);
    expect((await rerun(0)).status).toBe(409);
    expect((await rerun(9)).status).toBe(404);
    const first = await rerun(1, 'rerun-b1');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ batch: 1, workflowId: b(1, 1), projects: 2, filed: 0 });
    // a retry with its key gets the first answer; a second re-run is refused: nothing opens twice
    expect((await rerun(1, 'rerun-b1')).body).toEqual(first.body);
    const again = await rerun(1);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/has not failed/);
    for (const n of [2, 3]) expect((await rerun(n)).status).toBe(200);
    const forms = await eventually(async () => {
      const f = (await tasksOf(workflowId)).filter((t) => t.type === 'evaluation.selfEvaluate' && t.status === 'open');
      return f.length >= 5 ? f : undefined;
    }, 'the re-run batches’ forms open', 30_000);
    // one form per project of the failed batches (the stray entry is gone from finance), each in its re-run
    expect(forms.map((t) => t.project_id).sort()).toEqual([ids[2], ids[3], ids[4], ids[5], ids[6]].sort());
    expect(forms.map((t) => t.workflow_id).sort()).toEqual([b(1, 1), b(1, 1), b(2, 1), b(2, 1), b(3, 1)]);
    // the project finance named is the re-run's: the new name on its form
    const renamed = (await sys.deps.db.query<{ project_name: string }>('SELECT project_name FROM tasks WHERE workflow_id = $1 AND project_id = $2', [b(1, 1), unnamed])).rows[0];
    expect(renamed.project_name).toBe('重新命名的项目');
    const d = await department();
    expect(d.batches?.map((x) => [x.workflowId, x.failure ?? null])).toEqual([[b(0), null], [b(1, 1), null], [b(2, 1), null], [b(3, 1), null], [b(4), null]]);
    const reruns = (await sys.deps.db.query<{ actor_id: string; detail: { batch: number } }>(`SELECT actor_id, detail FROM audit WHERE workflow_id = $1 AND action = 'evaluation.batchRerun' ORDER BY (detail->>'batch')::int`, [workflowId])).rows;
    expect(reruns.map((r) => [r.actor_id, r.detail.batch])).toEqual([['perf-officer', 1], ['perf-officer', 2], ['perf-officer', 3]]);
    const missing = (await sys.deps.db.query<{ detail: { missing: string[] } }>(`SELECT detail FROM audit WHERE workflow_id = $1 AND action = 'evaluation.batchRerunOpened'`, [b(3, 1)])).rows[0];
    expect(missing.detail.missing).toEqual([stray]);
  }, 120_000);

  it('ends once the re-run forms are filed, with every project filed once', async () => {
    for (const id of [ids[2], ids[3], ids[4], ids[5], ids[6]]) await fileForm(id);
    const result: DepartmentResult = await sys.deps.temporal.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ deptId: 'D01', projects: 8, filed: 8 });
    const filed = (await sys.deps.db.query<{ project_id: string }>(`SELECT project_id FROM tasks WHERE (workflow_id = $1 OR workflow_id LIKE $2) AND type = 'evaluation.financeFile' AND status = 'completed'`, [workflowId, `${workflowId}:%`])).rows.map((r) => r.project_id).filter((p) => p !== 'overall:D01');
    expect(filed.sort()).toEqual([...ids.slice(0, 7), ids[8]].sort());

    if (process.env.RECORD_HISTORIES) {
      const day = new Date().toISOString().slice(0, 10);
      const dir = join(REPO_ROOT, 'test', 'replay', 'histories');
      const c = sys.deps.temporal.workflow;
      const save = async (name: string, id: string) => writeFileSync(join(dir, `${name}-${day}.json`), historyToJSON(await c.getHandle(id).fetchHistory()));
      await save('evaluationDepartment-batches-failed-then-rerun', workflowId);
      await save('evaluationBatch-failed-invalid-input', b(1));
      await save('evaluationBatch-failed-forms-closed', b(3));
      await save('evaluationBatch-rerun-after-failure', b(3, 1));
    }
  }, 180_000);
});
