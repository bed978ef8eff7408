// Workflows for the finance activity tests (bundled by the test worker). Retry intervals are short so
// the tests ride through injected faults quickly; the policy is otherwise the recommended one.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { FinanceActivities } from '../../activities/finance';
import { financeActivityOptions, financeRetryPolicy, financeScanActivityOptions } from '../../contracts/finance/retry';
import type { ReclaimResult, StatusResult } from '../../contracts/finance/finance.zod';

const fast = { ...financeRetryPolicy, initialInterval: '50ms', maximumInterval: '200ms' };
const finance = proxyActivities<FinanceActivities>({ ...financeActivityOptions, startToCloseTimeout: '10s', retry: fast });
const scanning = proxyActivities<FinanceActivities>({ ...financeScanActivityOptions, heartbeatTimeout: '5s', retry: fast });

/** A warning stops budget execution: one suspension. */
export async function suspendOnce(projectId: string): Promise<StatusResult> {
  return finance.financeSuspendPayments({ step: 'suspend', projectId, reason: '执行率低于时间进度20个百分点', ref: 'warning' });
}

/** The whole warning path for many projects at once: suspend, adjust, resume, reclaim. */
export async function churn(projectIds: string[], asOf: string): Promise<number> {
  await Promise.all(
    projectIds.map(async (projectId) => {
      await finance.financeGetExecution({ projectId, asOf });
      await finance.financeSuspendPayments({ step: `${projectId}/suspend`, projectId, reason: '预警' });
      await finance.financeAdjustBudget({ step: `${projectId}/adjust`, projectId, deltaFen: 100_000, reason: '调整预算' });
      await finance.financeResumePayments({ step: `${projectId}/resume`, projectId, reason: '核实后恢复' });
      await finance.financeReclaimFunds({ step: `${projectId}/reclaim`, projectId, amountFen: 10_000, reason: '收回部分资金' });
    }),
  );
  return projectIds.length * 4;
}

/** Reclaims everything twice: the second is a business rejection the workflow sees by type, unretried. */
export async function reclaimTwice(projectId: string): Promise<{ first: ReclaimResult; secondType: string | undefined }> {
  const first = await finance.financeReclaimFunds({ step: 'reclaim-1', projectId, reason: '收回结余' });
  try {
    await finance.financeReclaimFunds({ step: 'reclaim-2', projectId, reason: '再次收回' });
    return { first, secondType: undefined };
  } catch (e) {
    if (e instanceof ActivityFailure && e.cause instanceof ApplicationFailure) return { first, secondType: e.cause.type ?? undefined };
    throw e;
  }
}

/** A whole-year scan in small pages; returns the laggards' ids. */
export async function scanLaggards(year: number, asOf: string, maxRateBp: number): Promise<{ ids: string[]; pages: number }> {
  const r = await scanning.financeScanExecution({ year, asOf, maxRateBp, pageSize: 3 });
  return { ids: r.items.map((i) => i.projectId), pages: r.pages };
}

/** An approved target adjustment: one new version of the project's targets, however often the call is retried. */
export async function reviseTargetsOnce(projectId: string, year: number, target: string): Promise<{ version: number; current: number }> {
  const r = await finance.financeReviseTargets({
    step: 'targets',
    projectId,
    year,
    indicators: [{ level1: 'output', level2: '数量指标', name: '新建校舍面积', target, unit: '平方米', direction: '>=', isCore: true }],
    reason: '政策调整：上级下达任务调减',
    source: 'monitoring',
    by: 'finance_perf_1',
  });
  const current = await finance.financeGetTargets({ projectId });
  return { version: r.version, current: current.version };
}
