// Which targets a self-evaluation form reports against, on the real system (Temporal server,
// finance stand-in): a project that passed pre-assessment with a cut amount enters the project
// library through pre-assessment's own activity (preAssessmentEnterProjectLibrary) with its approved
// targets, and its form shows those targets and the entry's approved amount ('projectLibrary'); one
// whose targets were revised later in the year shows the revision ('approved'); a project with
// neither gets its industry's core indicators to state ('library'). The form says which.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities as preAssessmentActivities, type EnterLibraryInput } from '../../activities/preAssessment';
import type { ActivityDeps } from '../../activities';
import type { ProjectSummary } from '../../contracts/finance/finance.zod';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

const EVAL_YEAR = YEAR - 1;
const enc = encodeURIComponent;

describe('the targets a self-evaluation form is pre-filled with', () => {
  let fin: StandIn;
  let sys: TestSystem;
  let preparer: Http;
  let cutOnly: ProjectSummary;
  let revisedLater: ProjectSummary;
  let neither: ProjectSummary;
  let workflowId: string;
  const libraryTargets = (code: string, name: string, unit: string) => [
    { code, kind: 'output' as const, category: '数量指标', name, target: '120', unit, direction: '>=' as const, core: true },
    { kind: 'benefit' as const, category: '社会效益指标', name: '就诊等候时间', target: '30', unit: '分钟', direction: '<=' as const, core: false },
  ];

  /** What pre-assessment's activity writes when an application passes with a cut (核减后通过). */
  async function passWithCut(p: ProjectSummary, approvedAmountFen: number): Promise<void> {
    const core = (await fin.client.listIndicators({ industry: p.industry, coreOnly: true, limit: 5 })).items[0];
    const acts = preAssessmentActivities({ finance: fin.client } as unknown as ActivityDeps);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `preAssessment:prefill-${p.id}`, runId: 'r1' } });
    const input: EnterLibraryInput = {
      step: 'library',
      application: {
        projectCode: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.originalFen, industry: p.industry,
        isNew: true, kind: 'project', midYear: false, majorDevelopment: false, year: EVAL_YEAR, summary: '',
        indicators: libraryTargets(core.code, core.name, core.unit),
      },
      conclusion: 'passedReduced',
      approvedAmountFen,
      cutReason: '建设规模偏大，核减三成',
    };
    const r = await env.run(acts.preAssessmentEnterProjectLibrary, input);
    expect(r).toMatchObject({ entered: true, approvedFen: approvedAmountFen });
  }

  beforeAll(async () => {
    fin = await startStandIn();
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai' });
    preparer = await sys.as('u0101-preparer');
    const projects = (await fin.client.listProjects({ deptId: 'D01', year: EVAL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId && p.unitId === 'U0101');
    expect(projects.length).toBeGreaterThanOrEqual(3);
    [cutOnly, revisedLater, neither] = projects;
    await passWithCut(cutOnly, Math.floor(cutOnly.originalFen * 0.7));
    await passWithCut(revisedLater, Math.floor(revisedLater.originalFen * 0.7));
    // later in the year an approved target adjustment (a monitoring form's, 002): the next version in the finance system
    await fin.client.reviseTargets({
      idempotencyKey: `prefill-revised-${revisedLater.id}`, projectId: revisedLater.id, year: EVAL_YEAR, source: 'monitoring', by: 'perf-officer', reason: '政策调整，调减服务人次',
      indicators: [{ level1: 'output', level2: '数量指标', name: '服务人次', target: '90', unit: '万人次', direction: '>=', isCore: true }],
    });
    workflowId = `evaluationDepartment:${EVAL_YEAR}:D01:prefill-${Date.now()}`;
    await sys.deps.temporal.workflow.start('evaluationDepartment', {
      workflowId,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ year: EVAL_YEAR, deptId: 'D01', profile: sys.config.region.evaluation, dueInMs: 7 * 24 * 3_600_000, openedBy: 'perf-officer' }],
    });
  }, 90_000);
  afterAll(async () => {
    await sys?.deps.temporal.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await sys?.stop();
    await fin?.stop();
  });

  const prefillOf = async (projectId: string) => {
    const task = await eventually(async () => ((await preparer.get(`/api/tasks?process=evaluation&q=${enc(projectId)}`)).body.items ?? []).find((t: { type: string }) => t.type === 'evaluation.selfEvaluate'), `the form of ${projectId}`);
    const d = (await preparer.get(`/api/tasks/${enc(task.id)}`)).body;
    return (d.state?.spec?.context ?? d.spec?.context ?? d.context).prefill;
  };

  it('shows the targets approved at pre-assessment, with the library’s approved amount and cut, for a project passed with a cut', async () => {
    const pre = await prefillOf(cutOnly.id);
    expect(pre.targetsSource).toBe('projectLibrary');
    expect(pre.targets.map((t: { name: string; target: string; direction: string }) => [t.name, t.target, t.direction])).toEqual([
      [expect.any(String), '120', '>='],
      ['就诊等候时间', '30', '<='],
    ]);
    expect(pre.projectLibrary).toMatchObject({ approvedFen: Math.floor(cutOnly.originalFen * 0.7), requestedFen: cutOnly.originalFen, conclusion: 'pass_reduced', cut: '建设规模偏大，核减三成' });
    expect(pre.projectLibrary.id).toMatch(/^L/);
  }, 60_000);

  it('shows the later revision rather than the library’s targets', async () => {
    const pre = await prefillOf(revisedLater.id);
    expect(pre.targetsSource).toBe('approved');
    expect(pre.targets).toEqual([{ kind: 'output', category: '数量指标', name: '服务人次', target: '90', unit: '万人次', direction: '>=' }]);
    expect(pre.projectLibrary).toBeUndefined();
  }, 60_000);

  it('falls back to the industry’s core indicators, target to be stated, for a project with neither', async () => {
    const pre = await prefillOf(neither.id);
    expect(pre.targetsSource).toBe('library');
    expect(pre.targets.length).toBeGreaterThan(0);
    expect(pre.targets.every((t: { target: string | null }) => t.target === null)).toBe(true);
  }, 60_000);

  it('keeps a library target as approved: a changed target sends the form back with the reason', async () => {
    const task = await eventually(async () => ((await preparer.get(`/api/tasks?process=evaluation&q=${enc(cutOnly.id)}`)).body.items ?? []).find((t: { type: string }) => t.type === 'evaluation.selfEvaluate'), 'the form');
    const pre = await prefillOf(cutOnly.id);
    const indicators = pre.targets.map((t: { name: string }, i: number) => ({ name: t.name, target: i === 0 ? '100' : undefined, actual: '100' }));
    expect((await preparer.post(`/api/tasks/${enc(task.id)}/actions`, { action: 'decide', outcome: 'submit', form: { indicators, measures: '无' } })).status).toBe(200);
    const again = await eventually(async () => ((await preparer.get(`/api/tasks?process=evaluation&q=${enc(cutOnly.id)}`)).body.items ?? []).find((t: { id: string; type: string }) => t.type === 'evaluation.selfEvaluate' && t.id !== task.id), 'the form back');
    const d = (await preparer.get(`/api/tasks/${enc(again.id)}`)).body;
    expect((d.state?.spec?.context ?? d.spec?.context ?? d.context).returnReason).toContain('批复值 120');
  }, 60_000);
});
