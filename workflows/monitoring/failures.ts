// What a round's parts share about ending early: the patches of issue 19 (a round finance cancels, a
// part that fails for good telling why), which failures end a part for good, and the reason a
// person can read in the round's row and in finance's notice.
export { failsForGood, reasonOf } from '../failures';
import type { StopRequest } from '../../contracts/monitoring/round.zod';

/** A round can be cancelled (Update or a Temporal cancellation request): its parts close their forms and confirm. */
export const ROUND_CANCEL = 'jixiao.monitoring.round-cancel';
/** A part that fails for good tells its parent why before failing; the round lists it and finance's re-run recovers it. */
export const REPORT_FAILURES = 'jixiao.monitoring.report-failures';
/** A cancelled round (and a department closing its batches) waits a bounded time for confirmations (RoundSettings.stopConfirmMs). */
export const STOP_CONFIRM_BOUND = 'jixiao.monitoring.stop-confirm-bound';

/**
 * A department that fails for good closes its other batches' open forms (as cancelled, each unit told)
 * before telling the round: whatever a unit did on them would be thrown away by finance's re-run,
 * which opens the department's forms again, or by a cancellation of the round.
 */
export const FAILED_DEPARTMENT_CLOSES = 'jixiao.monitoring.failed-department-closes-batches';

/**
 * A department or batch part cleans up after a Temporal cancellation request aimed at it (the UI, the
 * CLI): its board and what it starts are shielded from the request; its open forms close as cancelled,
 * its parent hears it (the round shows the department failed, until finance re-runs it), and it ends cancelled.
 */
export const PART_CANCEL_REQUEST = 'jixiao.monitoring.part-cancel-request';
/** The reason a Temporal cancellation request gives (it carries none of its own). */
export const CANCEL_REQUEST_NOTE = '工作流收到取消请求（Temporal cancellation request）';

/** Why a part's open forms closed, as the closed tasks and the units' notices say it. */
export function closedWhy(req: StopRequest): string {
  const note = req.note ? `：${req.note}` : '';
  if (req.kind === 'batchCancelled') return `监控批次已取消，监控表已关闭，财政重新监控后将重新下发${note}`;
  if (req.kind === 'departmentCancelled') return `部门监控任务已取消，监控表已关闭${note}`;
  if (req.kind === 'departmentFailed') return `部门监控任务失败，监控表已关闭，财政重新监控后将重新下发${note}`;
  return `本轮监控已作废${note}`;
}

/** A duration in words for a reason a person reads ("30 分钟", "1.5 秒"). */
export function spanText(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} 小时`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} 分钟`;
  return `${Math.round(ms / 100) / 10 || 0.1} 秒`;
}
