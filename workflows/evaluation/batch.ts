// A batch of a department's self-evaluations (部门自评): one page of its projects (at most the
// department's page size, so no execution holds more than one page's forms), read top to bottom: each
// project's form is pre-filled with its targets (the pre-fill activity: the latest revision, the
// project library's entry, or the industry's core indicators), its year-end execution (read by the
// department) and its monitoring results, in its unit's inbox; the unit fills it, the score is
// computed, the unit head signs, the department reviews, finance files (forms.ts, as before batches).
// The batch reports its counts to its department by signal whenever they change and once more when
// every form is filed (so the department's status has the totals and the department can continue as
// new); it continues as new itself when its history grows long, carrying its open forms.
// A batch that fails for good (patched 'jixiao.evaluation.batch-failures': its input refused, finance
// refusing a read for good, a form loop's non-retryable failure) closes its open forms as cancelled
// with the reason and tells its department before failing: the department lists it until finance
// re-runs it. A re-run (input.rerun) reads the projects of the forms not filed again from finance and
// opens their forms, keeping the filed ones.
import { ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { EvaluationActivities } from '../../activities/evaluation';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { EvaluationBatchInput } from '../../contracts/evaluation/evaluation.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { BATCH_FAILED_SIGNAL, BATCH_REPORT_SIGNAL, batchStatusQuery, totalsOf, type BatchFailed, type BatchReport, type BatchStatus, type SelfEvaluationItem, type SelfEvaluationTotals, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import { TaskBoard, type BoardSnapshot } from '../humanTask';
import { filedOrCarried, prefillOf, selfEvaluationForms, type Loop, type Tasks } from './forms';
import { BATCH_FAILURES, failsForGood, reasonOf } from './failures';

const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '2 minutes', retry: EVALUATION_RETRY });

export interface BatchResult {
  batch: number;
  totals: SelfEvaluationTotals;
}

/** What a batch carries across continue-as-new. */
interface Carried {
  board: BoardSnapshot;
  status: BatchStatus;
  loops: Array<[string, Loop]>;
  runs: number;
  /** The department's workflow id its reports go to (null: started on its own). */
  department: string | null;
  /** The last report's number. */
  seq: number;
  /** Reports at most once per reportEveryMs (absent: a run from before, one report per change while none is in flight). */
  throttled?: boolean;
}

/** A batch reports its counts at most once per reportEveryMs, coalescing the decisions meanwhile. */
const REPORT_THROTTLE = 'jixiao.evaluation.batch-report-throttle';
/** Ours: a department hears of a batch's decisions within 5 s, in one signal however many there were. */
const REPORT_EVERY_MS = 5_000;

/** What the failure path needs of a run, as far as it got. */
interface Held {
  board: TaskBoard<Tasks> | null;
  status: BatchStatus | null;
  department: string | null;
  /** Stops the count reports (a failing batch sends its failure instead). */
  stopReporting: () => void;
}

export async function evaluationBatch(raw: EvaluationBatchInput): Promise<BatchResult> {
  const held: Held = { board: null, status: null, department: null, stopReporting: () => undefined };
  try {
    return await runBatch(raw, held);
  } catch (e) {
    if (!failsForGood(e) || !patched(BATCH_FAILURES)) throw e;
    // failed for good: its open forms close (nothing could decide them any more) and its department
    // hears why and which projects' forms a re-run must open again, before this fails
    held.stopReporting();
    const reason = reasonOf(e);
    if (held.status) held.status.failure = { reason, at: new Date(Date.now()).toISOString() };
    const board = held.board;
    if (board) {
      for (const key of board.openKeys()) board.cancel(key, `自评批次处理失败，自评表已关闭（待财政重新下发）：${reason}`);
      await board.drain();
    }
    const department = held.department ?? workflowInfo().parent?.workflowId ?? null;
    if (department) await getExternalWorkflowHandle(department).signal(BATCH_FAILED_SIGNAL, failedPage(raw, held.status, reason)).catch(() => undefined);
    throw e;
  }
}

/** What a failed batch tells its department: its forms not filed (by project) and its filed ones, from its status or, failed before it had one, its input. */
function failedPage(raw: EvaluationBatchInput, status: BatchStatus | null, reason: string): BatchFailed {
  const r = (raw ?? {}) as Partial<EvaluationBatchInput>;
  const items = status?.items ?? [];
  const known = new Set(items.map((i) => i.projectId));
  const filed = items.filter((i) => i.stage === 'filed');
  const projectIds = items.filter((i) => i.stage !== 'filed').map((i) => i.projectId);
  const given = [...(Array.isArray(r.projects) ? r.projects.map((p) => p?.id) : []), ...(Array.isArray(r.rerun?.projectIds) ? r.rerun.projectIds : [])];
  for (const id of given) if (typeof id === 'string' && !known.has(id) && !projectIds.includes(id)) projectIds.push(id);
  for (const i of (Array.isArray(r.rerun?.filed) ? r.rerun.filed : []) as unknown as SelfEvaluationItem[]) if (i && typeof i.projectId === 'string' && !known.has(i.projectId)) filed.push(i);
  return { batch: typeof r.batch === 'number' ? r.batch : -1, workflowId: workflowInfo().workflowId, reason, projectIds, filed };
}

