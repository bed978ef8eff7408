// Circular cross peer review (互审互评, 循环交叉评审, 004) of a batch of key-evaluation reports, read top
// to bottom: the rotation is computed here (contracts/evaluation/rotation.ts: never an agency's own,
// loads within one, an expert panel when there is one agency) and shown to finance before it is
// sent; each reviewer scores the report's quality on the rubric and comments; the author agency
// revises; finance closes each with its final score, which feeds the agency's quality score (its
// credit record in the agency register, by an activity).
import { ApplicationFailure, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { EvaluationActivities } from '../../activities/evaluation';
import { SA } from '../../contracts/searchAttributes';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { EvaluationPeerReviewInput } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { EVALUATION_TASKS, peerReviewStatusQuery, type PeerReviewStatus, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import { assignPeerReviews, EXPERT_PANEL } from '../../contracts/evaluation/rotation';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
const DAY = 24 * 3_600_000;
const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '1 minute', retry: EVALUATION_RETRY });

export async function evaluationPeerReview(raw: EvaluationPeerReviewInput): Promise<PeerReviewStatus> {
  const parsed = check<EvaluationPeerReviewInput>(EVALUATION_SCHEMAS.EvaluationPeerReviewInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const dueInMs = input.dueInMs ?? 15 * DAY;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES });
  const assignment = assignPeerReviews(input.reports);
  const status: PeerReviewStatus = {
    batchId: input.batchId,
    stage: 'confirming',
    assignments: assignment.map((a) => ({ ...a, reviewScore: null, finalScore: null, stage: 'review' })),
    agencyQuality: {},
  };
  setHandler(peerReviewStatusQuery, () => status);
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoStage, value: `peerReview.${status.stage}` },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({ projectId: workflowInfo().workflowId, projectName: `评价报告互审（${input.batchId}）`, deptId: 'FIN', unitId: 'FIN', stage: status.stage, status: status.stage === 'done' ? 'completed' : 'running', startedBy: input.openedBy, summary: { reports: input.reports.length } });
  };
  board.record({ actorId: input.openedBy, actorName: input.openedBy, action: 'evaluation.peerReviewAssigned', detail: { assignment } });
  publish();

  const confirm = await board.ask({
    key: 'confirm',
    type: EVALUATION_TASKS.confirmPeerReview,
    title: `互审分配确认（${input.reports.length}份报告）`,
    candidateGroups: ['finance_performance@FIN'],
    dueInMs,
    context: { batchId: input.batchId, assignment },
  });
  board.record({ actorId: confirm.decidedBy, actorName: confirm.decidedBy, action: 'evaluation.peerReviewSent', reason: confirm.comment });
  status.stage = 'reviewing';
  publish();

  await Promise.all(status.assignments.map((a) => reviewOne(a)));
  const byAgency = new Map<string, number[]>();
  for (const a of status.assignments) byAgency.set(a.author, [...(byAgency.get(a.author) ?? []), a.finalScore ?? 0]);
  for (const [agency, scores] of byAgency) status.agencyQuality[agency] = Math.round((scores.reduce((s, x) => s + x, 0) / scores.length) * 100) / 100;
  if (patched('jixiao.evaluation.quality-to-register')) {
    // the final scores feed each agency's quality score in the register (its credit record)
    const r = await own.evaluationRecordPeerReviewScores({
      batchId: input.batchId,
      workflowId: workflowInfo().workflowId,
      scores: status.assignments.map((a) => ({ reportId: a.reportId, agencyId: a.author, finalScore: a.finalScore ?? 0 })),
    });
    if (r.skipped.length) board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.qualityNotRecorded', reason: 'not in the agency register', detail: { agencies: r.skipped } });
  }
  status.stage = 'done';
  board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.peerReviewClosed', detail: { agencyQuality: status.agencyQuality } });
  publish();
  await board.drain();
  return status;

  async function reviewOne(a: PeerReviewStatus['assignments'][number]): Promise<void> {
    const report = input.reports.find((r) => r.reportId === a.reportId);
    if (!report) return;
    const project = { id: report.reportId, name: report.title, code: report.reportId, deptId: report.deptId, unitId: report.unitId };
    const review = await board.ask({
      key: `review-${a.reportId}`,
      type: EVALUATION_TASKS.peerReview,
      title: `评价报告互审：${report.title}`,
      project,
      candidateGroups: [a.reviewer === EXPERT_PANEL ? 'expert@EXP' : `agency_evaluator@${a.reviewer}`],
      dueInMs,
      context: { report, author: a.author },
    });
    if (review.outcome !== 'submit') return;
    const r = review.form.rubric;
    a.reviewScore = r.method + r.evidence + r.conclusions + r.form;
    a.stage = 'revision';
    publish();
    const revise = await board.ask({
      key: `revise-${a.reportId}`,
      type: EVALUATION_TASKS.reviseReport,
      title: `根据互审意见修改报告：${report.title}`,
      project,
      candidateGroups: [`agency_evaluator@${a.author}`],
      dueInMs,
      context: { report, review: { rubric: r, score: a.reviewScore, comment: review.form.comment } },
    });
    a.stage = 'closing';
    publish();
    const close = await board.ask({
      key: `close-${a.reportId}`,
      type: EVALUATION_TASKS.closePeerReview,
      title: `互审定分：${report.title}`,
      project,
      candidateGroups: ['finance_performance@FIN'],
      dueInMs,
      context: { report, reviewScore: a.reviewScore, reviewComment: review.form.comment, changes: revise.outcome === 'resubmit' ? revise.form.changes : null },
    });
    a.finalScore = close.outcome === 'close' ? close.form.finalScore : a.reviewScore;
    a.stage = 'closed';
    board.record({ actorId: close.decidedBy, actorName: close.decidedBy, action: 'evaluation.reportScored', projectId: a.reportId, detail: { author: a.author, reviewer: a.reviewer, reviewScore: a.reviewScore, finalScore: a.finalScore } });
    publish();
  }
}
