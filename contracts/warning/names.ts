// The warning's names, zod-free for workflow code: its workflow type, id, signal and task types.
export const WARNING_WORKFLOW = 'warning';
export const WARNING_TRIGGER_SIGNAL = 'warning.trigger';
export const warningWorkflowId = (year: number, projectId: string): string => `warning:${year}:${projectId}`;

export const WARNING_TASKS = {
  verify: 'warning.verify',
  decide: 'warning.decide',
  approveReclaim: 'warning.approveReclaim',
  financeRefused: 'warning.financeRefused',
} as const;
