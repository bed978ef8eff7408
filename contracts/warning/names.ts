// The warning's names, zod-free for workflow code: its workflow type, id, signal, task queue and task types.
import { ownTaskQueueName } from '../taskQueues';
export const WARNING_WORKFLOW = 'warning';
export const WARNING_TRIGGER_SIGNAL = 'warning.trigger';
/** Its own task queue (`<main>.warning`): a suspension never waits behind a round's forms. */
export const WARNING_TASK_QUEUE = 'warning';
/**
 * A raiser's start (update-with-start, conflict policy use-existing): the trigger as the Update's
 * argument; its answer carries the warning's first inbox rows, which the raiser writes (see
 * WarningRaised). Its id is the trigger's, so the same trigger raised again answers the same.
 */
export const WARNING_RAISE_UPDATE = 'warning.raise';
export const warningRaiseUpdateId = (t: { source: string; triggeredBy: string; triggeredAt: string; trace: { rule: { id: string } } }): string =>
  `raise:${t.source}:${t.trace.rule.id}:${t.triggeredBy}:${t.triggeredAt}`;
export const warningTaskQueue = (main: string): string => ownTaskQueueName(main, WARNING_TASK_QUEUE);
export const warningWorkflowId = (year: number, projectId: string): string => `warning:${year}:${projectId}`;

export const WARNING_TASKS = {
  verify: 'warning.verify',
  decide: 'warning.decide',
  approveReclaim: 'warning.approveReclaim',
  financeRefused: 'warning.financeRefused',
} as const;
