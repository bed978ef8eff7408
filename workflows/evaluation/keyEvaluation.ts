// A key evaluation (重点评价) commissioned to a third-party agency, read top to bottom: an agency that
// declared a conflict with the department or unit is never commissioned; N experts are drawn from
// the library with recusal (contracts/evaluation/experts.ts, seed recorded); finance staff and the
// experts join the fieldwork (patched 'jixiao.evaluation.expert-fieldwork': each drawn expert gives
// an opinion from their own inbox, seen by the agency and at acceptance; one still open at
// acceptance closes); the agency submits its report and dimension scores through its own inbox;
// finance accepts it or returns it for revision, until accepted.
import { ApplicationFailure, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { EvaluationKeyEvaluationInput } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { EVALUATION_TASKS, keyEvaluationStatusQuery, type KeyEvaluationStatus } from '../../contracts/evaluation/names';
import { drawExperts } from '../../contracts/evaluation/experts';
import { gradeOf } from '../../contracts/evaluation/scoring';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
type Input = Required<Pick<EvaluationKeyEvaluationInput, 'experts' | 'expertFields' | 'expertCount' | 'financeStaff' | 'maxRevisions'>> & EvaluationKeyEvaluationInput;
const DAY = 24 * 3_600_000;

export async function evaluationKeyEvaluation(raw: EvaluationKeyEvaluationInput): Promise<KeyEvaluationStatus> {
  const parsed = check<Input>(EVALUATION_SCHEMAS.EvaluationKeyEvaluationInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { subject } = input;
  const agency = input.agencies.find((a) => a.id === input.agencyId);
  if (!agency) throw ApplicationFailure.nonRetryable(`agency ${input.agencyId} is not in the register`, 'InvalidInput');
  const conflicts = agency.conflicts ?? [];
  if (conflicts.includes(subject.deptId) || conflicts.includes(subject.unitId)) {
    throw ApplicationFailure.nonRetryable(`agency ${agency.id} declared a conflict with ${conflicts.includes(subject.deptId) ? subject.deptId : subject.unitId}`, 'AgencyConflict');
  }
  const expertSeed = input.expertSeed ?? Math.floor(Math.random() * 4294967296); // Temporal's recorded generator
  const drawn = drawExperts(input.experts.map((e) => ({ id: e.id, fields: e.fields, conflicts: e.conflicts ?? [] })), { n: input.expertCount, fields: input.expertFields, deptId: subject.deptId, unitId: subject.unitId }, expertSeed);
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES });
  const status: KeyEvaluationStatus = { ref: subject.ref, stage: 'fieldwork', agencyId: agency.id, experts: drawn.experts, recusedExperts: drawn.recused, expertSeed, financeStaff: input.financeStaff, revisions: 0, score: null, grade: null };
  setHandler(keyEvaluationStatusQuery, () => status);
  const dueInMs = input.dueInMs ?? 60 * DAY;
  const project = { id: subject.ref, name: subject.title, code: subject.ref, deptId: subject.deptId, unitId: subject.unitId };
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoDeptId, value: subject.deptId },
      { key: SA.JixiaoStage, value: `key.${status.stage}` },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({ projectId: workflowInfo().workflowId, projectName: subject.title, deptId: subject.deptId, unitId: subject.unitId, stage: status.stage, status: status.stage === 'accepted' ? 'completed' : 'running', startedBy: input.openedBy, summary: { agencyId: agency.id, revisions: status.revisions, score: status.score, grade: status.grade } });
  };
  board.record({ actorId: input.openedBy, actorName: input.openedBy, action: 'evaluation.commissioned', projectId: subject.ref, detail: { subject, agencyId: agency.id, experts: drawn.experts, recused: drawn.recused, short: drawn.short, expertSeed, financeStaff: input.financeStaff } });
  publish();

  if (patched('jixiao.evaluation.expert-fieldwork')) {
    status.expertOpinions = [];
    const opinions = status.expertOpinions;
    for (const expertId of drawn.experts) {
      void board
        .ask({
          key: `expert-${expertId.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
          type: EVALUATION_TASKS.expertOpinion,
          title: `专家评审意见：${subject.title}`,
          project,
          assignee: expertId,
          candidateGroups: ['expert@EXP'],
          dueInMs,
          context: { subject, agencyId: agency.id, financeStaff: input.financeStaff },
        })
        .then((r: TaskResultOf<Tasks, typeof EVALUATION_TASKS.expertOpinion, 'returned'>) => {
          if (r.outcome !== 'submit') return;
          opinions.push({ expertId, opinion: r.form.opinion, at: new Date().toISOString() });
          board.record({ actorId: r.decidedBy, actorName: r.decidedBy, action: 'evaluation.expertOpinion', projectId: subject.ref, detail: { expertId } });
        });
    }
  }

  let returnReason: string | null = null;
  for (;;) {
    status.stage = 'fieldwork';
    publish();
    const report: TaskResultOf<Tasks, typeof EVALUATION_TASKS.agencyReport, 'returned'> = await board.ask({
      key: `report-${status.revisions}`,
      type: EVALUATION_TASKS.agencyReport,
      title: `提交重点评价报告：${subject.title}`,
      project,
      candidateGroups: [`agency_evaluator@${agency.id}`],
      dueInMs,
      context: { subject, experts: drawn.experts, financeStaff: input.financeStaff, returnReason, revision: status.revisions, ...(status.expertOpinions ? { expertOpinions: [...status.expertOpinions] } : {}) },
    });
    if (report.outcome !== 'submit') continue;
    const s: { economy: number; efficiency: number; effectiveness: number; results: number; sustainability: number } = report.form.scores;
    const score: number = s.economy + s.efficiency + s.effectiveness + s.results + s.sustainability;
    status.stage = 'acceptance';
    publish();
    const acceptance: TaskResultOf<Tasks, typeof EVALUATION_TASKS.acceptReport, 'returned'> = await board.ask({
      key: `accept-${status.revisions}`,
      type: EVALUATION_TASKS.acceptReport,
      title: `重点评价报告验收：${subject.title}`,
      project,
      candidateGroups: ['finance_performance@FIN'],
      dueInMs,
      context: { subject, agencyId: agency.id, report: report.form, score, revision: status.revisions, ...(status.expertOpinions ? { expertOpinions: [...status.expertOpinions] } : {}) },
    });
    if (acceptance.outcome === 'accept' || status.revisions >= input.maxRevisions) {
      status.score = score;
      status.grade = gradeOf(score, input.grades);
      status.stage = 'accepted';
      board.record({ actorId: acceptance.decidedBy, actorName: acceptance.decidedBy, action: 'evaluation.reportAccepted', projectId: subject.ref, detail: { score, grade: status.grade, revisions: status.revisions } });
      // an expert who gave no opinion by now is not waited for
      for (const key of board.openKeys()) if (key.startsWith('expert-')) board.cancel(key, '报告已验收');
      publish();
      await board.drain();
      return status;
    }
    returnReason = acceptance.outcome === 'sendBack' ? acceptance.form.comment : (acceptance.comment ?? '退回');
    status.revisions++;
    board.record({ actorId: acceptance.decidedBy, actorName: acceptance.decidedBy, action: 'evaluation.reportReturned', projectId: subject.ref, reason: returnReason, detail: { revision: status.revisions } });
  }
}
