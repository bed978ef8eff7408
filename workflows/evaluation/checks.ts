// Checks of a year's self-evaluations (自评抽查复核), read top to bottom: the filed self-evaluations
// are the population; the draw (contracts/evaluation/draw.ts: the profile's rule, a seed recorded
// with it) is shown to finance, who sends it or draws again; each drawn self-evaluation gets a
// check task; a checker's adjusted score and findings go back to the unit, and its problems open
// (or join) the unit's rectification notice through the rectification contract. Finance may choose
// projects for re-evaluation (再评价) while the checks run, one by one or as the profile's share
// (reEvaluationShare) drawn by a recorded seed and shown to finance before it is sent; a
// re-evaluation's grade replaces the self grade for the results.
import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { EvaluationActivities } from '../../activities/evaluation';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { EvaluationChecksInput } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { checksStatusQuery, EVALUATION_TASKS, reEvaluateSignal, reEvaluationDrawSignal, type ChecksStatus, type SelfEvaluationItem, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import { drawChecks, drawReEvaluations, type CheckCandidate, type CheckDraw } from '../../contracts/evaluation/draw';
import { gradeOf } from '../../contracts/evaluation/scoring';
import type { ProblemReport } from '../../contracts/rectification/problems.zod';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
type Input = Required<Pick<EvaluationChecksInput, 'keyProjectIds'>> & EvaluationChecksInput;

const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '2 minutes', retry: EVALUATION_RETRY });
const DAY = 24 * 3_600_000;
/** The draw as a task shows it: the first items in full, the rest counted. */
const SHOWN = 500;