async function runBatch(raw: EvaluationBatchInput, held: Held): Promise<BatchResult> {
  const parsed = check<EvaluationBatchInput>(EVALUATION_SCHEMAS.EvaluationBatchInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const { profile, year, deptId, batch } = input;
  const carried = input.restore as Carried | undefined;
  const board = new TaskBoard<Tasks>({ process: 'evaluation', types: EVALUATION_TYPES, urgeWindowMs: input.urgeWindowMs, restore: carried?.board });
  const status: BatchStatus = carried?.status ?? { year, deptId, batch, items: [] };
  const loops = new Map<string, Loop>(carried?.loops ?? []);
  setHandler(batchStatusQuery, () => status);
  const department = carried ? carried.department : (workflowInfo().parent?.workflowId ?? null);
  Object.assign(held, { board, status, department });
  const runs = carried?.runs ?? 0;
  const { selfEvaluate } = selfEvaluationForms({ board, year, deptId, profile, dueInMs: input.dueInMs, loops, items: status.items, whole: {}, publish: () => undefined });

  /** A form loop that failed for good (e.g. a task the board refuses): the batch fails with it, never ends as if filed. */
  let fatal: unknown = null;
  const running: Array<Promise<void>> = [];
  const run = (p: Promise<void>): void => void running.push(p.catch((e: unknown) => void (fatal ??= e)));
  if (carried) {
    // a new run: every open form waits on its task again, where it stood
    for (const [ref, l] of loops) {
      const item = status.items.find((i) => i.projectId === ref);
      if (item) run(selfEvaluate(l.pre, item, l));
    }
  } else {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoDeptId, value: deptId },
    ]);
    let projects = input.projects;
    if (input.rerun) {
      // finance's re-run of a failed batch: its filed forms kept, the others' projects read again from finance
      const { rerun } = input;
      status.rerunOf = rerun.of;
      status.items.push(...(rerun.filed as unknown as SelfEvaluationItem[]));
      const read = rerun.projectIds.length ? await own.evaluationBatchProjects({ year, deptId, ids: rerun.projectIds }) : { projects: [], missing: [] };
      projects = read.projects;
      board.record({ actorId: rerun.by, actorName: rerun.by, action: 'evaluation.batchRerunOpened', detail: { year, deptId, batch, rerunOf: rerun.of, projects: projects.length, filed: rerun.filed.length, missing: read.missing } });
    }
    const prefill = projects.length ? await own.evaluationPrefill({ year, projects: projects.map((p) => ({ id: p.id, industry: p.industry, deptId: p.deptId, unitId: p.unitId, name: p.name })) }) : { targets: {}, monitoring: {} };
    for (const p of projects) {
      const t = prefill.targets[p.id] ?? { targets: [], targetsSource: 'library' as const };
      run(selfEvaluate(prefillOf(p, t, p.execution, prefill.monitoring[p.id] ?? null)));
    }
    board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.batchOpened', detail: { year, deptId, batch, projects: projects.length } });
  }

  // The department hears the counts whenever they change (one report in flight at a time: the
  // changes meanwhile go in the next), from now on: every form is open. Throttled (patched
  // 'jixiao.evaluation.batch-report-throttle'): at most one report per reportEveryMs of workflow time,
  // a change after a quiet spell at once, the changes of a busy one together at its end; the last
  // report (every form filed) at once.
  const throttled = carried ? carried.throttled === true : patched(REPORT_THROTTLE);
  const every = input.reportEveryMs ?? REPORT_EVERY_MS;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let seq = carried?.seq ?? 0;
  let sent = '';
  let sending = false;
  let closing = false;
  const report = async (done: boolean): Promise<void> => {
    const totals = totalsOf(status.items);
    sent = JSON.stringify(totals);
    const r: BatchReport = { batch, seq: ++seq, totals, done, workflowId: workflowInfo().workflowId };
    sending = true;
    try {
      await getExternalWorkflowHandle(department as string).signal(BATCH_REPORT_SIGNAL, r);
    } catch {
      // the department is gone (terminated, or re-opened): nobody to count for
    } finally {
      sending = false;
    }
  };
  const reporting = department
    ? (async () => {
        for (;;) {
          await condition(() => closing || JSON.stringify(totalsOf(status.items)) !== sent);
          if (closing) return;
          if (throttled) {
            const wait = lastSentAt + every - Date.now();
            if (wait > 0 && (await condition(() => closing, wait))) return; // the changes meanwhile wait with this one
            lastSentAt = Date.now();
          }
          await report(false);
        }
      })()
    : Promise.resolve();

  held.stopReporting = () => void (closing = true);

  let filed = false;
  void Promise.all(running).then(() => void (filed = true));
  const projectsless = { ...raw, projects: [], rerun: undefined }; // a new run needs no page (nor a re-run's): its forms are carried
  const next = await filedOrCarried({
    board, loops, done: () => filed || fatal !== null, continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit, raw: projectsless, detail: { year, deptId, batch }, run: runs + 1,
    settled: () => !sending,
    carry: (): Carried => ({ board: board.snapshot(), status, loops: [...loops], runs: runs + 1, department, seq, ...(throttled ? { throttled } : {}) }),
  });
  if (fatal) throw fatal;
  if (next !== null) return await continueAsNew<typeof evaluationBatch>({ ...projectsless, restore: next as Record<string, unknown> });

  closing = true;
  await reporting;
  await board.drain();
  if (department) await report(true);
  return { batch, totals: totalsOf(status.items) };
}
