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
// department's (or the transfer's) projects, filed or returned by finance. A batch that fails for good
// (patched 'jixiao.evaluation.batch-failures'), or that could not start, is listed on the department's
// status with the reason, audited and told to finance; the department does not end meanwhile, and
// finance re-runs it (rerunBatchUpdate): a new execution of the batch (<department>:b<n>:r<k>) that
// opens the forms not filed again and keeps the filed ones. While it pages through its projects
// (patched 'jixiao.evaluation.department-paging-continue') it reads the year-end execution alongside,
// page by page, keeping only sums, and continues as new when its history grows long, carrying where it
// stands (cursors, the execution read ahead, the sums, its batches): a department of thousands of
// projects never holds them all nor one long history.
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, ParentClosePolicy, patched, proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { FinanceActivities } from '../../activities/finance';
import type { EvaluationActivities } from '../../activities/evaluation';
import type { Execution, ProjectSummary } from '../../contracts/finance/finance.zod';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { EvaluationDepartmentInput } from '../../contracts/evaluation/evaluation.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import {
  addTotals, batchFailedSignal, batchReportSignal, departmentStatusQuery, emptyTotals, EVALUATION_WORKFLOWS, evaluationBatchId, RERUN_REFUSALS, rerunBatchUpdate, rerunRefusal,
  type DepartmentBatch, type DepartmentStatus, type Prefill, type SelfEvaluationItem, EVALUATION_RETRY,
} from '../../contracts/evaluation/names';
import type { EvaluationBatchInput } from '../../contracts/evaluation/evaluation.zod';
import type { evaluationBatch } from './batch';
import { TaskBoard, type BoardSnapshot } from '../humanTask';
import { filedOrCarried, prefillOf, selfEvaluationForms, type Loop, type Tasks } from './forms';
import { BATCH_FAILURES, failsForGood, reasonOf } from './failures';

/** Who hears that a batch failed (finance's performance division runs the self-evaluation). */
const FINANCE_NOTICE = 'finance_performance@FIN';

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
  /** The failed batches' pages, until finance re-runs them: the projects whose forms a re-run opens again, and the filed forms it keeps. */
  failedPages?: Array<[number, FailedPage]>;
  /** Still paging through its projects (patched 'jixiao.evaluation.department-paging-continue'): where it stands. */
  paging?: Paging;
}

/** Paid and available, added up (for the overall and each transfer's execution rate). */
interface Sums {
  availableFen: number;
  paidFen: number;
}
type Exec = Pick<Execution, 'availableFen' | 'paidFen' | 'executionRateBp'>;

/** Where a department stands while paging through its projects, carried across continue-as-new. */
interface Paging {
  /** The next page of projects (null: the first). */
  cursor: string | null;
  /** The next page of the year-end execution (null: the first), and whether it has all been read. */
  execCursor: string | null;
  execDone: boolean;
  /** Execution rows read ahead of the projects (the two listings run in the same order: at most a few pages). */
  ahead: Array<[string, Exec]>;
  /** The execution of the department's own projects, and of each transfer's county projects, so far. */
  own: Sums;
  transfers: Array<[string, Sums]>;
}

const PAGING_CONTINUE = 'jixiao.evaluation.department-paging-continue';
const rateOf = ({ availableFen, paidFen }: Sums): Prefill['execution'] => ({ availableFen, paidFen, executionRateBp: availableFen > 0 ? Math.floor((paidFen * 10000) / availableFen) : 0 });

