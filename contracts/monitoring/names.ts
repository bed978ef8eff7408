// Monitoring's workflow types, ids and task types: zod-free, for workflow code and the API alike.
export const MONITORING_ROUND_WORKFLOW = 'monitoringRound';
export const MONITORING_DEPARTMENT_WORKFLOW = 'monitoringDepartment';
export const MONITORING_BATCH_WORKFLOW = 'monitoringBatch';
export const MONITORING_SCHEDULED_WORKFLOW = 'monitoringScheduled';

/** The period of a round is its data cut-off (MM-DD): one round per cut-off a year. */
export const roundId = (year: number, cutoff: string): string => `monitoring:${year}:${cutoff}`;
/** A department's part of a round; `run` > 0 when finance re-ran the round for that department. */
export const departmentWorkflowId = (round: string, deptId: string, run = 0): string => `${round}:${deptId}${run ? `:r${run}` : ''}`;
export const batchWorkflowId = (department: string, batch: number): string => `${department}:b${batch}`;
/** The Schedule of one round of the profile (one per cut-off), for the workers of one task queue. */
export const scheduleId = (taskQueue: string, cutoff: string): string => `${schedulePrefix(taskQueue)}${cutoff}`;
export const schedulePrefix = (taskQueue: string): string => `monitoring-round:${taskQueue}:`;

export const MONITORING_TASKS = { form: 'monitoring.form', review: 'monitoring.review', adjustment: 'monitoring.targetAdjustment' } as const;
/** Signal a batch sends its department when it is done (its counts), so the department may continue-as-new without its children. */
export const BATCH_DONE_SIGNAL = 'monitoring.batchDone';
/** Signal a department part sends its round when it is done (its counts), so the round may continue-as-new without its children. */
export const DEPARTMENT_DONE_SIGNAL = 'monitoring.departmentDone';
/**
 * Signal to a department part (and from it to its batches) to close its open forms and end (a
 * StopRequest): finance re-ran it (reason 'rerun', the default), or cancelled the round ('cancelled').
 */
export const SUPERSEDED_SIGNAL = 'monitoring.superseded';
/** Signal a part told to stop with a replyTo sends there once its open forms are closed (a PartStopped). */
export const STOPPED_SIGNAL = 'monitoring.stopped';
/** Signal a batch sends its department when it fails for good, before failing (a BatchFailed). */
export const BATCH_FAILED_SIGNAL = 'monitoring.batchFailed';
/** Signal a department part sends its round when it fails for good, before failing (a PartFailed). */
export const DEPARTMENT_FAILED_SIGNAL = 'monitoring.departmentFailed';


/** The kind of monitoring's process record (db/monitoring/records.ts): one project's result in a round. */
export const MONITORING_RESULT_RECORD = 'monitoring.result';
