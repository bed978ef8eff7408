// A department's self-evaluations (部门自评) of one budget year, read top to bottom: its projects are
// read from finance page by page, each gets a form pre-filled with its targets, its year-end
// execution and its monitoring results (null when none), in its unit's inbox; the unit fills in the actual
// values, the score is computed from them, the unit head signs, the department reviews and submits
// or returns, finance files or returns. Every project's form is one task on one board.
import { ApplicationFailure, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { FinanceActivities } from '../../activities/finance';
import type { EvaluationActivities } from '../../activities/evaluation';
import type { Execution, ProjectSummary } from '../../contracts/finance/finance.zod';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { ProjectRef, TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { EvaluationDepartmentInput, SelfEvaluationForm } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { departmentStatusQuery, EVALUATION_TASKS, type DepartmentStatus, type Prefill, type SelfEvaluationItem } from '../../contracts/evaluation/names';
import { scoreSelfEvaluation, type ScoredIndicator } from '../../contracts/evaluation/scoring';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;

const finance = proxyActivities<FinanceActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10 } });
const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 10 } });

export interface DepartmentResult {
  deptId: string;
  projects: number;
  filed: number;
  grades: Record<string, number>;
}

type FillResult = TaskResultOf<Tasks, typeof EVALUATION_TASKS.fill, 'returned'>;
type Input = Required<Pick<EvaluationDepartmentInput, 'pageSize'>> & EvaluationDepartmentInput;

export async function evaluationDepartment(raw: EvaluationDepartmentInput): Promise<DepartmentResult> {
  const parsed = check<Input>(EVALUATION_SCHEMAS.EvaluationDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { profile, year, deptId } = input;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES, urgeWindowMs: input.urgeWindowMs });
  const status: DepartmentStatus = { year, deptId, pagesRead: 0, opened: false, items: [] };
  setHandler(departmentStatusQuery, () => status);
  const maxReturns = profile.selfEvaluation?.maxReturns ?? 5;

  const publish = (): void => {
    const open = status.items.filter((i) => i.stage !== 'filed').length;
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoDeptId, value: deptId },
      { key: SA.JixiaoStage, value: status.opened && open === 0 ? 'filed' : 'selfEvaluation' },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({
      projectId: workflowInfo().workflowId,
      projectName: `${year}年度绩效自评（${deptId}）`,
      deptId,
      unitId: deptId,
      stage: status.opened && open === 0 ? 'filed' : 'selfEvaluation',
      status: status.opened && open === 0 ? 'completed' : 'running',
      startedBy: input.openedBy,
      summary: { year, projects: status.items.length, filed: status.items.length - open },
    });
  };

  // Year-end execution of the department's projects (预算执行率), page by page.
  const execution = new Map<string, Pick<Execution, 'availableFen' | 'paidFen' | 'executionRateBp'>>();
  let cursor: string | undefined;
  do {
    const page: { items: Execution[]; nextCursor: string | null } = await finance.financeListExecution({ year, asOf: `${year}-12-31`, deptId, expenditure: 'project', cursor, limit: input.pageSize });
    for (const e of page.items) execution.set(e.projectId, { availableFen: e.availableFen, paidFen: e.paidFen, executionRateBp: e.executionRateBp });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  // The projects (项目支出: basic expenditure is the department's overall self-evaluation's), page by
  // page: each page's forms open as soon as it is read.
  const running: Array<Promise<void>> = [];
  cursor = undefined;
  do {
    const page: { items: ProjectSummary[]; nextCursor: string | null } = await finance.financeListProjects({ deptId, year, expenditure: 'project', cursor, limit: input.pageSize });
    status.pagesRead++;
    const projects = page.items.filter((p) => !p.transferId); // a transfer's county projects are the lower level's
    const prefill = projects.length ? await own.evaluationPrefill({ year, projects: projects.map((p) => ({ id: p.id, industry: p.industry })) }) : { targets: {}, monitoring: {} };
    for (const p of projects) {
      const t = prefill.targets[p.id] ?? { targets: [], targetsSource: 'library' as const };
      running.push(selfEvaluate(prefillOf(p, t, execution.get(p.id) ?? null, prefill.monitoring[p.id] ?? null)));
    }
    cursor = page.nextCursor ?? undefined;
    publish();
  } while (cursor);
  status.opened = true;
  board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.formsOpened', detail: { year, deptId, projects: status.items.length, pages: status.pagesRead } });
  publish();

  await Promise.all(running);
  publish();
  await board.drain();
  const grades: Record<string, number> = {};
  for (const i of status.items) if (i.grade) grades[i.grade] = (grades[i.grade] ?? 0) + 1;
  return { deptId, projects: status.items.length, filed: status.items.filter((i) => i.stage === 'filed').length, grades };

  /** One project's self-evaluation, from the unit's form to finance's filing. */
  async function selfEvaluate(pre: Prefill): Promise<void> {
    const item: SelfEvaluationItem = { projectId: pre.projectId, name: pre.name, unitId: pre.unitId, amountFen: pre.amountFen, stage: 'filling', returns: 0, score: null, grade: null, filedAt: null };
    status.items.push(item);
    const project: ProjectRef = { id: pre.projectId, name: pre.name, code: pre.projectId, deptId: pre.deptId, unitId: pre.unitId, amountFen: pre.amountFen };
    const common = { project, dueInMs: input.dueInMs, notifySubmitter: false } as const;
    let returnReason: string | null = null;
    let form: SelfEvaluationForm | null = null;
    let preparer = '';
    for (;;) {
      const round = item.returns;
      item.stage = 'filling';
      const fill: FillResult = await board.ask({
        ...common,
        key: `fill-${pre.projectId}-${round}`,
        type: EVALUATION_TASKS.fill,
        title: `${year}年度项目绩效自评：${pre.name}`,
        candidateGroups: [`unit_preparer@${pre.unitId}`],
        context: { prefill: pre, returnReason, round, previous: form },
      });
      if (fill.outcome !== 'submit') continue; // returned to the group: ask again
      const scored = scoredIndicators(pre, fill.form);
      if (typeof scored === 'string') {
        // the form does not match its targets: back to the unit, with the reason
        returnReason = scored;
        item.returns++;
        board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.formRefused', projectId: pre.projectId, reason: scored });
        continue;
      }
      form = fill.form;
      item.score = scoreSelfEvaluation(scored, pre.execution?.executionRateBp ?? 0, profile.weights, profile.grades);
      item.grade = item.score.grade;
      preparer = fill.decidedBy;
      board.record({ actorId: preparer, actorName: preparer, action: 'evaluation.selfEvaluated', projectId: pre.projectId, detail: { score: item.score.total, grade: item.grade, round } });
      const withForm = { prefill: pre, form, score: item.score, round };

      item.stage = 'signing';
      const sign = await board.ask({ ...common, key: `sign-${pre.projectId}-${round}`, type: EVALUATION_TASKS.sign, title: `自评报告签字：${pre.name}`, candidateGroups: [`unit_head@${pre.unitId}`], excludeUsers: [preparer], context: withForm });
      if (sign.outcome !== 'sign') {
        if (sendBack(sign.outcome === 'sendBack' ? sign.form.comment : (sign.comment ?? '退回'))) continue;
        break;
      }

      item.stage = 'departmentReview';
      const review = await board.ask({
        ...common,
        key: `review-${pre.projectId}-${round}`,
        type: EVALUATION_TASKS.departmentReview,
        title: `自评部门审核：${pre.name}`,
        candidateGroups: [`competent_reviewer@${pre.deptId}`],
        submittedBy: preparer,
        context: { ...withForm, signedBy: sign.decidedBy },
      });
      if (review.outcome !== 'submit') {
        if (sendBack(review.outcome === 'sendBack' ? review.form.comment : (review.comment ?? '撤回修改'))) continue;
        break;
      }

      item.stage = 'financeReview';
      const filing = await board.ask({
        ...common,
        key: `file-${pre.projectId}-${round}`,
        type: EVALUATION_TASKS.file,
        title: `自评财政审核备案：${pre.name}`,
        candidateGroups: ['finance_performance@FIN'],
        submittedBy: preparer,
        context: { ...withForm, signedBy: sign.decidedBy, reviewedBy: review.decidedBy },
      });
      if (filing.outcome !== 'file') {
        if (sendBack(filing.outcome === 'sendBack' ? filing.form.comment : (filing.comment ?? '撤回修改'))) continue;
        break;
      }
      break;
    }
    item.stage = 'filed';
    item.filedAt = new Date().toISOString();
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.filed', projectId: pre.projectId, detail: { score: item.score?.total ?? null, grade: item.grade, returns: item.returns } });
    board.notify({ kind: 'decided', to: [preparer], title: `自评已备案：${pre.name}（${item.grade ?? '-'}）`, projectName: pre.name });
    publish();

    /** A return (退回): true to fill again; false after the profile's last return (filed as it stands). */
    function sendBack(reason: string): boolean {
      if (item.returns >= maxReturns) {
        board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.returnsExhausted', projectId: pre.projectId, reason });
        return false;
      }
      item.returns++;
      returnReason = reason;
      board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.returned', projectId: pre.projectId, reason, detail: { returns: item.returns } });
      return true;
    }
  }
}

