// The warning's raise Update, zod-free: its workflow code and a raiser's activity share it.
import { defineUpdate } from '@temporalio/workflow';
import type { ProjectionBatch } from '../humanTask/inbox';
import type { WarningTrigger } from './trigger.zod';
import { WARNING_RAISE_UPDATE } from './names';

/** The raise Update's answer, once the warning has taken the trigger (a new warning: its verification asked). */
export interface WarningRaised {
  workflowId: string;
  /** The trigger joined a warning already open (false: it started this one, or was there already). */
  attached: boolean;
  /** The inbox rows, audit and mail pending: the raiser writes them (absent: too large, the warning writes them itself). */
  projection?: ProjectionBatch;
}

export const warningRaiseUpdate = defineUpdate<WarningRaised, [WarningTrigger]>(WARNING_RAISE_UPDATE);
