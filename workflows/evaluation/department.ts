// A department's self-evaluations (部门自评) of one budget year, read top to bottom: its projects are
// read from finance page by page, each gets a form pre-filled with its targets, its year-end
// execution and its monitoring results (null when none), in its unit's inbox; the unit fills in the actual
// values, the score is computed from them, the unit head signs, the department reviews and submits
// or returns, finance files or returns (forms.ts). Each page's forms are a batch of their own, a child
// workflow (batch.ts, patched 'jixiao.evaluation.department-batches'; before it every project's form was
// a task on the department's one board): no execution holds more than one page's forms, each batch
// continues as new on its own, and reports its counts to the department by signal, which adds them up
// for its status and continues as new carrying only those and its own forms. Beside them (patched
// 'jixiao.evaluation.overall-and-transfers'): the department's overall self-evaluation (部门整体自评)
// and one per transfer payment to lower levels (转移支付), each filled by the department with its own
// indicators, scored by the profile's overall or transfer weights on the execution of the
// department's (or the transfer's) projects, filed or returned by finance.
import { ApplicationFailure, condition, continueAsNew, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { FinanceActivities } from '../../activities/finance';
import type { EvaluationActivities } from '../../activities/evaluation';
import type { Execution, ProjectSummary } from '../../contracts/finance/finance.zod';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { EvaluationDepartmentInput } from '../../contracts/evaluation/evaluation.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { addTotals, batchReportSignal, departmentStatusQuery, emptyTotals, EVALUATION_WORKFLOWS, evaluationBatchId, type DepartmentStatus, type Prefill, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import type { evaluationBatch } from './batch';
import { TaskBoard, type BoardSnapshot } from '../humanTask';
import { filedOrCarried, prefillOf, selfEvaluationForms, type Loop, type Tasks } from './forms';

const finance = proxyActivities<FinanceActivities>({ startToCloseTimeout: '1 minute', retry: EVALUATION_RETRY });
const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '2 minutes', retry: EVALUATION_RETRY });

export interface DepartmentResult {
  deptId: string;
  projects: number;
  filed: number;
  grades: Record<string, number>;
}

type Input = Required<Pick<EvaluationDepartmentInput, 'pageSize'>> & EvaluationDepartmentInput;

/** What a department carries across continue-as-new (patched 'jixiao.evaluation.department-continue-as-new'). */
interface Carried {
  board: BoardSnapshot;
  status: DepartmentStatus;
  loops: Array<[string, Loop]>;
  runs: number;
  /** Each page's forms in a batch of their own (absent: a run from before, every form here). */
  batched?: boolean;
}

