// The self-evaluation forms (自评表) of one execution, read top to bottom: each form's loop from the
// unit's filling to finance's filing, resumable where it stood after continue-as-new, and the wait for
// every form to be filed that continues as new when the history grows long. A department uses them
// for its overall and transfer self-evaluations (and, before batches, for every project's form); a
// batch of its projects (batch.ts) for one page's project forms.
import { allHandlersFinished, condition, patched, workflowInfo } from '@temporalio/workflow';
import type { ProjectSummary } from '../../contracts/finance/finance.zod';
import type { ClosingOutcome, ProjectRef, TaskResultOf } from '../../contracts/humanTask/tasks.zod';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { SelfEvaluationForm } from '../../contracts/evaluation/evaluation.zod';
import type { EvaluationProfile } from '../../contracts/evaluation/profile.zod';
import type { evaluation as manifest } from '../../contracts/evaluation/manifest.zod';
import { EVALUATION_TASKS, type DepartmentStatus, type Prefill, type SelfEvaluationItem } from '../../contracts/evaluation/names';
import { scoreSelfEvaluation, type ScoredIndicator, type Weights as EvaluationProfileWeights } from '../../contracts/evaluation/scoring';
import type { TaskBoard } from '../humanTask';

export type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;
type FillResult = TaskResultOf<Tasks, typeof EVALUATION_TASKS.fill, 'returned'>;

