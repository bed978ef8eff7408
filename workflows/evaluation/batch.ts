// A batch of a department's self-evaluations (部门自评): one page of its projects (at most the
// department's page size, so no execution holds more than one page's forms), read top to bottom: each
// project's form is pre-filled with its targets (the pre-fill activity: the latest revision, the
// project library's entry, or the industry's core indicators), its year-end execution (read by the
// department) and its monitoring results, in its unit's inbox; the unit fills it, the score is
// computed, the unit head signs, the department reviews, finance files (forms.ts, as before batches).
// The batch reports its counts to its department by signal whenever they change and once more when
// every form is filed (so the department's status has the totals and the department can continue as
// new); it continues as new itself when its history grows long, carrying its open forms.
import { ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { EvaluationActivities } from '../../activities/evaluation';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { EvaluationBatchInput } from '../../contracts/evaluation/evaluation.zod';
import { EVALUATION_SCHEMAS, EVALUATION_TYPES } from '../../contracts/evaluation/schemas';
import { BATCH_REPORT_SIGNAL, batchStatusQuery, totalsOf, type BatchReport, type BatchStatus, type SelfEvaluationTotals, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import { TaskBoard, type BoardSnapshot } from '../humanTask';
import { filedOrCarried, prefillOf, selfEvaluationForms, type Loop, type Tasks } from './forms';

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
}

export async function evaluationBatch(raw: EvaluationBatchInput): Promise<BatchResult> {
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
  const runs = carried?.runs ?? 0;
  const { selfEvaluate } = selfEvaluationForms({ board, year, deptId, profile, dueInMs: input.dueInMs, loops, items: status.items, whole: {}, publish: () => undefined });

  const running: Array<Promise<void>> = [];
  if (carried) {
    // a new run: every open form waits on its task again, where it stood
    for (const [ref, l] of loops) {
      const item = status.items.find((i) => i.projectId === ref);
      if (item) running.push(selfEvaluate(l.pre, item, l));
    }
  } else {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'evaluation' },
      { key: SA.JixiaoDeptId, value: deptId },
    ]);
    const projects = input.projects;
    const prefill = projects.length ? await own.evaluationPrefill({ year, projects: projects.map((p) => ({ id: p.id, industry: p.industry, deptId: p.deptId, unitId: p.unitId, name: p.name })) }) : { targets: {}, monitoring: {} };
    for (const p of projects) {
      const t = prefill.targets[p.id] ?? { targets: [], targetsSource: 'library' as const };
      running.push(selfEvaluate(prefillOf(p, t, p.execution, prefill.monitoring[p.id] ?? null)));
    }
    board.record({ actorId: input.openedBy, actorName: '财政', action: 'evaluation.batchOpened', detail: { year, deptId, batch, projects: projects.length } });
  }

  // The department hears the counts whenever they change (one report in flight at a time: the
  // changes meanwhile go in the next), from now on: every form is open.
  let seq = carried?.seq ?? 0;
  let sent = '';
  let sending = false;
  let closing = false;
  const report = async (done: boolean): Promise<void> => {
    const totals = totalsOf(status.items);
    sent = JSON.stringify(totals);
    const r: BatchReport = { batch, seq: ++seq, totals, done };
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
          await report(false);
        }
      })()
    : Promise.resolve();

  let filed = false;
  void Promise.all(running).then(() => void (filed = true));
  const projectsless = { ...raw, projects: [] }; // a new run needs no page: its forms are carried
  const next = await filedOrCarried({
    board, loops, done: () => filed, continueAfterEvents: input.continueAfterEvents, continueCarryLimit: input.continueCarryLimit, raw: projectsless, detail: { year, deptId, batch }, run: runs + 1,
    settled: () => !sending,
    carry: (): Carried => ({ board: board.snapshot(), status, loops: [...loops], runs: runs + 1, department, seq }),
  });
  if (next !== null) return await continueAsNew<typeof evaluationBatch>({ ...projectsless, restore: next as Record<string, unknown> });

  closing = true;
  await reporting;
  await board.drain();
  if (department) await report(true);
  return { batch, totals: totalsOf(status.items) };
}