interface FailedPage {
  projectIds: string[];
  filed: SelfEvaluationItem[];
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
    const failing = batches.filter((b) => b.failure).map((b) => b.batch);
    if (batched) {
      const now = JSON.stringify([status.opened, open, projects, status.totals?.byStage.filed, board.openCount(), ...(failing.length ? [failing] : [])]);
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
      summary: { year, projects, filed: batched ? (status.totals?.byStage.filed ?? 0) : status.items.length - open, ...(failing.length ? { failedBatches: failing } : {}) },
    });
  };
  const me = workflowInfo().workflowId;
  /** A page's batch input (a re-run's: no page, the projects to read again and the filed forms to keep). */
  const batchArgs = (n: number, projects: EvaluationBatchInput['projects'], rerun?: EvaluationBatchInput['rerun']): EvaluationBatchInput => ({
    year, deptId, batch: n, profile, dueInMs: input.dueInMs, openedBy: input.openedBy, urgeWindowMs: input.urgeWindowMs,
    continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit,
    ...(input.reportEveryMs !== undefined ? { reportEveryMs: input.reportEveryMs } : {}),
    projects, ...(rerun ? { rerun } : {}),
  });
  const failedPages = new Map<number, FailedPage>(carried?.failedPages ?? []);
  /** A batch failed for good (or could not start): listed with the reason until finance re-runs it, audited, finance told. */
  const failed = (b: DepartmentBatch, workflowId: string, reason: string, page: FailedPage, notStarted = false): void => {
    b.failure = { workflowId, reason, at: new Date(Date.now()).toISOString(), unfiled: page.projectIds.length, filed: page.filed.length, ...(notStarted ? { notStarted: true as const } : {}) };
    failedPages.set(b.batch, page);
    board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.batchFailed', reason, detail: { year, deptId, batch: b.batch, workflowId, unfiled: page.projectIds.length, filed: page.filed.length } });
    board.notify({
      kind: 'notice',
      to: [FINANCE_NOTICE],
      title: `${year}年度绩效自评：${deptId} 第 ${b.batch + 1} 批自评表处理失败`,
      reason: `${reason}。该批未备案的 ${page.projectIds.length} 张自评表已关闭（已备案 ${page.filed.length} 张不受影响）；排除原因后请在年度绩效自评页对该批重新下发，在此之前该部门的自评不会结束。`,
    });
    publish();
  };

  if (batched) {
    // a batch's counts, whenever they change: the latest report of each counts, added up for the status
    setHandler(batchReportSignal, (r) => {
      let b = batches.find((x) => x.batch === r.batch);
      if (!b) batches.push((b = { batch: r.batch, workflowId: evaluationBatchId(workflowInfo().workflowId, r.batch), projects: r.totals.projects, seq: 0, totals: null, done: false }));
      if (r.workflowId && r.workflowId !== b.workflowId) return; // an execution of the batch no longer run (failed, re-run since)
      if (r.seq <= b.seq) return;
      Object.assign(b, { seq: r.seq, totals: r.totals, done: b.done || r.done });
      status.totals = batches.reduce((t, x) => (x.totals ? addTotals(t, x.totals) : t), emptyTotals());
      publish();
    });
    // a batch failed for good: it said why and which forms a re-run must open again
    setHandler(batchFailedSignal, (f) => {
      const b = batches.find((x) => x.batch === f.batch);
      if (!b || b.workflowId !== f.workflowId || b.done || b.failure || !patched(BATCH_FAILURES)) return;
      failed(b, f.workflowId, f.reason, { projectIds: f.projectIds, filed: f.filed });
    });
    // finance re-runs a failed batch (重新下发), once the cause is removed: a new execution of it opens
    // the forms not filed again (their projects read again from finance) and keeps the filed ones;
    // refused, before anything is recorded, for a batch that has not failed (a second re-run included)
    setHandler(
      rerunBatchUpdate,
      async (req) => {
        const b = batches.find((x) => x.batch === req.batch) as DepartmentBatch;
        const failure = b.failure as NonNullable<DepartmentBatch['failure']>;
        const page = failedPages.get(b.batch) ?? { projectIds: [], filed: [] };
        const reruns = (b.reruns ?? 0) + 1;
        const workflowId = evaluationBatchId(me, b.batch, reruns);
        Object.assign(b, { failure: null, reruns, workflowId, seq: 0, done: false });
        failedPages.delete(b.batch);
        board.record({ actorId: req.by, actorName: req.byName || req.by, action: 'evaluation.batchRerun', reason: failure.reason, detail: { year, deptId, batch: b.batch, failed: failure.workflowId, workflowId, projects: page.projectIds.length, filed: page.filed.length } });
        publish();
        try {
          await startChild<typeof evaluationBatch>(EVALUATION_WORKFLOWS.batch, {
            workflowId,
            args: [batchArgs(b.batch, [], { of: failure.workflowId, projectIds: page.projectIds, filed: page.filed as unknown as Array<Record<string, unknown>>, by: req.by })],
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
        } catch (e) {
          if (!failsForGood(e)) throw e;
          failed(b, workflowId, reasonOf(e), page, true); // still failed: finance may re-run it again
          throw ApplicationFailure.nonRetryable(`the re-run of batch b${b.batch} could not start: ${reasonOf(e)}`, RERUN_REFUSALS.notStarted);
        }
        return { batch: b.batch, workflowId, projects: page.projectIds.length, filed: page.filed.length };
      },
      {
        validator: (req) => {
          if (!req || typeof req.batch !== 'number' || typeof req.by !== 'string' || !req.by) throw ApplicationFailure.nonRetryable('give the batch and who re-runs it (batch, by)', RERUN_REFUSALS.invalid);
          const refused = rerunRefusal(status, req.batch);
          if (refused) throw ApplicationFailure.nonRetryable(refused.message, refused.type);
        },
      },
    );
  }

  const { selfEvaluate, wholeEvaluate } = selfEvaluationForms({ board, year, deptId, profile, dueInMs: input.dueInMs, loops, items: status.items, whole: status, publish });
  const running: Array<Promise<void>> = [];
  if (carried && !carried.paging) {
    // a new run: every open form waits on its task again, where it stood
    for (const [ref, l] of loops) {
      const item = l.kind === 'project' ? status.items.find((i) => i.projectId === ref) : l.kind === 'overall' ? status.overall : status.transfers?.find((i) => i.projectId === ref);
      if (!item) continue;
      running.push(l.kind === 'project' ? selfEvaluate(l.pre, item, l) : wholeEvaluate(l.kind, ref, l.pre.name, l.pre.execution, l.weights ?? profile.weights, l.pre.amountFen, item, l));
    }
    publish();
    return finish(carried.runs);
  }

  /** Batches being started: the next page is read meanwhile. */
  const starting: Array<Promise<unknown>> = [];
  /** Starts a page's batch, which pre-fills its forms and reports its counts here. */
  const startBatch = (projects: EvaluationBatchInput['projects']): void => {
    const n = batches.length;
    const workflowId = evaluationBatchId(workflowInfo().workflowId, n);
    const entry: DepartmentBatch = { batch: n, workflowId, projects: projects.length, seq: 0, totals: null, done: false };
    batches.push(entry);
    starting.push(
      startChild<typeof evaluationBatch>(EVALUATION_WORKFLOWS.batch, {
        workflowId,
        args: [batchArgs(n, projects)],
        // a batch outlives the department's runs (continue-as-new closes a run): it reports by signal to the department's id
        parentClosePolicy: ParentClosePolicy.ABANDON,
      }).catch((e: unknown) => {
        // it could not start (its id is taken): listed failed like one that failed, finance re-runs it
        if (!failsForGood(e) || !patched(BATCH_FAILURES)) throw e;
        failed(entry, workflowId, reasonOf(e), { projectIds: projects.map((p) => p.id), filed: [] }, true);
      }),
    );
  };
  const asBatchProject = (p: ProjectSummary, e: Exec | null): EvaluationBatchInput['projects'][number] => ({ id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, industry: p.industry, originalFen: p.originalFen, execution: e });
  /** The execution rates of the overall self-evaluation (the department's own projects) and of each transfer's (its county projects). */
  let ownRate: () => Prefill['execution'];
  let transferRate: (transferId: string) => Prefill['execution'];

  const streamed = batched && (carried ? !!carried.paging : patched(PAGING_CONTINUE));
  if (streamed) {
    // The projects (项目支出: basic expenditure is the department's overall self-evaluation's), page by
    // page, each page's year-end execution (预算执行率) read alongside (the execution listing has the
    // same filter and order), each page's forms a batch of its own as soon as it is read; past
    // continueAfterEvents (or Temporal's suggestion) a new run carries on from where this one stands.
    const p: Paging = carried?.paging ?? { cursor: null, execCursor: null, execDone: false, ahead: [], own: { availableFen: 0, paidFen: 0 }, transfers: [] };
    const ahead = new Map<string, Exec>(p.ahead);
    const transferSums = new Map<string, Sums>(p.transfers);
    const add = (to: Sums, e: Exec | null): void => {
      if (e) [to.availableFen, to.paidFen] = [to.availableFen + e.availableFen, to.paidFen + e.paidFen];
    };
    let maxEvents = input.continueAfterEvents ?? 5000;
    let deferredAt = 0;
    const tooLong = (): boolean => (workflowInfo().continueAsNewSuggested && workflowInfo().historyLength > deferredAt) || workflowInfo().historyLength > maxEvents;
    for (;;) {
      const page: { items: ProjectSummary[]; nextCursor: string | null } = await finance.financeListProjects({ deptId, year, expenditure: 'project', cursor: p.cursor ?? undefined, limit: input.pageSize });
      status.pagesRead++;
      while (!p.execDone && page.items.some((x) => !ahead.has(x.id)) && ahead.size < 4 * input.pageSize) {
        const e: { items: Execution[]; nextCursor: string | null } = await finance.financeListExecution({ year, asOf: `${year}-12-31`, deptId, expenditure: 'project', cursor: p.execCursor ?? undefined, limit: input.pageSize });
        for (const x of e.items) ahead.set(x.projectId, { availableFen: x.availableFen, paidFen: x.paidFen, executionRateBp: x.executionRateBp });
        p.execCursor = e.nextCursor;
        p.execDone = !e.nextCursor;
      }
      const projects: EvaluationBatchInput['projects'] = [];
      for (const x of page.items) {
        const e = ahead.get(x.id) ?? null;
        ahead.delete(x.id);
        if (x.transferId) {
          // a transfer's county projects are the lower level's: only their execution counts, for the transfer
          const sum = transferSums.get(x.transferId) ?? { availableFen: 0, paidFen: 0 };
          add(sum, e);
          transferSums.set(x.transferId, sum);
        } else {
          add(p.own, e);
          projects.push(asBatchProject(x, e));
        }
      }
      if (projects.length) startBatch(projects);
      p.cursor = page.nextCursor;
      publish();
      if (!p.cursor) break;
      if (tooLong()) {
        // hand where it stands to a new run, once every batch of this run has started and no handler runs
        await Promise.all(starting);
        await board.drain();
        await condition(allHandlersFinished);
        const runs = carried?.runs ?? 0;
        const paging: Paging = { ...p, ahead: [...ahead], transfers: [...transferSums] };
        const carry = (): Carried => ({ board: board.snapshot(), status, loops: [], runs: runs + 1, batched: true, paging, ...(failedPages.size ? { failedPages: [...failedPages] } : {}) });
        const size = JSON.stringify(carry()).length + JSON.stringify(raw).length;
        const h = workflowInfo().historyLength;
        if (size > (input.continueCarryLimit ?? 1_500_000)) {
          // too much to carry (many batches, or a tiny limit): page on in this run, try again later
          board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continueAsNewDeferred', detail: { year, deptId, paging: true, carry: size, limit: input.continueCarryLimit ?? 1_500_000, historyLength: h } });
          deferredAt = h + Math.max(100, Math.floor(maxEvents / 2));
          maxEvents = deferredAt;
          continue;
        }
        board.record({ actorId: 'system', actorName: '系统', action: 'evaluation.continuedAsNew', detail: { year, deptId, paging: true, pagesRead: status.pagesRead, batches: batches.length, run: runs + 1, historyLength: h } });
        await board.drain();
        return await continueAsNew<typeof evaluationDepartment>({ ...raw, restore: carry() as unknown as Record<string, unknown> });
      }
    }
    ownRate = () => rateOf(p.own);
    transferRate = (id) => rateOf(transferSums.get(id) ?? { availableFen: 0, paidFen: 0 });
  } else {
    // Year-end execution of the department's projects (预算执行率), page by page.
    const execution = new Map<string, Exec>();
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
    cursor = undefined;
    do {
      const page: { items: ProjectSummary[]; nextCursor: string | null } = await finance.financeListProjects({ deptId, year, expenditure: 'project', cursor, limit: input.pageSize });
      status.pagesRead++;
      const projects = page.items.filter((p) => !p.transferId); // a transfer's county projects are the lower level's
      for (const p of page.items) if (p.transferId) transferProjects.set(p.transferId, [...(transferProjects.get(p.transferId) ?? []), p.id]);
      if (batched) {
        // the page's forms: a batch of their own, which pre-fills them and reports its counts here
        for (const p of projects) ownIds.push(p.id);
        if (projects.length) startBatch(projects.map((p) => asBatchProject(p, execution.get(p.id) ?? null)));
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
    const rate = (ids: string[]): Prefill['execution'] => {
      const sum: Sums = { availableFen: 0, paidFen: 0 };
      for (const id of ids) {
        const e = execution.get(id);
        if (e) [sum.availableFen, sum.paidFen] = [sum.availableFen + e.availableFen, sum.paidFen + e.paidFen];
      }
      return rateOf(sum);
    };
    ownRate = () => rate(batched ? ownIds : [...ownIds, ...status.items.map((i) => i.projectId)]);
    transferRate = (id) => rate(transferProjects.get(id) ?? []);
  }
  if (batched) {
    await Promise.all(starting);
    await condition(() => batches.every((b) => b.totals !== null || !!b.failure)); // every batch's forms open (or it failed)
  }
  status.opened = true;
  board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.formsOpened', detail: { year, deptId, projects: batched ? (status.totals?.projects ?? 0) : status.items.length, pages: status.pagesRead, ...(batched ? { batches: batches.length } : {}) } });
  publish();
  if (batched || patched('jixiao.evaluation.overall-and-transfers')) {
    status.overall = null;
    status.transfers = [];
    running.push(wholeEvaluate('overall', `overall:${deptId}`, `${year}年度部门整体绩效自评（${deptId}）`, ownRate(), profile.overallWeights ?? profile.weights));
    const transfers = await own.evaluationListTransfers({ year, deptId });
    for (const t of transfers) running.push(wholeEvaluate('transfer', t.id, `${year}年度转移支付绩效自评：${t.name}`, transferRate(t.id), profile.transferWeights ?? profile.weights, t.totalFen));
    board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.wholeFormsOpened', detail: { year, deptId, overall: 1, transfers: transfers.map((t) => t.id) } });
    publish();
  }

  return finish(carried?.runs ?? 0);

  /** Waits for every form to be filed, continuing as new when the history grows long (carrying every open form). */
  async function finish(runs: number): Promise<DepartmentResult> {
    let done = false;
    void Promise.all(running).then(() => void (done = true));
    if (batched || carried || patched('jixiao.evaluation.department-continue-as-new')) {
      const next = await filedOrCarried({
        board, loops, continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit, raw, detail: { year, deptId }, run: runs + 1,
        // with batches: its own forms filed, and every batch's
        done: batched ? () => done && batches.every((b) => b.done) : () => done,
        carry: (): Carried => ({ board: board.snapshot(), status, loops: [...loops], runs: runs + 1, ...(batched ? { batched } : {}), ...(failedPages.size ? { failedPages: [...failedPages] } : {}) }),
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