export async function evaluationDepartment(raw: EvaluationDepartmentInput): Promise<DepartmentResult> {
  const parsed = check<Input>(EVALUATION_SCHEMAS.EvaluationDepartmentInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { profile, year, deptId } = input;
  const carried = input.restore as Carried | undefined;
  const batched = carried ? carried.batched === true : patched('jixiao.evaluation.department-batches');
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES, urgeWindowMs: input.urgeWindowMs, restore: carried?.board });
  const status: DepartmentStatus = carried?.status ?? (batched ? { year, deptId, pagesRead: 0, opened: false, items: [], batches: [], totals: emptyTotals() } : { year, deptId, pagesRead: 0, opened: false, items: [] });
  /** Each open form's place, by its ref (project id, overall:<dept>, transfer id). */
  const loops = new Map<string, Loop>(carried?.loops ?? []);
  setHandler(departmentStatusQuery, () => status);
  const batches = status.batches ?? [];
  /** The search attributes and the process row as last written (with batches: written again only when they change). */
  let published = '';
  const publish = (): void => {
    const whole = [...(status.overall ? [status.overall] : []), ...(status.transfers ?? [])];
    const projects = batched ? (status.totals?.projects ?? 0) : status.items.length;
    // before batches the overall and transfer forms did not count here (kept so for those runs)
    const open = batched ? projects - (status.totals?.byStage.filed ?? 0) + whole.filter((i) => i.stage !== 'filed').length : status.items.filter((i) => i.stage !== 'filed').length;
    if (batched) {
      const now = JSON.stringify([status.opened, open, projects, status.totals?.byStage.filed, board.openCount()]);
      if (now === published) return;
      published = now;
    }
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
      summary: { year, projects, filed: batched ? (status.totals?.byStage.filed ?? 0) : status.items.length - open },
    });
  };

  if (batched) {
    // a batch's counts, whenever they change: the latest report of each counts, added up for the status
    setHandler(batchReportSignal, (r) => {
      let b = batches.find((x) => x.batch === r.batch);
      if (!b) batches.push((b = { batch: r.batch, workflowId: evaluationBatchId(workflowInfo().workflowId, r.batch), projects: r.totals.projects, seq: 0, totals: null, done: false }));
      if (r.seq <= b.seq) return;
      Object.assign(b, { seq: r.seq, totals: r.totals, done: b.done || r.done });
      status.totals = batches.reduce((t, x) => (x.totals ? addTotals(t, x.totals) : t), emptyTotals());
      publish();
    });
  }

  const { selfEvaluate, wholeEvaluate } = selfEvaluationForms({ board, year, deptId, profile, dueInMs: input.dueInMs, loops, items: status.items, whole: status, publish });
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
  /** The department's own projects (with batches: their forms are the batches'), for its overall execution. */
  const ownIds: string[] = [];
  /** Batches being started: the next page is read meanwhile. */
  const starting: Array<Promise<unknown>> = [];
  cursor = undefined;
  do {
    const page: { items: ProjectSummary[]; nextCursor: string | null } = await finance.financeListProjects({ deptId, year, expenditure: 'project', cursor, limit: input.pageSize });
    status.pagesRead++;
    const projects = page.items.filter((p) => !p.transferId); // a transfer's county projects are the lower level's
    for (const p of page.items) if (p.transferId) transferProjects.set(p.transferId, [...(transferProjects.get(p.transferId) ?? []), p.id]);
    if (batched) {
      // the page's forms: a batch of their own, which pre-fills them and reports its counts here
      for (const p of projects) ownIds.push(p.id);
      if (projects.length) {
        const n = batches.length;
        const workflowId = evaluationBatchId(workflowInfo().workflowId, n);
        batches.push({ batch: n, workflowId, projects: projects.length, seq: 0, totals: null, done: false });
        starting.push(
          startChild<typeof evaluationBatch>(EVALUATION_WORKFLOWS.batch, {
            workflowId,
            args: [{
              year, deptId, batch: n, profile, dueInMs: input.dueInMs, openedBy: input.openedBy, urgeWindowMs: input.urgeWindowMs,
              continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit,
              projects: projects.map((p) => ({ id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, industry: p.industry, originalFen: p.originalFen, execution: execution.get(p.id) ?? null })),
            }],
            // a batch outlives the department's runs (continue-as-new closes a run): it reports by signal to the department's id
            parentClosePolicy: ParentClosePolicy.ABANDON,
          }),
        );
      }
      cursor = page.nextCursor ?? undefined;
      publish();
      continue;
    }
    const prefill = projects.length ? await own.evaluationPrefill({ year, projects: projects.map((p) => ({ id: p.id, industry: p.industry, deptId: p.deptId, unitId: p.unitId, name: p.name })) }) : { targets: {}, monitoring: {} };
    for (const p of projects) {
      const t = prefill.targets[p.id] ?? { targets: [], targetsSource: 'library' as const };
      running.push(selfEvaluate(prefillOf(p, t, execution.get(p.id) ?? null, prefill.monitoring[p.id] ?? null)));
    }
    cursor = page.nextCursor ?? undefined;
    publish();
  } while (cursor);
  if (batched) {
    await Promise.all(starting);
    await condition(() => batches.every((b) => b.totals !== null)); // every batch's forms open
  }
  status.opened = true;
  board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.formsOpened', detail: { year, deptId, projects: batched ? (status.totals?.projects ?? 0) : status.items.length, pages: status.pagesRead, ...(batched ? { batches: batches.length } : {}) } });
  publish();
  if (batched || patched('jixiao.evaluation.overall-and-transfers')) {
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
    if (!batched) ownIds.push(...status.items.map((i) => i.projectId));
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
    if (batched || carried || patched('jixiao.evaluation.department-continue-as-new')) {
      const next = await filedOrCarried({
        board, loops, continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit, raw, detail: { year, deptId }, run: runs + 1,
        // with batches: its own forms filed, and every batch's
        done: batched ? () => done && batches.every((b) => b.done) : () => done,
        carry: (): Carried => ({ board: board.snapshot(), status, loops: [...loops], runs: runs + 1, ...(batched ? { batched } : {}) }),
      });
      if (next !== null) return await continueAsNew<typeof evaluationDepartment>({ ...raw, restore: next as Record<string, unknown> });
    } else await Promise.all(running);
    publish();
    await board.drain();
    if (batched) {
      const t = status.totals ?? emptyTotals();
      return { deptId, projects: t.projects, filed: t.byStage.filed, grades: { ...t.grades } };
    }
    const grades: Record<string, number> = {};
    for (const i of status.items) if (i.grade) grades[i.grade] = (grades[i.grade] ?? 0) + 1;
    return { deptId, projects: status.items.length, filed: status.items.filter((i) => i.stage === 'filed').length, grades };
  }
}