function prefillOf(p: ProjectSummary, t: Pick<Prefill, 'targets' | 'targetsSource'>, e: Prefill['execution'], monitoring: Prefill['monitoring']): Prefill {
  return { projectId: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.originalFen, industry: p.industry, targets: t.targets, targetsSource: t.targetsSource, execution: e, monitoring };
}

/**
 * The form's indicators against the pre-filled targets, ready to score; a string saying what is
 * wrong when an indicator is missing, unknown, lacks its target, or changes an approved one.
 */
export function scoredIndicators(pre: Prefill, form: SelfEvaluationForm): ScoredIndicator[] | string {
  const reported = new Map(form.indicators.map((i) => [i.name, i]));
  const out: ScoredIndicator[] = [];
  for (const t of pre.targets) {
    const r = reported.get(t.name);
    if (!r) return `指标“${t.name}”未填报实际完成值`;
    reported.delete(t.name);
    if (t.target !== null && r.target !== undefined && r.target !== t.target) return `指标“${t.name}”的目标值为批复值 ${t.target}，不可修改`;
    const target = t.target ?? r.target;
    if (target === undefined) return `指标“${t.name}”须填写目标值`;
    out.push({ kind: t.kind, name: t.name, target, direction: t.direction, actual: r.actual, completionPct: r.completionPct ?? null });
  }
  for (const r of reported.values()) {
    // the unit's own indicator: scored when it says what it is
    if (!r.kind || !r.direction || r.target === undefined) return `指标“${r.name}”不在绩效目标中：须写明指标类别、方向和目标值`;
    out.push({ kind: r.kind, name: r.name, target: r.target, direction: r.direction, actual: r.actual, completionPct: r.completionPct ?? null });
  }
  if (!out.length) return '没有可评分的绩效指标';
  return out;
}
