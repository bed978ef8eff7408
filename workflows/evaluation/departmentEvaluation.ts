// A department's evaluation (部门评价, 001, 003) of chosen projects of its units, read top to bottom:
// each chosen project gets an evaluation task for the department's reviewers (score and findings,
// its grade by the profile's bands); when all are in, the department writes its own report. Kept
// apart from the self-evaluations: its own workflow and status, not in the self-evaluation results.
import { ApplicationFailure, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { EvaluationDepartmentEvaluationInput } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { departmentEvaluationStatusQuery, EVALUATION_TASKS, type DepartmentEvaluationStatus } from '../../contracts/evaluation/names';
import { gradeOf } from '../../contracts/evaluation/scoring';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
const DAY = 24 * 3_600_000;

export async function evaluationDepartmentEvaluation(raw: EvaluationDepartmentEvaluationInput): Promise<DepartmentEvaluationStatus> {
  const parsed = check<EvaluationDepartmentEvaluationInput>(EVALUATION_SCHEMAS.EvaluationDepartmentEvaluationInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { year, deptId } = input;
  const dueInMs = input.dueInMs ?? 60 * DAY;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES });
  const status: DepartmentEvaluationStatus = { year, deptId, stage: 'evaluating', projects: input.projects.map((p) => ({ projectId: p.projectId, name: p.name, unitId: p.unitId, score: null, grade: null, findings: null, by: null })), report: null };
  setHandler(departmentEvaluationStatusQuery, () => status);
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoDeptId, value: deptId },
      { key: SA.JixiaoStage, value: `departmentEvaluation.${status.stage}` },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({ projectId: workflowInfo().workflowId, projectName: `${year}年度部门评价（${deptId}）`, deptId, unitId: deptId, stage: status.stage, status: status.stage === 'done' ? 'completed' : 'running', startedBy: input.openedBy, summary: { year, projects: status.projects.length, evaluated: status.projects.filter((p) => p.score !== null).length } });
  };
  board.record({ actorId: input.openedBy, actorName: input.openedBy, action: 'evaluation.departmentEvaluationOpened', detail: { year, deptId, projects: input.projects.map((p) => p.projectId) } });
  publish();

  await Promise.all(
    input.projects.map(async (p, i) => {
      const r = await board.ask({
        key: `deptEval-${p.projectId}`,
        type: EVALUATION_TASKS.departmentEvaluate,
        title: `${year}年度部门评价：${p.name}`,
        project: { id: p.projectId, name: p.name, code: p.projectId, deptId, unitId: p.unitId, amountFen: p.amountFen },
        candidateGroups: [`competent_reviewer@${deptId}`],
        dueInMs,
        context: { year, project: p },
      });
      if (r.outcome !== 'submit') return;
      const row = status.projects[i];
      Object.assign(row, { score: r.form.score, grade: gradeOf(r.form.score, input.grades), findings: r.form.findings, by: r.decidedBy });
      board.record({ actorId: r.decidedBy, actorName: r.decidedBy, action: 'evaluation.departmentEvaluated', projectId: p.projectId, reason: r.form.findings, detail: { score: row.score, grade: row.grade } });
      publish();
    }),
  );

  status.stage = 'reporting';
  publish();
  const report = await board.ask({
    key: 'deptEvalReport',
    type: EVALUATION_TASKS.departmentReport,
    title: `${year}年度部门评价报告（${deptId}）`,
    project: { id: `departmentEvaluation:${deptId}`, name: `${year}年度部门评价报告`, code: `departmentEvaluation:${deptId}`, deptId, unitId: deptId },
    candidateGroups: [`competent_reviewer@${deptId}`],
    dueInMs,
    context: { year, projects: status.projects },
  });
  if (report.outcome === 'submit') status.report = { summary: report.form.summary, by: report.decidedBy, at: new Date().toISOString() };
  status.stage = 'done';
  board.record({ actorId: report.decidedBy, actorName: report.decidedBy, action: 'evaluation.departmentReported', detail: { projects: status.projects.map((p) => ({ projectId: p.projectId, score: p.score, grade: p.grade })) } });
  publish();
  await board.drain();
  return status;
}
