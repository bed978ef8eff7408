// How a raiser's activity starts a warning (预警) by the warning's contract: update-with-start under
// the project's warning id (an open one takes the trigger instead), then writes the inbox rows the
// answer carries, so the new warning needs no projection activity of its own. Run again (a retried
// attempt), the same Update id answers the same rows, written again by version: nothing twice.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { writeBatch } from '../../db/inbox/batch';
import { recordWriters } from '../../app/processRecords';
import { WARNING_WORKFLOW, warningRaiseUpdateId } from '../../contracts/warning/names';
import { warningRaiseUpdate, type WarningRaised } from '../../contracts/warning/messages';
import type { WarningInput } from '../../contracts/warning/trigger.zod';

export interface WarningRaise {
  workflowId: string;
  taskQueue: string;
  input: WarningInput;
}

/** Raises one warning and writes what its answer carries; resolves once its rows are in the inbox. */
export async function raiseWarning(deps: { temporal: Client; db: Db; publicUrl: string }, w: WarningRaise): Promise<WarningRaised> {
  const trigger = w.input.trigger;
  const startWorkflowOperation = new WithStartWorkflowOperation(WARNING_WORKFLOW, {
    workflowId: w.workflowId,
    taskQueue: w.taskQueue,
    args: [w.input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  const raised = await deps.temporal.workflow.executeUpdateWithStart(warningRaiseUpdate, { args: [trigger], updateId: warningRaiseUpdateId(trigger), startWorkflowOperation });
  if (raised.projection) await writeBatch(deps.db, raised.projection, deps.publicUrl, await recordWriters());
  return raised;
}
