// A department with more projects than one page (here a page of 3, D01 has 8 projects this year) puts
// each page's forms in a batch of its own, a child workflow: every form opens exactly once across the
// batches, each batch holds one page, the department adds up the counts its batches report and its
// status shows every form with the totals; forms filed in two different batches both count; the
// department ends when every batch's forms and its overall self-evaluation are filed.
// (This year's projects: the self-evaluation test holds last year's department of D01.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { REPO_ROOT } from '../../app/processPaths';
import { batchStatusQuery, evaluationDepartmentId, totalsOf, type DepartmentStatus, type SelfEvaluationItem } from '../../contracts/evaluation/names';
import type { DepartmentResult } from '../../workflows/evaluation/department';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

const enc = encodeURIComponent;
const PAGE = 3;

describe('a department’s self-evaluations in batches of one page each', () => {
  let fin: StandIn;
  let sys: TestSystem;
  let http: Record<string, Http>;
  let expected: Array<{ id: string; unitId: string }>;
  const workflowId = evaluationDepartmentId(YEAR, 'D01');
  const batchIds = [0, 1, 2].map((n) => `${workflowId}:b${n}`);

  beforeAll(async () => {
    fin = await startStandIn();
    // recorded histories are written with plain payloads: they replay with the payload codec or without it
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai', ...(process.env.RECORD_HISTORIES ? { TEMPORAL_COMPRESS_PAYLOADS: '0' } : {}) });
    const users = ['u0101-preparer', 'u0101-head', 'u0102-preparer', 'u0102-head', 'd01-reviewer', 'perf-officer'];
    http = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await sys.as(u)] as const)));
    expected = (await fin.client.listProjects({ deptId: 'D01', year: YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId).map((p) => ({ id: p.id, unitId: p.unitId }));
    expect(expected.length).toBe(8); // three pages of 3: 3, 3 and 2
    await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer', pageSize: PAGE }],
    });
  }, 90_000);
  afterAll(async () => {
    for (const id of [workflowId, ...batchIds]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sys?.stop();
    await fin?.stop();
  });

  const mine = (id: string) => id === workflowId || id.startsWith(`${workflowId}:b`);
  const tasks = async (who: string, type: string) =>
    ((await http[who].get(`/api/tasks?process=evaluation&type=${enc(type)}&limit=200`)).body.items ?? []).filter((t: { workflowId: string }) => mine(t.workflowId)) as Array<{ id: string; workflowId: string; projectId: string | null; title: string }>;
  const decide = (who: string, id: string, outcome: string, form: Record<string, unknown> = {}) => http[who].post(`/api/tasks/${enc(id)}/actions`, { action: 'decide', outcome, form });
  const department = async (): Promise<DepartmentStatus & { totals: ReturnType<typeof totalsOf> }> => (await http['perf-officer'].get(`/api/evaluations/cycles/${YEAR}/departments/D01`)).body;
  const taskOf = (who: string, type: string, projectId: string) => eventually(async () => (await tasks(who, type)).find((t) => t.projectId === projectId), `${type} of ${projectId}`);

  /** The unit fills, its head signs, the department submits, finance files. */
  async function fileForm(projectId: string, unitId: string): Promise<string> {
    const unit = unitId.toLowerCase();
    const fill = await taskOf(`${unit}-preparer`, 'evaluation.selfEvaluate', projectId);
    const d = (await http[`${unit}-preparer`].get(`/api/tasks/${enc(fill.id)}`)).body;
    const pre = (d.state?.spec?.context ?? d.spec?.context ?? d.context).prefill;
    const indicators = pre.targets.length ? pre.targets.map((t: { name: string; target: string | null }) => ({ name: t.name, target: t.target ?? '10', actual: t.target ?? '10' })) : [{ name: '完成数量', kind: 'output', direction: '>=', target: '10', actual: '10' }];
    expect((await decide(`${unit}-preparer`, fill.id, 'submit', { indicators, measures: '无' })).status).toBe(200);
    expect((await decide(`${unit}-head`, (await taskOf(`${unit}-head`, 'evaluation.unitSign', projectId)).id, 'sign')).status).toBe(200);
    expect((await decide('d01-reviewer', (await taskOf('d01-reviewer', 'evaluation.departmentReview', projectId)).id, 'submit')).status).toBe(200);
    const file = await taskOf('perf-officer', 'evaluation.financeFile', projectId);
    expect((await decide('perf-officer', file.id, 'file')).status).toBe(200);
    return fill.workflowId;
  }

  it('opens every project’s form exactly once across its batches, each batch holding one page', async () => {
    const d = await eventually(async () => {
      const s = await department();
      return s?.opened ? s : undefined;
    }, 'every batch’s forms open');
    expect(d.batches?.map((b) => [b.workflowId, b.projects])).toEqual([[batchIds[0], 3], [batchIds[1], 3], [batchIds[2], 2]]);
    // the department holds none of the forms itself; its status shows every one of them, from its batches
    expect(d.items.map((i) => i.projectId).sort()).toEqual(expected.map((p) => p.id).sort());
    expect(d.totals).toMatchObject({ projects: 8, byStage: { filling: 8, signing: 0, departmentReview: 0, financeReview: 0, filed: 0 }, returns: 0 });
    // each batch holds its own page
    const held: SelfEvaluationItem[][] = [];
    for (const id of batchIds) held.push((await sys.deps.temporal.workflow.getHandle(id).query(batchStatusQuery)).items);
    expect(held.map((h) => h.length)).toEqual([3, 3, 2]);
    expect(new Set(held.flat().map((i) => i.projectId)).size).toBe(8);
    // in the units' inboxes: one form per project, each in its batch's execution
    const forms = await eventually(async () => {
      const f = [...(await tasks('u0101-preparer', 'evaluation.selfEvaluate')), ...(await tasks('u0102-preparer', 'evaluation.selfEvaluate'))];
      return f.length >= 8 ? f : undefined;
    }, 'every form in the inboxes');
    expect(forms.map((f) => f.projectId).sort()).toEqual(expected.map((p) => p.id).sort());
    for (const f of forms) {
      const b = held.findIndex((h) => h.some((i) => i.projectId === f.projectId));
      expect(f.workflowId).toBe(batchIds[b]);
    }
    // the department's own form: its overall self-evaluation
    const overall = await eventually(async () => (await tasks('d01-reviewer', 'evaluation.overallSelfEvaluate'))[0], 'the overall self-evaluation');
    expect(overall.workflowId).toBe(workflowId);
  }, 90_000);

  it('counts forms filed in two different batches, in the department’s totals and its results', async () => {
    const byBatch = await Promise.all(batchIds.map(async (id) => (await sys.deps.temporal.workflow.getHandle(id).query(batchStatusQuery)).items));
    const a = byBatch[0].find((i) => i.unitId === 'U0101') ?? byBatch[0][0];
    const b = byBatch[1].find((i) => i.unitId === 'U0101') ?? byBatch[1][0];
    expect(await fileForm(a.projectId, a.unitId)).toBe(batchIds[0]);
    expect(await fileForm(b.projectId, b.unitId)).toBe(batchIds[1]);
    const d = await eventually(async () => {
      const s = await department();
      return s.totals.byStage.filed === 2 ? s : undefined;
    }, 'both filings counted by the department');
    expect(d.totals).toMatchObject({ projects: 8, byStage: { filling: 6, filed: 2 } });
    expect(d.items.filter((i) => i.stage === 'filed').map((i) => i.projectId).sort()).toEqual([a.projectId, b.projectId].sort());
    // what the department added up is what its batches hold
    const now = await Promise.all(batchIds.map(async (id) => (await sys.deps.temporal.workflow.getHandle(id).query(batchStatusQuery)).items));
    expect(d.totals).toEqual(totalsOf(now.flat()));
    expect(d.batches?.map((x) => x.totals?.byStage.filed)).toEqual([1, 1, 0]);
    const rows = (await http['perf-officer'].get(`/api/evaluations/results/${YEAR}/D01`)).body as Array<{ projectId: string; selfGrade: string | null; source: string | null }>;
    expect(rows).toHaveLength(8);
    for (const id of [a.projectId, b.projectId]) expect(rows.find((r) => r.projectId === id)).toMatchObject({ selfGrade: expect.any(String), source: 'self' });
  }, 120_000);

  it('ends when every batch’s forms and the department’s own are filed, with the batches’ counts', async () => {
    const open = (await department()).items.filter((i) => i.stage !== 'filed');
    for (const i of open) await fileForm(i.projectId, i.unitId);
    const overall = await eventually(async () => (await tasks('d01-reviewer', 'evaluation.overallSelfEvaluate'))[0], 'the overall self-evaluation');
    const own = [{ name: '部门重点任务完成率', kind: 'output', direction: '>=', target: '100', actual: '100' }];
    expect((await decide('d01-reviewer', overall.id, 'submit', { indicators: own, measures: '无' })).status).toBe(200);
    const file = await eventually(async () => (await tasks('perf-officer', 'evaluation.financeFile')).find((t) => t.projectId === 'overall:D01'), 'finance’s filing of the overall one');
    expect((await decide('perf-officer', file.id, 'file')).status).toBe(200);
    const result: DepartmentResult = await sys.deps.temporal.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ deptId: 'D01', projects: 8, filed: 8 });
    expect(Object.values(result.grades).reduce((x, y) => x + y, 0)).toBe(8);
    for (const [n, id] of batchIds.entries()) expect(await sys.deps.temporal.workflow.getHandle(id).result()).toMatchObject({ batch: n, totals: { byStage: { filed: n < 2 ? 3 : 2 } } });
    const d = await department();
    expect(d.totals).toMatchObject({ projects: 8, byStage: { filed: 8 } });
    expect(d.batches?.every((x) => x.done)).toBe(true);
    expect(d.overall).toMatchObject({ stage: 'filed' });

    if (process.env.RECORD_HISTORIES) {
      const day = new Date().toISOString().slice(0, 10);
      const dir = join(REPO_ROOT, 'test', 'replay', 'histories');
      writeFileSync(join(dir, `evaluationDepartment-batches-wuhai-${day}.json`), historyToJSON(await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory()));
      writeFileSync(join(dir, `evaluationBatch-wuhai-${day}.json`), historyToJSON(await sys.deps.temporal.workflow.getHandle(batchIds[0]).fetchHistory()));
    }
  }, 180_000);
});