export async function evaluationChecks(raw: EvaluationChecksInput): Promise<ChecksStatus> {
  const parsed = check<Input>(EVALUATION_SCHEMAS.EvaluationChecksInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { year, profile } = input;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES });
  const status: ChecksStatus = { year, stage: 'drawing', draw: null, redraws: 0, checks: [], reEvaluations: [] };
  setHandler(checksStatusQuery, () => status);
  const dueInMs = input.checkDueMs ?? 30 * DAY;
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoStage, value: `checks.${status.stage}` },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({
      projectId: workflowInfo().workflowId,
      projectName: `${year}年度自评抽查复核`,
      deptId: 'FIN',
      unitId: 'FIN',
      stage: status.stage,
      status: status.stage === 'done' ? 'completed' : 'running',
      startedBy: input.openedBy,
      summary: { year, drawn: status.draw?.items.length ?? 0, seed: status.draw?.seed ?? null, checked: status.checks.filter((c) => c.done).length },
    });
  };
  publish();

  // re-evaluations finance asks for, from the moment the workflow runs
  const reEvaluations: Array<Promise<void>> = [];
  let filedById = new Map<string, SelfEvaluationItem & { deptId: string }>();
  const pendingReEvaluations: Array<{ projectId: string; by: string }> = [];
  /** Projects a re-evaluation task was opened for (one each). */
  const requested = new Set<string>();
  setHandler(reEvaluateSignal, (r) => {
    pendingReEvaluations.push(r);
  });
  const pendingDraws: Array<{ by: string; seed?: number }> = [];
  setHandler(reEvaluationDrawSignal, (r) => {
    pendingDraws.push(r);
  });

  // The population: every filed self-evaluation of the departments, with its unit's level and locality.
  const deptIds = input.deptIds ?? (await own.evaluationListDepartments());
  const filed = await own.evaluationFiledSelfEvaluations({ year, deptIds });
  filedById = new Map(filed.map((f) => [f.projectId, f]));
  const units = new Map((await own.evaluationListUnits({ deptIds })).map((u) => [u.id, u]));
  const key = new Set(input.keyProjectIds);
  const population: CheckCandidate[] = filed.map((f) => {
    const u = units.get(f.unitId);
    return { projectId: f.projectId, deptId: f.deptId, unitId: f.unitId, amountFen: f.amountFen, key: key.has(f.projectId), level: u?.level ?? 'province', locality: u?.region ?? '本级' };
  });
  const s = profile.spotCheck;
  const rule = { allFromFen: s.allFromFen, keyProjects: s.keyProjects ?? false, provinceLevelAll: s.provinceLevelAll ?? false, localityShare: s.localityShare ?? 0, sampleRate: s.sampleRate };

  // The draw, shown to finance before anything is sent; a new seed for each redraw (Math.random is
  // Temporal's seeded, recorded generator in workflow code: the same on replay).
  let seed = input.seed ?? Math.floor(Math.random() * 4294967296);
  let draw: CheckDraw;
  for (;;) {
    draw = drawChecks(population, rule, seed);
    status.draw = draw;
    status.stage = 'confirming';
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.drawn', detail: { seed, population: draw.populationSize, drawn: draw.items.length, localities: draw.localities, rule } });
    publish();
    const confirm = await board.ask({
      key: `confirmDraw-${status.redraws}`,
      type: EVALUATION_TASKS.confirmDraw,
      title: `${year}年度自评抽查名单确认（${draw.items.length}个项目）`,
      candidateGroups: ['finance_performance@FIN'],
      dueInMs,
      context: { seed, rule, population: draw.populationSize, localities: draw.localities, count: draw.items.length, byReason: countBy(draw.items.map((i) => i.reason)), items: draw.items.slice(0, SHOWN) },
    });
    if (confirm.outcome === 'send') {
      board.record({ actorId: confirm.decidedBy, actorName: confirm.decidedBy, action: 'evaluation.drawConfirmed', reason: confirm.comment, detail: { seed } });
      break;
    }
    status.redraws++;
    board.record({ actorId: confirm.decidedBy, actorName: confirm.decidedBy, action: 'evaluation.redrawn', reason: confirm.outcome === 'redraw' ? confirm.form.comment : confirm.comment, detail: { seed } });
    seed = Math.floor(Math.random() * 4294967296);
  }

  status.stage = 'checking';
  publish();
  const checks = draw.items.map(async (d) => {
    const self = filedById.get(d.projectId);
    const row: ChecksStatus['checks'][number] = { projectId: d.projectId, deptId: d.deptId, unitId: d.unitId, selfScore: self?.score?.total ?? null, adjustedScore: null, grade: self?.grade ?? null, problems: 0, rectificationId: null, done: false };
    status.checks.push(row);
    const r = await board.ask({
      key: `check-${d.projectId}`,
      type: EVALUATION_TASKS.check,
      title: `自评抽查复核：${self?.name ?? d.projectId}`,
      project: { id: d.projectId, name: self?.name ?? d.projectId, code: d.projectId, deptId: d.deptId, unitId: d.unitId, amountFen: d.amountFen },
      candidateGroups: ['finance_performance@FIN'],
      dueInMs,
      context: { reason: d.reason, seed, selfEvaluation: self ?? null },
    });
    if (r.outcome === 'confirm') {
      if (r.form.adjustedScore !== undefined) {
        row.adjustedScore = r.form.adjustedScore;
        row.grade = gradeOf(r.form.adjustedScore, profile.grades);
      }
      row.problems = r.form.problems.length;
      board.record({ actorId: r.decidedBy, actorName: r.decidedBy, action: 'evaluation.checked', projectId: d.projectId, reason: r.form.findings, detail: { selfScore: row.selfScore, adjustedScore: row.adjustedScore, grade: row.grade, problems: row.problems } });
      if (r.form.problems.length) {
        row.rectificationId = await openRectification({
          deptId: d.deptId,
          unitId: d.unitId,
          source: { kind: 'selfEvaluationCheck', ref: String(year), label: `${year}年度自评抽查复核` },
          problems: r.form.problems.map((p, i) => ({ key: `${d.projectId}/${i + 1}`, projectId: d.projectId, description: p.description, measures: p.measures, evidence: { findings: r.form.findings, selfScore: row.selfScore, adjustedScore: row.adjustedScore } })),
          reportedBy: r.decidedBy,
          reportedAt: new Date().toISOString(),
        });
      }
    }
    row.done = true;
    publish();
  });

  // re-evaluations run beside the checks, until the checks are done and none is waiting
  let checksDone = false;
  void Promise.all(checks).then(() => (checksDone = true));
  for (;;) {
    await condition(() => pendingReEvaluations.length > 0 || pendingDraws.length > 0 || checksDone);
    while (pendingReEvaluations.length) reEvaluations.push(reEvaluate(pendingReEvaluations.shift() as { projectId: string; by: string }));
    while (pendingDraws.length) reEvaluations.push(drawShare(pendingDraws.shift() as { by: string; seed?: number }, (status.reEvaluationDraws ??= []).length));
    if (checksDone) break;
  }
  await Promise.all(reEvaluations);
  status.stage = 'done';
  publish();
  await board.drain();
  return status;

  /**
   * The profile's share of the filed self-evaluations drawn for re-evaluation by a seed (finance's,
   * or Temporal's recorded generator), shown to finance, sent or drawn again; each drawn project
   * then gets its re-evaluation task. Projects already re-evaluated or asked for stay in the
   * population (the draw is over every filed one), but are not asked twice.
   */
  async function drawShare(req: { by: string; seed?: number }, n: number): Promise<void> {
    const share = profile.reEvaluationShare ?? 0.05;
    const ids = [...filedById.keys()];
    let seed = req.seed ?? Math.floor(Math.random() * 4294967296);
    for (let round = 0; ; round++) {
      const projectIds = drawReEvaluations(ids, share, seed);
      const entry = { seed, share, population: ids.length, projectIds, outcome: 'confirming' as 'confirming' | 'sent' | 'redrawn' };
      (status.reEvaluationDraws ??= []).push(entry);
      board.record({ actorId: req.by, actorName: req.by, action: 'evaluation.reEvaluationDrawn', detail: { seed, share, population: ids.length, drawn: projectIds.length } });
      publish();
      const confirm = await board.ask({
        key: `confirmReEvaluationDraw-${n}-${round}`,
        type: EVALUATION_TASKS.confirmReEvaluationDraw,
        title: `${year}年度再评价名单确认（${projectIds.length}个项目）`,
        candidateGroups: ['finance_performance@FIN'],
        dueInMs,
        context: { seed, share, population: ids.length, items: projectIds.map((id) => { const f = filedById.get(id); return { projectId: id, name: f?.name ?? id, deptId: f?.deptId ?? null, unitId: f?.unitId ?? null, selfScore: f?.score?.total ?? null, selfGrade: f?.grade ?? null }; }) },
      });
      if (confirm.outcome === 'send') {
        entry.outcome = 'sent';
        board.record({ actorId: confirm.decidedBy, actorName: confirm.decidedBy, action: 'evaluation.reEvaluationDrawConfirmed', reason: confirm.comment, detail: { seed, projectIds } });
        const asked = new Set(status.reEvaluations.map((r) => r.projectId));
        await Promise.all(projectIds.filter((id) => !asked.has(id) && !requested.has(id)).map((projectId) => reEvaluate({ projectId, by: confirm.decidedBy })));
        return;
      }
      entry.outcome = 'redrawn';
      board.record({ actorId: confirm.decidedBy, actorName: confirm.decidedBy, action: 'evaluation.reEvaluationRedrawn', reason: confirm.outcome === 'redraw' ? confirm.form.comment : confirm.comment, detail: { seed } });
      seed = Math.floor(Math.random() * 4294967296);
    }
  }

  async function reEvaluate(req: { projectId: string; by: string }): Promise<void> {
    requested.add(req.projectId);
    const self = filedById.get(req.projectId);
    if (!self) {
      board.record({ actorId: req.by, actorName: req.by, action: 'evaluation.reEvaluationRefused', projectId: req.projectId, reason: 'no filed self-evaluation of this project' });
      return;
    }
    const r = await board.ask({
      key: `reEvaluate-${req.projectId}`,
      type: EVALUATION_TASKS.reEvaluate,
      title: `绩效再评价：${self.name}`,
      project: { id: self.projectId, name: self.name, code: self.projectId, deptId: self.deptId, unitId: self.unitId, amountFen: self.amountFen },
      candidateGroups: ['finance_performance@FIN'],
      excludeUsers: [],
      dueInMs,
      context: { selfEvaluation: self, requestedBy: req.by },
    });
    if (r.outcome !== 'submit') return;
    const grade = gradeOf(r.form.score, profile.grades);
    status.reEvaluations.push({ projectId: req.projectId, score: r.form.score, grade, by: r.decidedBy });
    board.record({ actorId: r.decidedBy, actorName: r.decidedBy, action: 'evaluation.reEvaluated', projectId: req.projectId, reason: r.form.findings, detail: { score: r.form.score, grade, selfGrade: self.grade } });
    publish();
  }

  /**
   * Opens the unit's rectification notice for this year's checks, or adds the problems to it when it
   * is already open: an activity does it by the rectification contract (signalWithStart), as workflow
   * code takes no values from a zod module; the notice outlives the checks.
   */
  async function openRectification(report: ProblemReport): Promise<string> {
    const r = await own.evaluationRaiseProblems({ report, rectification: input.rectification });
    board.record({ actorId: report.reportedBy, actorName: report.reportedBy, action: 'evaluation.rectificationOpened', projectId: report.problems[0]?.projectId ?? null, detail: { rectificationId: r.workflowId, problems: report.problems.length } });
    return r.workflowId;
  }
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
