// How a raiser's activity starts a warning (预警) by the warning's contract: update-with-start under
// the project's warning id (an open one takes the trigger instead), then writes the inbox rows the
// answer carries, so the new warning needs no projection activity of its own. Run again (a retried
// attempt), the same Update id answers the same rows, written again by version: nothing twice.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import protoModule from '@temporalio/proto';
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

const proto = protoModule as unknown as {
  google: { rpc: { Status: { decode(b: Uint8Array): { details?: Array<{ type_url?: string; typeUrl?: string; value?: Uint8Array }> } } } };
  temporal: { api: { errordetails: { v1: { MultiOperationExecutionFailure: { decode(b: Uint8Array): { statuses?: Array<{ message?: string | null; details?: Array<{ typeUrl?: string }> }> } } } } } };
};

/**
 * The server's own reason when it refused an update-with-start: its gRPC status says only "could
 * not be executed"; each operation's status is in the details (MultiOperationExecutionFailure).
 */
export function multiOperationReason(e: unknown): string | undefined {
  const md = (e as { metadata?: { get?(k: string): unknown[] } } | null)?.metadata;
  const bin = md?.get?.('grpc-status-details-bin')?.[0];
  if (!(bin instanceof Uint8Array)) return undefined;
  try {
    const detail = proto.google.rpc.Status.decode(bin).details?.find((d) => (d.typeUrl ?? d.type_url ?? '').endsWith('MultiOperationExecutionFailure'));
    if (!detail?.value) return undefined;
    const statuses = proto.temporal.api.errordetails.v1.MultiOperationExecutionFailure.decode(detail.value).statuses ?? [];
    // the operation the server refused, not the one it then aborted with it
    const aborted = (s: (typeof statuses)[number]): boolean => (s.details ?? []).some((d) => (d.typeUrl ?? '').endsWith('MultiOperationExecutionAborted')) || /^operation was aborted/i.test(s.message ?? '');
    const reasons = statuses.filter((s) => !aborted(s)).map((s) => s.message).filter((m): m is string => !!m);
    return reasons.length ? reasons.join('; ') : undefined;
  } catch {
    return undefined;
  }
}