/** Where one open form stands, enough for a new run to wait on its task again and carry on. */
export interface Loop {
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

/** What the forms of one execution share. */
export interface FormsScope {
  board: TaskBoard<Tasks>;
  year: number;
  deptId: string;
  profile: EvaluationProfile;
  dueInMs: number;
  /** Each open form's place, by its ref (project id, overall:<dept>, transfer id). */
  loops: Map<string, Loop>;
  /** The project forms' items: a new form's goes here. */
  items: SelfEvaluationItem[];
  /** Where the overall and transfer self-evaluations' items go (the department's status). */
  whole: Pick<DepartmentStatus, 'overall' | 'transfers'>;
  /** Called when a form is filed. */
  publish(): void;
}

/** The form loops of one execution: a project's self-evaluation, and the department's overall or a transfer's. */
export function selfEvaluationForms(s: FormsScope) {
  const { board, year, deptId, profile, loops, publish } = s;
  const maxReturns = profile.selfEvaluation?.maxReturns ?? 5;
  return { selfEvaluate, wholeEvaluate };

  /** Asks, or (a new run resuming a carried loop) waits again on the task the loop stood at. */
  function step<R>(l: Loop, spec: Parameters<typeof board.ask>[0]): Promise<R> {
    const resumeKey = l.key;
    l.key = spec.key;
    if (resumeKey === spec.key) {
      if (board.openKeys().includes(spec.key)) return board.resume(spec.key) as unknown as Promise<R>;
      // decided before this run waited on it again (an Update in the new run's first workflow task,
      // delivered as the board took its handlers): the board kept the decision. Before (patched), the
      // form was asked again and the decision lost.
      if (patched(EARLY_DECISION)) {
        try {
          return board.resume(spec.key) as unknown as Promise<R>;
        } catch {
          // neither open nor decided (closed otherwise): asked again, as before
        }
      }
    }
    return board.ask(spec) as unknown as Promise<R>;
  }

  /**
   * The department's overall self-evaluation, or a transfer payment's: the department fills it with
   * its own indicators, the score is computed by the given weights, finance files it or returns it.
   */
  async function wholeEvaluate(kind: 'overall' | 'transfer', ref: string, name: string, exec: Prefill['execution'], weights: EvaluationProfileWeights, amountFen = exec?.availableFen ?? 0, resumed?: SelfEvaluationItem, at?: Loop): Promise<void> {
    const item: SelfEvaluationItem = resumed ?? { projectId: ref, name, unitId: deptId, amountFen, stage: 'filling', returns: 0, score: null, grade: null, filedAt: null };
    if (!resumed) {
      if (kind === 'overall') s.whole.overall = item;
      else s.whole.transfers?.push(item);
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
          dueInMs: s.dueInMs,
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
        dueInMs: s.dueInMs,
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
    if (!resumed) s.items.push(item);
    const l: Loop = at ?? { kind: 'project', pre, stage: 'filling', key: null, returnReason: null, form: null, preparer: '', signedBy: '', reviewedBy: '' };
    loops.set(pre.projectId, l);
    const project: ProjectRef = { id: pre.projectId, name: pre.name, code: pre.projectId, deptId: pre.deptId, unitId: pre.unitId, amountFen: pre.amountFen };
    const common = { project, dueInMs: s.dueInMs, notifySubmitter: false } as const;
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

export interface CarryOptions {
  board: TaskBoard<Tasks>;
  loops: Map<string, Loop>;
  /** Everything the execution waits for is done (every form filed, and whatever else it waits for). */
  done: () => boolean;
  /** A run continues as new past this many events (or when Temporal suggests it); default 5,000. */
  continueAfterEvents?: number;
  /** The most a continue-as-new may carry, in JSON characters; default 1,500,000 (under Temporal's 2 MB payload limit). */
  continueCarryLimit?: number;
  /** The execution's input as given (it is carried too, so its size counts). */
  raw: unknown;
  /** What a new run resumes from, built once the board is drained and every open form waits on its task. */
  carry: () => unknown;
  /** The audit records' detail (year, department, batch). */
  detail: Record<string, unknown>;
  /** The number of the next run. */
  run: number;
  /** Besides every form waiting on its task: what else must be settled before carrying (absent: nothing). */
  settled?: () => boolean;
}

/**
 * Waits until done (null), or until the history grows long and every open form waits on its task:
 * then what to carry to the next run (the caller continues as new with it). Too much to carry (over
 * continueCarryLimit): records evaluation.continueAsNewDeferred and carries on in this run, trying
 * again later, when fewer forms are open.
 */
export async function filedOrCarried(o: CarryOptions): Promise<unknown> {
  const { board, loops, done } = o;
  let maxEvents = o.continueAfterEvents ?? 5000;
  const carryLimit = o.continueCarryLimit ?? 1_500_000;
  let deferredAt = 0;
  const tooLong = (): boolean => (board.continueAsNewAdvised() && workflowInfo().historyLength > deferredAt) || workflowInfo().historyLength > maxEvents;
  /** Every open form waits on an open task: the state a new run resumes from. */
  const quiet = (): boolean => {
    if (o.settled && !o.settled()) return false;
    const open = new Set(board.openKeys());
    for (const l of loops.values()) if (!l.key || !open.has(l.key)) return false;
    return true;
  };
  for (;;) {
    await condition(() => done() || tooLong());
    if (done()) return null;
    await condition(() => done() || quiet());
    if (done()) return null;
    await board.drain();
    await condition(allHandlersFinished);
    if (done() || !quiet()) continue;
    const size = JSON.stringify(o.carry()).length + JSON.stringify(o.raw).length;
    if (size > carryLimit) {
      // too many open forms to carry under Temporal's payload limit: carry on here, try again later
      const h = workflowInfo().historyLength;
      board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continueAsNewDeferred', detail: { ...o.detail, open: loops.size, carry: size, limit: carryLimit, historyLength: h } });
      deferredAt = h + Math.max(100, Math.floor(maxEvents / 2));
      maxEvents = h + Math.max(100, Math.floor(maxEvents / 2));
      continue;
    }
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continuedAsNew', detail: { ...o.detail, open: loops.size, run: o.run, historyLength: workflowInfo().historyLength } });
    const before = standing();
    await board.drain();
    // a decision that came in while the last writes went out moved a form (its next task not written
    // yet) or is still being answered: carrying now would lose it; try again (patched: a run from
    // before carried it as it stood)
    if ((!allHandlersFinished() || standing() !== before || !quiet()) && patched(CARRY_RECHECK)) continue;
    return o.carry();
  }

  /** Where every open form stands: which tasks are open, and each loop's stage and task. */
  function standing(): string {
    return JSON.stringify([board.openKeys(), [...loops].map(([ref, l]) => [ref, l.stage, l.key])]);
  }
}

/** A carried form decided before its new run waited on it again takes that decision (see step in selfEvaluationForms). */
const EARLY_DECISION = 'jixiao.evaluation.resume-early-decision';
/** A continue-as-new carries nothing a decision moved during its last write (see filedOrCarried). */
const CARRY_RECHECK = 'jixiao.evaluation.carry-after-late-decision';

/** A project's pre-fill from finance's summary, the pre-fill activity's targets, its year-end execution and its monitoring results. */
export function prefillOf(p: Pick<ProjectSummary, 'id' | 'name' | 'deptId' | 'unitId' | 'originalFen' | 'industry'>, t: Pick<Prefill, 'targets' | 'targetsSource' | 'projectLibrary' | 'targetsReason' | 'libraryCandidates'>, e: Prefill['execution'], monitoring: Prefill['monitoring']): Prefill {
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
