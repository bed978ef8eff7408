// The annual self-evaluation cycle (年度绩效自评): one per budget year, opened after year end. It
// opens one child per department (evaluationDepartment), each holding that department's project
// self-evaluations, due by the profile's date of the following year (Wuhai: end of April), and
// closes when every department's forms are filed.
import { ApplicationFailure, proxyActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import type { EvaluationActivities } from '../../activities/evaluation';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import type { EvaluationCycleInput } from '../../contracts/evaluation/evaluation.zod';
import { EVALUATION_SCHEMAS } from '../../contracts/evaluation/schemas';
import { cycleStatusQuery, EVALUATION_WORKFLOWS, evaluationDepartmentId, type CycleStatus, EVALUATION_RETRY } from '../../contracts/evaluation/names';
import type { DepartmentResult } from './department';

const own = proxyActivities<EvaluationActivities>({ startToCloseTimeout: '1 minute', retry: EVALUATION_RETRY });

const HOUR = 3_600_000;

/** When the year's reports are due: the profile's month and day of the next year, 23:59:59 Beijing time. */
export function selfEvaluationDueAt(year: number, dueMonthDay: string): number {
  const [m, d] = dueMonthDay.split('-').map(Number);
  return Date.UTC(year + 1, m - 1, d, 15, 59, 59); // 23:59:59 UTC+8
}

export interface CycleResult {
  year: number;
  departments: DepartmentResult[];
}

export async function evaluationCycle(raw: EvaluationCycleInput): Promise<CycleResult> {
  const parsed = check<EvaluationCycleInput>(EVALUATION_SCHEMAS.EvaluationCycleInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const dueAt = selfEvaluationDueAt(input.year, input.profile.selfEvaluation?.dueMonthDay ?? '05-31');
  // due by the profile's date; a cycle opened after it (or a test) gets its own duration
  const dueInMs = input.dueInMs ?? Math.max(24 * HOUR, dueAt - Date.now());
  const status: CycleStatus = { year: input.year, dueAt: new Date(Date.now() + dueInMs).toISOString(), departments: [], stage: 'opening' };
  setHandler(cycleStatusQuery, () => status);
  upsertSearchAttributes([
    { key: SA.JixiaoProcess, value: 'evaluation' },
    { key: SA.JixiaoStage, value: 'opening' },
  ]);

  const deptIds = input.deptIds ?? (await own.evaluationListDepartments());
  const children = [];
  for (const deptId of deptIds) {
    const workflowId = evaluationDepartmentId(input.year, deptId);
    const handle = await startChild(EVALUATION_WORKFLOWS.department, {
      workflowId,
      args: [{ year: input.year, deptId, profile: input.profile, dueInMs, openedBy: input.openedBy, urgeWindowMs: input.urgeWindowMs }],
      memo: { cycle: workflowInfo().workflowId },
    });
    status.departments.push({ deptId, workflowId, done: false, projects: null });
    children.push(
      handle.result().then((r) => {
        const d = status.departments.find((x) => x.deptId === deptId);
        if (d) Object.assign(d, { done: true, projects: (r as DepartmentResult).projects });
        return r as DepartmentResult;
      }),
    );
  }
  status.stage = 'open';
  upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'open' }]);
  const departments = await Promise.all(children);
  status.stage = 'closed';
  upsertSearchAttributes([{ key: SA.JixiaoStage, value: 'closed' }]);
  return { year: input.year, departments };
}
