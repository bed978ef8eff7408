// Pre-assessment and target review (事前绩效评估 / 绩效目标审核), read top to bottom:
// an application is routed by amount and type, reviewed, returned for revision until it passes,
// is cut or fails; the applicant hears the conclusion by mail.
import { ApplicationFailure, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PreAssessmentActivities } from '../../activities/preAssessment';
import { SA } from '../../contracts/searchAttributes';
import {
  PRE_ASSESSMENT_TASKS,
  aspectScore,
  bulkTargetReview,
  financeTargetGroup,
  financeTargetReview,
  preAssessmentStatusQuery,
  reviewGroup,
  reviewerOf,
  routeApplication,
  type PreAssessmentConclusion,
  type PreAssessmentStatus,
} from '../../contracts/preAssessment/rules';
import type { PreAssessmentInput, ProjectApplication } from '../../contracts/preAssessment/application.zod';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { PRE_ASSESSMENT_SCHEMAS, PRE_ASSESSMENT_TYPES } from '../../contracts/preAssessment/schemas';
import type { ProjectRef, TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { preAssessment as manifest } from '../../contracts/preAssessment/manifest.zod';
import { TaskBoard } from '../humanTask';

/** Its task types' forms by outcome, from the zod contract (types only): `ask()` results are typed by them. */
type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;

const DAY = 24 * 60 * 60 * 1000;

/** The finance system's answers: retried through outages (the call is idempotent by `<workflowId>/<step>`). */
const finance = proxyActivities<PreAssessmentActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

export interface PreAssessmentResult {
  conclusion: PreAssessmentConclusion;
  approvedAmountFen: number | null;
  score: number | null;
  revisions: number;
}

const TYPES = PRE_ASSESSMENT_TYPES;
const zh = (type: string): string => TYPES[type].label.zh;

export async function preAssessment(rawInput: PreAssessmentInput): Promise<PreAssessmentResult> {
  const parsed = check<PreAssessmentInput & { application: ProjectApplication }>(PRE_ASSESSMENT_SCHEMAS.PreAssessmentInput, rawInput);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const profile = input.profile as Partial<PreAssessmentInput['profile']> & PreAssessmentInput['profile'];
  // the profile's (ours: 5); a test's override; runs whose profile predates the field: 5 as before
  const maxRevisions = input.maxRevisions ?? profile.maxRevisions ?? 5;
  const board = new TaskBoard<Tasks>({ process: 'preAssessment', types: TYPES, urgeWindowMs: input.urgeWindowMs });
  const route = routeApplication(input.application, profile);
  const status: PreAssessmentStatus = {
    stage: 'review',
    route,
    revision: 0,
    application: input.application,
    conclusion: null,
    approvedAmountFen: null,
    score: null,
  };
  setHandler(preAssessmentStatusQuery, () => status);

  const app = (): ProjectApplication => status.application;
  const project = (): ProjectRef => ({
    id: workflowInfo().workflowId,
    name: app().name,
    code: app().projectCode,
    deptId: app().deptId,
    unitId: app().unitId,
    amountFen: app().amountFen,
  });
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'preAssessment' },
      { key: SA.JixiaoProjectId, value: app().projectCode },
      { key: SA.JixiaoDeptId, value: app().deptId },
      { key: SA.JixiaoUnitId, value: app().unitId },
      { key: SA.JixiaoStage, value: status.stage },
      { key: SA.JixiaoAmountFen, value: app().amountFen },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({
      projectId: project().id,
      projectName: app().name,
      deptId: app().deptId,
      unitId: app().unitId,
      stage: status.stage,
      status: status.stage === 'done' ? 'completed' : 'running',
      startedBy: input.submittedBy,
      summary: { route, revision: status.revision, conclusion: status.conclusion, amountFen: app().amountFen, approvedAmountFen: status.approvedAmountFen, score: status.score, year: app().year },
    });
  };

  board.record({ actorId: input.submittedBy, actorName: input.submittedByName, action: 'preAssessment.submitted', projectId: project().id, detail: { route, amountFen: app().amountFen } });
  const reviewDueMs = input.reviewDueMs ?? profile.reviewDueDays * DAY;
  const reviewType = route === 'targetReview' ? PRE_ASSESSMENT_TASKS.targetReview : PRE_ASSESSMENT_TASKS.review;

  for (;;) {
    status.stage = 'review';
    publish();
    const review = await board.ask({
      key: `review-${status.revision}`,
      type: reviewType,
      title: `${zh(reviewType)}：${app().name}`,
      project: project(),
      candidateGroups: [reviewGroup(route, app().deptId, profile)],
      submittedBy: input.submittedBy,
      dueInMs: reviewDueMs,
      remindBeforeMs: profile.reminderBeforeDays > 0 ? [Math.min(profile.reminderBeforeDays * DAY, Math.floor(reviewDueMs / 2))] : [],
      escalation: { afterMs: 0, to: { group: reviewerOf(route, profile) === 'finance' ? 'division_head@FIN' : `competent_head@${app().deptId}` }, lateDecision: 'allow' },
      priority: route === 'key' ? 2 : 1,
      bulkApprovable: bulkTargetReview(route, app(), profile),
      ...reducedBounds('passReduced'),
      context: { application: app(), route, revision: status.revision, aspectMaxPoints: profile.aspectMaxPoints === undefined ? 20 : profile.aspectMaxPoints },
      notifySubmitter: false, // the applicant hears the conclusion, or gets the revision task
    });

    if (review.outcome === 'withdrawn') return finish('withdrawn');
    let returnReason = review.comment;
    let finding = findingOf(review);
    // the department approved the targets: finance reviews them next on 002's four criteria
    const financeBy = review.outcome === 'approve' ? financeTargetReview(app(), profile) : null;
    if (finding && financeBy && patched('jixiao.preAssessment.finance-target-review')) {
      const f = await financeReview(financeBy, review.decidedBy);
      if (f.kind === 'withdrawn') return finish('withdrawn');
      if (f.kind === 'ended') return finish(f.conclusion, f.reason);
      finding = f.kind === 'finding' ? f.finding : null;
      if (f.kind === 'returned') returnReason = f.reason;
    }
    if (finding) {
      const refusal = await signOff(finding, review.decidedBy, review.comment);
      if (refusal === undefined) {
        status.score = finding.score;
        status.approvedAmountFen = finding.approvedAmountFen;
        return finish(finding.conclusion, review.comment);
      }
      returnReason = refusal; // the signers did not endorse the finding: back to the applicant
    }

    // 退回修改: revise-and-resubmit is the normal path (Wuhai: under half pass the first time).
    status.revision++;
    if (status.revision > maxRevisions) return finish('failed', `returned more than ${maxRevisions} times`);
    status.stage = 'revision';
    publish();
    const revise = await board.ask({
      key: `revise-${status.revision}`,
      type: PRE_ASSESSMENT_TASKS.revise,
      title: `${zh(PRE_ASSESSMENT_TASKS.revise)}：${app().name}`,
      project: project(),
      assignee: input.submittedBy,
      dueInMs: reviewDueMs,
      context: { application: app(), returnReason, revision: status.revision },
    });
    if (revise.outcome === 'abandon') return finish('abandoned', revise.comment);
    const f = revise.form; // resubmitted (or returned: an empty form, the application unchanged)
    status.application = {
      ...app(),
      ...(f.amountFen !== undefined ? { amountFen: f.amountFen } : {}),
      ...(f.summary !== undefined ? { summary: f.summary } : {}),
      ...(f.indicators !== undefined ? { indicators: f.indicators } : {}),
    };
    board.record({ actorId: input.submittedBy, actorName: input.submittedByName, action: 'preAssessment.resubmitted', projectId: project().id, detail: { revision: status.revision } });
  }

  /**
   * A reduced amount (核减后通过, 削减) is more than 0 and less than the amount requested: refused where
   * the decision is made (the Update's validator), naming the field. Runs recorded before it: no bounds.
   */
  function reducedBounds(outcome: 'passReduced' | 'cut'): { formBounds?: Record<string, Record<string, { gt: number; lt: number; why: string }>> } {
    if (!patched('jixiao.preAssessment.reduced-bounds')) return {};
    return { formBounds: { [outcome]: { approvedAmountFen: { gt: 0, lt: app().amountFen, why: `核减后金额应大于0且小于申报金额 ${app().amountFen} 分` } } } };
  }

  /** What the review found, before anyone signs it off (null: returned or withdrawn). */
  function findingOf(review: TaskResultOf<Tasks, typeof reviewType>): Finding | null {
    switch (review.outcome) {
      case 'withdrawn':
      case 'returned':
        return null;
      case 'fail':
        return { conclusion: 'failed', score: aspectScore(review.form.aspects, profile.aspectMaxPoints), approvedAmountFen: null };
      case 'passReduced':
        return { conclusion: 'passedReduced', score: aspectScore(review.form.aspects, profile.aspectMaxPoints), approvedAmountFen: review.form.approvedAmountFen };
      case 'pass':
        return { conclusion: 'passed', score: aspectScore(review.form.aspects, profile.aspectMaxPoints), approvedAmountFen: app().amountFen };
      case 'approve': // target review: no aspects, no score
        return { conclusion: 'passed', score: null, approvedAmountFen: app().amountFen };
      default:
        return unreachable(review);
    }
  }

  /**
   * Finance's target review after the department's (002: relevance, feasibility, indicators, funding,
   * each with a finding): approve, cut (削减, 004), delay or cancel (缓批或取消, 002), or return.
   */
  async function financeReview(by: 'performance' | 'business', departmentReviewer: string): Promise<FinanceReviewOutcome> {
    status.stage = 'financeReview';
    publish();
    const type = PRE_ASSESSMENT_TASKS.financeTargetReview;
    const r = await board.ask({
      key: `financeReview-${status.revision}`,
      type,
      title: `${zh(type)}：${app().name}`,
      project: project(),
      candidateGroups: [financeTargetGroup(by)],
      submittedBy: input.submittedBy,
      excludeUsers: [departmentReviewer],
      ...reducedBounds('cut'),
      dueInMs: reviewDueMs,
      remindBeforeMs: profile.reminderBeforeDays > 0 ? [Math.min(profile.reminderBeforeDays * DAY, Math.floor(reviewDueMs / 2))] : [],
      escalation: { afterMs: 0, to: { group: 'division_head@FIN' }, lateDecision: 'allow' },
      priority: app().isNew ? 2 : 1,
      context: { application: app(), route, revision: status.revision, departmentReviewer },
      notifySubmitter: false,
    });
    switch (r.outcome) {
      case 'withdrawn':
        return { kind: 'withdrawn' };
      case 'returned':
        return { kind: 'returned', reason: r.comment };
      case 'approve':
        return { kind: 'finding', finding: { conclusion: 'passed', score: null, approvedAmountFen: app().amountFen } };
      case 'cut':
        return { kind: 'finding', finding: { conclusion: 'passedReduced', score: null, approvedAmountFen: Math.min(r.form.approvedAmountFen, app().amountFen) } };
      case 'delayOrCancel':
        return { kind: 'ended', conclusion: r.form.decision === 'delay' ? 'delayed' : 'cancelled', reason: r.form.comment };
      default:
        return unreachable(r);
    }
  }

  /**
   * The finding's sign-off (结论签批) when the profile asks for it on this route: one task, countersigned
   * by the profile's signers (会签 all / 或签 any). Resolves with undefined when signed off, or the
   * refusal's reason. Runs recorded before it keep their commands (patched).
   */
  async function signOff(finding: Finding, reviewer: string, reviewComment: string | null): Promise<string | undefined> {
    const so = (profile as Partial<typeof profile>).signOff;
    if (!so || so.mode === 'none' || !so.routes.includes(route)) return undefined;
    if (!patched('jixiao.preAssessment.sign-off')) return undefined;
    status.stage = 'signOff';
    publish();
    const type = PRE_ASSESSMENT_TASKS.signOff;
    const r = await board.ask({
      key: `signOff-${status.revision}`,
      type,
      title: `${zh(type)}：${app().name}`,
      project: project(),
      countersign: { mode: so.mode, members: so.signers.map((g) => ({ userId: null, candidateGroups: [g] })) },
      submittedBy: input.submittedBy,
      excludeUsers: [reviewer], // nobody signs off their own finding
      dueInMs: reviewDueMs,
      priority: route === 'key' ? 2 : 1,
      context: { application: app(), route, revision: status.revision, finding: { ...finding, reviewer, comment: reviewComment }, signOff: { mode: so.mode, source: so.source } },
      notifySubmitter: false,
    });
    switch (r.outcome) {
      case 'approve':
        return undefined;
      case 'reject':
        return r.comment ?? r.form.comment;
      case 'withdrawn':
      case 'returned':
        return r.comment ?? '签批退回';
      default:
        return unreachable(r);
    }
  }

  async function finish(conclusion: PreAssessmentConclusion, reason: string | null = null): Promise<PreAssessmentResult> {
    // the gate's outcome in the finance system: a pass enters the project library (000: 评估不通过就不能入库), once
    if ((conclusion === 'passed' || conclusion === 'passedReduced') && input.projectLibrary === true && patched('jixiao.preAssessment.project-library')) {
      const approved = status.approvedAmountFen ?? app().amountFen;
      const lib = await finance.preAssessmentEnterProjectLibrary({ step: 'projectLibrary', application: app(), conclusion, approvedAmountFen: approved, cutReason: conclusion === 'passedReduced' ? reason : null });
      status.library = lib;
      board.record({
        actorId: 'system',
        actorName: '系统',
        action: lib.entered ? 'preAssessment.libraryEntered' : 'preAssessment.libraryRefused',
        projectId: project().id,
        reason: lib.entered ? null : lib.reason,
        detail: lib.entered ? { libraryId: lib.libraryId, approvedFen: lib.approvedFen } : { rule: lib.rule },
      });
    }
    status.stage = 'done';
    status.conclusion = conclusion;
    publish();
    board.record({ actorId: 'system', actorName: '系统', action: `preAssessment.${conclusion}`, projectId: project().id, reason, detail: { approvedAmountFen: status.approvedAmountFen, score: status.score } });
    board.notify({ kind: 'decided', to: [input.submittedBy], title: `${route === 'targetReview' && conclusion === 'passed' ? '绩效目标审核通过' : CONCLUSION_ZH[conclusion]}：${app().name}`, projectName: app().name, reason });
    // a report passed after revision goes on to the budget division for the budget (004: 修改后的评估报告直接由预算科应用到预算安排环节)
    const budgetDivision = profile.revisedReportsTo;
    if (budgetDivision && route !== 'targetReview' && status.revision > 0 && (conclusion === 'passed' || conclusion === 'passedReduced')) {
      board.notify({
        kind: 'notice',
        to: [budgetDivision],
        title: `修改后的事前绩效评估报告：${app().name}`,
        projectName: app().name,
        reason: `${CONCLUSION_ZH[conclusion]}（修改${status.revision}次），核定金额 ${((status.approvedAmountFen ?? app().amountFen) / 100).toFixed(2)} 元，${app().deptId}/${app().unitId}，${app().year}年预算`,
      });
    }
    await board.drain();
    return { conclusion, approvedAmountFen: status.approvedAmountFen, score: status.score, revisions: status.revision };
  }
}

type FinanceReviewOutcome =
  | { kind: 'withdrawn' }
  | { kind: 'returned'; reason: string | null }
  | { kind: 'finding'; finding: Finding }
  | { kind: 'ended'; conclusion: 'delayed' | 'cancelled'; reason: string };

interface Finding {
  conclusion: PreAssessmentConclusion;
  score: number | null;
  approvedAmountFen: number | null;
}

const CONCLUSION_ZH: Record<PreAssessmentConclusion, string> = {
  passed: '事前评估通过',
  passedReduced: '核减后通过',
  failed: '事前评估未通过',
  withdrawn: '申报已撤回',
  abandoned: '申报已放弃',
  delayed: '预算缓批',
  cancelled: '预算取消',
};

/** tsc fails here when a task type gains an outcome the workflow does not handle. */
function unreachable(r: never): never {
  throw ApplicationFailure.nonRetryable(`unexpected outcome ${(r as { outcome: string }).outcome}`, 'UnexpectedOutcome');
}
