// What a round's Schedule starts: the year's round under its id (year + period). A Schedule's own
// runs carry a timestamp in their ids; the round does not, so a second start (a catch-up, a start by
// hand) finds the round and changes nothing.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, WorkflowIdReusePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { MONITORING_ROUND_WORKFLOW, roundId } from '../../contracts/monitoring/names';
import type { RoundTemplate } from '../../contracts/monitoring/settings';
import { shanghaiDate } from '../../contracts/calendar';

export async function monitoringScheduled(template: RoundTemplate): Promise<{ round: string; started: boolean }> {
  const year = Number(shanghaiDate(workflowInfo().startTime.getTime()).slice(0, 4));
  const round = roundId(year, template.cutoff);
  try {
    await startChild(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      args: [{ ...template, year }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { round, started: true };
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return { round, started: false };
    throw e;
  }
}
