// A department's self-evaluations (部门自评) of one budget year, read top to bottom: its projects are
// read from finance page by page, each gets a form pre-filled with its targets, its year-end
// execution and its monitoring results (null when none), in its unit's inbox; the unit fills in the actual
// values, the score is computed from them, the unit head signs, the department reviews and submits
// or returns, finance files or returns. Every project's form is one task on one board. Beside them
// (patched 'jixiao.evaluation.overall-and-transfers'): the department's overall self-evaluation
// (部门整体自评) and one per transfer payment to lower levels (转移支付), each filled by the
// department with its own indicators, scored by the profile's overall or transfer weights on the
// execution of the department's (or the transfer's) projects, filed or returned by finance.
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { FinanceActivities } from '../../activities/finance';
import type { EvaluationActivities } from '../../activities/evaluation';
import type { Execution, ProjectSummary } from '../../contracts/finance/finance.zod';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { ClosingOutcome, ProjectRef, TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { EvaluationDepartmentInput, SelfEvaluationForm } from '../../contracts/evaluation/evaluation.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { departmentStatusQuery, EVALUATION_TASKS, type DepartmentStatus, type Prefill, type SelfEvaluationItem } from '../../contracts/evaluation/names';
import { scoreSelfEvaluation, type ScoredIndicator, type Weights as EvaluationProfileWeights } from '../../contracts/evaluation/scoring';
import { TaskBoard, type BoardSnapshot } from '../humanTask';

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

/** Where one open form stands, enough for a new run to wait on its task again and carry on. */
interface Loop {
  kind: 'project' | 'overall' | 'transfer';
  pre: Prefill;
  stage: 'filling' | 'signing' | 'departmentReview' | 'financeReview';
  /** The open task's key the loop waits on (null while between tasks). */
  key: string | null;
  returnReason: string | null;
  form: SelfEvaluationForm | null;
  preparer: string;
  signedBy: string;
  reviewedBy: string;
  weights?: EvaluationProfileWeights;
}
/** What a department carries across continue-as-new (patched 'jixiao.evaluation.department-continue-as-new'). */
interface Carried {
  board: BoardSnapshot;
  status: DepartmentStatus;
  loops: Array<[string, Loop]>;
  runs: number;
}

export async function evaluationDepartment(raw: EvaluationDepartmentInput): Promise<DepartmentResult> {
  const parsed = check<Input>(EVALUATION_SCHEMAS.EvaluationDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { profile, year, deptId } = input;
  const carried = input.restore as Carried | undefined;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES, urgeWindowMs: input.urgeWindowMs, restore: carried?.board });
  const status: DepartmentStatus = carried?.status ?? { year, deptId, pagesRead: 0, opened: false, items: [] };
  /** Each open form's place, by its ref (project id, overall:<dept>, transfer id). */
  const loops = new Map<string, Loop>(carried?.loops ?? []);
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

  const running: Array<Promise<void>> = [];
  if (carried) {
    // a new run: every open form waits on its task again, where it stood
    for (const [ref, l] of loops) {
      const item = l.kind === 'project' ? status.items.find((i) => i.projectId === ref) : l.kind === 'overall' ? status.overall : status.transfers?.find((i) => i.projectId === ref);
      if (!item) continue;
      running.push(l.kind === 'project' ? selfEvaluate(l.pre, item, l) : wholeEvaluate(l.kind, ref, l.pre.name, l.pre.execution, l.weights ?? profile.weights, l.pre.amountFen, item, l));
    }
    publish();
    return finish(carried.runs);
  }

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
  /** A transfer payment's county projects, for its execution. */
  const transferProjects = new Map<string, string[]>();
  cursor = undefined;
  do {
    const page: { items: ProjectSummary[]; nextCursor: string | null } = await finance.financeListProjects({ deptId, year, expenditure: 'project', cursor, limit: input.pageSize });
    status.pagesRead++;
    const projects = page.items.filter((p) => !p.transferId); // a transfer's county projects are the lower level's
    for (const p of page.items) if (p.transferId) transferProjects.set(p.transferId, [...(transferProjects.get(p.transferId) ?? []), p.id]);
    const prefill = projects.length ? await own.evaluationPrefill({ year, projects: projects.map((p) => ({ id: p.id, industry: p.industry, deptId: p.deptId, unitId: p.unitId, name: p.name })) }) : { targets: {}, monitoring: {} };
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
  if (patched('jixiao.evaluation.overall-and-transfers')) {
    status.overall = null;
    status.transfers = [];
    const rate = (ids: string[]): Prefill['execution'] => {
      let availableFen = 0;
      let paidFen = 0;
      for (const id of ids) {
        const e = execution.get(id);
        if (e) [availableFen, paidFen] = [availableFen + e.availableFen, paidFen + e.paidFen];
      }
      return { availableFen, paidFen, executionRateBp: availableFen > 0 ? Math.floor((paidFen * 10000) / availableFen) : 0 };
    };
    const ownIds = status.items.map((i) => i.projectId);
    running.push(wholeEvaluate('overall', `overall:${deptId}`, `${year}年度部门整体绩效自评（${deptId}）`, rate(ownIds), profile.overallWeights ?? profile.weights));
    const transfers = await own.evaluationListTransfers({ year, deptId });
    for (const t of transfers) running.push(wholeEvaluate('transfer', t.id, `${year}年度转移支付绩效自评：${t.name}`, rate(transferProjects.get(t.id) ?? []), profile.transferWeights ?? profile.weights, t.totalFen));
    board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.wholeFormsOpened', detail: { year, deptId, overall: 1, transfers: transfers.map((t) => t.id) } });
    publish();
  }

  return finish(0);

  /** Waits for every form to be filed, continuing as new when the history grows long (carrying every open form). */
  async function finish(runs: number): Promise<DepartmentResult> {
    let done = false;
    void Promise.all(running).then(() => void (done = true));
    if (carried || patched('jixiao.evaluation.department-continue-as-new')) {
      let maxEvents = input.continueAfterEvents ?? 5000;
      const carryLimit = input.continueCarryLimit ?? 1_500_000;
      let deferredAt = 0;
      const tooLong = (): boolean => (board.continueAsNewAdvised() && workflowInfo().historyLength > deferredAt) || workflowInfo().historyLength > maxEvents;
      /** Every open form waits on an open task: the state a new run resumes from. */
      const quiet = (): boolean => {
        const open = new Set(board.openKeys());
        for (const l of loops.values()) if (!l.key || !open.has(l.key)) return false;
        return true;
      };
      for (;;) {
        await condition(() => done || tooLong());
        if (done) break;
        await condition(() => done || quiet());
        if (done) break;
        await board.drain();
        await condition(allHandlersFinished);
        if (done || !quiet()) continue;
        const probe: Carried = { board: board.snapshot(), status, loops: [...loops], runs: runs + 1 };
        const size = JSON.stringify(probe).length + JSON.stringify(raw).length;
        if (size > carryLimit) {
          // too many open forms to carry under Temporal's payload limit: carry on here, try again later
          const h = workflowInfo().historyLength;
          board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continueAsNewDeferred', detail: { year, deptId, open: loops.size, carry: size, limit: carryLimit, historyLength: h } });
          deferredAt = h + Math.max(100, Math.floor(maxEvents / 2));
          maxEvents = h + Math.max(100, Math.floor(maxEvents / 2));
          continue;
        }
        board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continuedAsNew', detail: { year, deptId, open: loops.size, run: runs + 1, historyLength: workflowInfo().historyLength } });
        await board.drain();
        const next: Carried = { board: board.snapshot(), status, loops: [...loops], runs: runs + 1 };
        return await continueAsNew<typeof evaluationDepartment>({ ...raw, restore: next as unknown as Record<string, unknown> });
      }
    } else await Promise.all(running);
    publish();
    await board.drain();
    const grades: Record<string, number> = {};
    for (const i of status.items) if (i.grade) grades[i.grade] = (grades[i.grade] ?? 0) + 1;
    return { deptId, projects: status.items.length, filed: status.items.filter((i) => i.stage === 'filed').length, grades };
  }

  /** Asks, or (a new run resuming a carried loop) waits again on the task the loop stood at. */
  function step<R>(l: Loop, spec: Parameters<typeof board.ask>[0]): Promise<R> {
    const resumeKey = l.key;
    l.key = spec.key;
    if (resumeKey === spec.key && board.openKeys().includes(spec.key)) return board.resume(spec.key) as unknown as Promise<R>;
    return board.ask(spec) as unknown as Promise<R>;
  }

  /**
   * The department's overall self-evaluation, or a transfer payment's: the department fills it with
   * its own indicators, the score is computed by the given weights, finance files it or returns it.
   */
  async function wholeEvaluate(kind: 'overall' | 'transfer', ref: string, name: string, exec: Prefill['execution'], weights: EvaluationProfileWeights, amountFen = exec?.availableFen ?? 0, resumed?: SelfEvaluationItem, at?: Loop): Promise<void> {
    const item: SelfEvaluationItem = resumed ?? { projectId: ref, name, unitId: deptId, amountFen, stage: 'filling', returns: 0, score: null, grade: null, filedAt: null };
    if (!resumed) {
      if (kind === 'overall') status.overall = item;
      else status.transfers?.push(item);
    }
    const pre: Prefill = at?.pre ?? { projectId: ref, name, deptId, unitId: deptId, amountFen, industry: '', targets: [], targetsSource: 'library', execution: exec, monitoring: null };
    const l: Loop = at ?? { kind, pre, stage: 'filling', key: null, returnReason: null, form: null, preparer: '', signedBy: '', reviewedBy: '', weights };
    loops.set(ref, l);
    const project: ProjectRef = { id: ref, name, code: ref, deptId, unitId: deptId, amountFen };
    const safe = ref.replace(/[^A-Za-z0-9_.-]/g, '_'); // a task key's characters
    for (;;) {
      const round = item.returns;
      if (l.stage === 'filling') {
        item.stage = 'filling';
        const fill: TaskResultOf<Tasks, typeof EVALUATION_TASKS.overall, 'returned'> = await step(l, {
          key: `${kind}-${safe}-${round}`,
          type: kind === 'overall' ? EVALUATION_TASKS.overall : EVALUATION_TASKS.transfer,
          title: name,
          project,
          dueInMs: input.dueInMs,
          candidateGroups: [`competent_reviewer@${deptId}`],
          context: { kind, prefill: pre, weights, returnReason: l.returnReason, round },
        });
        l.key = null;
        if (fill.outcome !== 'submit') continue;
        const scored = scoredIndicators(pre, fill.form);
        if (typeof scored === 'string') {
          l.returnReason = scored;
          item.returns++;
          board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.formRefused', projectId: ref, reason: scored });
          continue;
        }
        item.score = scoreSelfEvaluation(scored, exec?.executionRateBp ?? 0, weights, profile.grades);
        item.grade = item.score.grade;
        l.form = fill.form;
        l.preparer = fill.decidedBy;
        board.record({ actorId: fill.decidedBy, actorName: fill.decidedBy, action: 'evaluation.selfEvaluated', projectId: ref, detail: { kind, score: item.score.total, grade: item.grade, round } });
        l.stage = 'financeReview';
      }
      item.stage = 'financeReview';
      const filing: TaskResultOf<Tasks, typeof EVALUATION_TASKS.file, ClosingOutcome> = await step(l, {
        key: `file-${safe}-${round}`,
        type: EVALUATION_TASKS.file,
        title: `自评财政审核备案：${name}`,
        project,
        dueInMs: input.dueInMs,
        notifySubmitter: false,
        candidateGroups: ['finance_performance@FIN'],
        submittedBy: l.preparer,
        context: { kind, prefill: pre, form: l.form, score: item.score, round },
      });
      l.key = null;
      if (filing.outcome === 'file' || item.returns >= maxReturns) break;
      l.returnReason = filing.outcome === 'sendBack' ? filing.form.comment : (filing.comment ?? '退回');
      item.returns++;
      l.stage = 'filling';
      board.record({ actorId: filing.decidedBy, actorName: filing.decidedBy, action: 'evaluation.returned', projectId: ref, reason: l.returnReason, detail: { kind, returns: item.returns } });
    }
    loops.delete(ref);
    item.stage = 'filed';
    item.filedAt = new Date().toISOString();
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.filed', projectId: ref, detail: { kind, score: item.score?.total ?? null, grade: item.grade, returns: item.returns } });
    publish();
  }

  /** One project's self-evaluation, from the unit's form to finance's filing (resumed where it stood after continue-as-new). */
  async function selfEvaluate(pre: Prefill, resumed?: SelfEvaluationItem, at?: Loop): Promise<void> {
    const item: SelfEvaluationItem = resumed ?? { projectId: pre.projectId, name: pre.name, unitId: pre.unitId, amountFen: pre.amountFen, stage: 'filling', returns: 0, score: null, grade: null, filedAt: null };
    if (!resumed) status.items.push(item);
    const l: Loop = at ?? { kind: 'project', pre, stage: 'filling', key: null, returnReason: null, form: null, preparer: '', signedBy: '', reviewedBy: '' };
    loops.set(pre.projectId, l);
    const project: ProjectRef = { id: pre.projectId, name: pre.name, code: pre.projectId, deptId: pre.deptId, unitId: pre.unitId, amountFen: pre.amountFen };
    const common = { project, dueInMs: input.dueInMs, notifySubmitter: false } as const;
    for (;;) {
      const round = item.returns;
      if (l.stage === 'filling') {
        item.stage = 'filling';
        const fill: FillResult = await step(l, {
          ...common,
          key: `fill-${pre.projectId}-${round}`,
          type: EVALUATION_TASKS.fill,
          title: `${year}年度项目绩效自评：${pre.name}`,
          candidateGroups: [`unit_preparer@${pre.unitId}`],
          context: { prefill: pre, returnReason: l.returnReason, round, previous: l.form },
        });
        l.key = null;
        if (fill.outcome !== 'submit') continue; // returned to the group: ask again
        const scored = scoredIndicators(pre, fill.form);
        if (typeof scored === 'string') {
          // the form does not match its targets: back to the unit, with the reason
          l.returnReason = scored;
          item.returns++;
          board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.formRefused', projectId: pre.projectId, reason: scored });
          continue;
        }
        l.form = fill.form;
        item.score = scoreSelfEvaluation(scored, pre.execution?.executionRateBp ?? 0, profile.weights, profile.grades);
        item.grade = item.score.grade;
        l.preparer = fill.decidedBy;
        board.record({ actorId: l.preparer, actorName: l.preparer, action: 'evaluation.selfEvaluated', projectId: pre.projectId, detail: { score: item.score.total, grade: item.grade, round } });
        l.stage = 'signing';
      }
      const withForm = { prefill: pre, form: l.form, score: item.score, round };

      if (l.stage === 'signing') {
        item.stage = 'signing';
        const sign: TaskResultOf<Tasks, typeof EVALUATION_TASKS.sign, 'returned'> = await step(l, { ...common, key: `sign-${pre.projectId}-${round}`, type: EVALUATION_TASKS.sign, title: `自评报告签字：${pre.name}`, candidateGroups: [`unit_head@${pre.unitId}`], excludeUsers: [l.preparer], context: withForm });
        l.key = null;
        if (sign.outcome !== 'sign') {
          if (sendBack(sign.outcome === 'sendBack' ? sign.form.comment : (sign.comment ?? '退回'))) continue;
          break;
        }
        l.signedBy = sign.decidedBy;
        l.stage = 'departmentReview';
      }

      if (l.stage === 'departmentReview') {
        item.stage = 'departmentReview';
        const review: TaskResultOf<Tasks, typeof EVALUATION_TASKS.departmentReview, 'returned'> = await step(l, {
          ...common,
          key: `review-${pre.projectId}-${round}`,
          type: EVALUATION_TASKS.departmentReview,
          title: `自评部门审核：${pre.name}`,
          candidateGroups: [`competent_reviewer@${pre.deptId}`],
          submittedBy: l.preparer,
          context: { ...withForm, signedBy: l.signedBy },
        });
        l.key = null;
        if (review.outcome !== 'submit') {
          if (sendBack(review.outcome === 'sendBack' ? review.form.comment : (review.comment ?? '撤回修改'))) continue;
          break;
        }
        l.reviewedBy = review.decidedBy;
        l.stage = 'financeReview';
      }

      item.stage = 'financeReview';
      const filing: TaskResultOf<Tasks, typeof EVALUATION_TASKS.file, 'returned'> = await step(l, {
        ...common,
        key: `file-${pre.projectId}-${round}`,
        type: EVALUATION_TASKS.file,
        title: `自评财政审核备案：${pre.name}`,
        candidateGroups: ['finance_performance@FIN'],
        submittedBy: l.preparer,
        context: { ...withForm, signedBy: l.signedBy, reviewedBy: l.reviewedBy },
      });
      l.key = null;
      if (filing.outcome !== 'file') {
        if (sendBack(filing.outcome === 'sendBack' ? filing.form.comment : (filing.comment ?? '撤回修改'))) continue;
        break;
      }
      break;
    }
    loops.delete(pre.projectId);
    item.stage = 'filed';
    item.filedAt = new Date().toISOString();
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.filed', projectId: pre.projectId, detail: { score: item.score?.total ?? null, grade: item.grade, returns: item.returns } });
    board.notify({ kind: 'decided', to: [l.preparer], title: `自评已备案：${pre.name}（${item.grade ?? '-'}）`, projectName: pre.name });
    publish();

    /** A return (退回): true to fill again; false after the profile's last return (filed as it stands). */
    function sendBack(reason: string): boolean {
      if (item.returns >= maxReturns) {
        board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.returnsExhausted', projectId: pre.projectId, reason });
        return false;
      }
      item.returns++;
      l.returnReason = reason;
      l.stage = 'filling';
      board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.returned', projectId: pre.projectId, reason, detail: { returns: item.returns } });
      return true;
    }
  }
}

function prefillOf(p: ProjectSummary, t: Pick<Prefill, 'targets' | 'targetsSource' | 'projectLibrary' | 'targetsReason' | 'libraryCandidates'>, e: Prefill['execution'], monitoring: Prefill['monitoring']): Prefill {
  // the library entry's approved amount, or why none was taken, rides along only when the activity gave one (a recorded history's answer has none)
  return {
    projectId: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.originalFen, industry: p.industry, targets: t.targets, targetsSource: t.targetsSource,
    ...(t.projectLibrary ? { projectLibrary: t.projectLibrary } : {}),
    ...(t.targetsReason ? { targetsReason: t.targetsReason, libraryCandidates: t.libraryCandidates ?? [] } : {}),
    execution: e, monitoring,
  };
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
