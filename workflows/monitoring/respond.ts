// The region's response to a triggered rule, through the other process's contract only: Inner
// Mongolia starts the warning (预警, payments suspended at once), Xinjiang pushes the project to its
// department and unit for rectification (整改, payments untouched). A batch's warnings start together
// through one activity (raised by the warning's contract, activities/warning/raise.ts: no event in the batch's history
// per warning; an ordinary activity the batch does not wait for, a local one before
// WARNINGS_START_APART); before that patch, and for a rectification, a child workflow under the
// contract's id, abandoned on close; when one is already running, the trigger is signalled to it.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, ParentClosePolicy, getExternalWorkflowHandle, patched, proxyActivities, proxyLocalActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { FinanceActivities } from '../../activities/finance';
import type { MonitoringActivities, WarningStart } from '../../activities/monitoring';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, warningTaskQueue, warningWorkflowId } from '../../contracts/warning/names';
import type { WarningInput, WarningTrigger } from '../../contracts/warning/trigger.zod';
import { RECTIFICATION_PROBLEMS_SIGNAL, RECTIFICATION_WORKFLOW, rectificationWorkflowId } from '../../contracts/rectification/start';
import type { ProblemReport } from '../../contracts/rectification/problems.zod';
import type { RoundProject, RoundSettings, RuleHit } from '../../contracts/monitoring/round.zod';

async function startOrSignal(type: string, workflowId: string, input: unknown, signal: string, payload: unknown, taskQueue?: string): Promise<void> {
  try {
    await startChild(type, { workflowId, args: [input], parentClosePolicy: ParentClosePolicy.ABANDON, ...(taskQueue ? { taskQueue } : {}) });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    await getExternalWorkflowHandle(workflowId).signal(signal, payload);
  }
}

/**
 * Payments stop where the deviation is found, by local activity in the same workflow task (no round
 * trip through Temporal before the money stops); the warning, started with the finance system's
 * answer, records the suspension and does not repeat it. Keyed per trigger (the rule, its source and
 * its time): a later warning on the same project stops them again under a key of its own.
 */
const stop = proxyLocalActivities<FinanceActivities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

/** The finance system's answer, or null when it refused (already suspended, closed): the warning then tries itself. */
async function stopPayments(p: RoundProject, hit: RuleHit, ref: string): Promise<WarningInput['suspended'] | null> {
  const step = `suspend-${p.id}-${hit.rule.id}-${hit.source}-${Date.parse(hit.observedAt)}`;
  try {
    const r = await stop.financeSuspendPayments({ step, projectId: p.id, reason: `预警：${hit.rule.label}`, ref });
    return { at: r.at, ledgerSeq: r.ledgerSeq, key: `${workflowInfo().workflowId}/${step}` };
  } catch (e) {
    const cause = e instanceof ActivityFailure ? e.cause : e;
    if (cause instanceof ApplicationFailure && cause.nonRetryable) return null;
    throw e;
  }
}

/** A batch's warnings start through one local activity (monitoringStartWarnings), not a child workflow each. */
export const WARNINGS_BY_ACTIVITY = 'jixiao.monitoring.warnings-by-activity';

/**
 * A batch's few dozen warnings, a few at once (the activity's own bound): the minute is for a
 * Temporal server under load; retried as the suspension is, and a retry starts nothing twice (the
 * warning ignores a trigger it has).
 */
const starts = proxyLocalActivities<MonitoringActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds' },
});

/** The warning of a project and its input, by the warning's contract. */
function warningOf(s: RoundSettings, round: string, p: RoundProject, hit: RuleHit): { id: string; input: WarningInput } {
  const trigger: WarningTrigger = {
    year: s.year,
    project: { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.availableFen },
    source: hit.source,
    ref: round,
    trace: { rule: hit.rule, data: hit.data, threshold: hit.threshold, observedAt: hit.observedAt },
    triggeredBy: 'system',
    triggeredAt: hit.observedAt,
  };
  const id = warningWorkflowId(s.year, p.id);
  // the region's warning slice, which every round of the profile carries (roundTemplate)
  return { id, input: { trigger, profile: s.warning as WarningInput['profile'], urgeWindowMs: s.urgeWindowMs, dayMs: s.dayMs } };
}

/** Payments stop for each project at once (local activities); the warnings to start, in the order of the projects. */
async function suspendEach(s: RoundSettings, round: string, items: Array<{ p: RoundProject; hit: RuleHit }>): Promise<WarningStart[]> {
  const taskQueue = warningTaskQueue(workflowInfo().taskQueue);
  return Promise.all(
    items.map(async ({ p, hit }): Promise<WarningStart> => {
      const { id, input } = warningOf(s, round, p, hit);
      const suspended = await stopPayments(p, hit, id);
      if (suspended) input.suspended = suspended;
      return { workflowId: id, taskQueue, input };
    }),
  );
}

/**
 * Warns on a batch response's projects (one open warning per project: a running one gets the
 * trigger attached): payments stop for each at once, then one local activity starts them all, each
 * with the finance system's answer. The warnings' ids, in the order of the projects. Before
 * WARNINGS_START_APART only.
 */
export async function warnAll(s: RoundSettings, round: string, items: Array<{ p: RoundProject; hit: RuleHit }>): Promise<string[]> {
  const warnings = await suspendEach(s, round, items);
  await starts.monitoringStartWarnings({ warnings });
  return warnings.map((w) => w.workflowId);
}

/**
 * The warnings' start leaves the batch's workflow task: an ordinary activity the batch does not wait
 * for before it opens its forms. As a local activity it held the workflow task open while the server
 * started them (a batch's first task up to 8 s at province scale, 2026-12-03 21:28), and every Update
 * to the batch waited behind it. The suspensions stay local activities in the task (money first).
 */
export const WARNINGS_START_APART = 'jixiao.monitoring.warnings-start-apart';

/** Retried through outages and a busy server (a retry starts nothing twice); WarningNotStarted is for good. */
const startsApart = proxyActivities<MonitoringActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Payments stop for each project at once; answers the warnings' ids (by the warning's contract, in
 * the order of the projects) and their start, to run apart from the caller's workflow task.
 */
export async function suspendThenStart(s: RoundSettings, round: string, items: Array<{ p: RoundProject; hit: RuleHit }>): Promise<{ ids: string[]; start: () => Promise<void> }> {
  const warnings = await suspendEach(s, round, items);
  return { ids: warnings.map((w) => w.workflowId), start: async () => void (await startsApart.monitoringStartWarnings({ warnings })) };
}

/** Warns on one project by a child workflow (before WARNINGS_BY_ACTIVITY; a running one gets the trigger as a signal). */
export async function warn(s: RoundSettings, round: string, p: RoundProject, hit: RuleHit): Promise<string> {
  const { id, input } = warningOf(s, round, p, hit);
  const trigger = input.trigger;
  if (patched('jixiao.monitoring.stop-payments-at-detection')) {
    const suspended = await stopPayments(p, hit, id);
    if (suspended) input.suspended = suspended;
  }
  // on the warning's own task queue (slots of its own; the payments were stopped above)
  const queue = patched('jixiao.monitoring.warning-own-queue') ? warningTaskQueue(workflowInfo().taskQueue) : undefined;
  await startOrSignal(WARNING_WORKFLOW, id, input, WARNING_TRIGGER_SIGNAL, trigger, queue);
  return id;
}

/** Pushes a unit's deviating projects to rectification: one notice per unit and round. */
export async function pushToRectification(s: RoundSettings, round: string, unitId: string, items: Array<{ p: RoundProject; hits: RuleHit[] }>, at: string): Promise<string> {
  const report: ProblemReport = {
    deptId: items[0].p.deptId,
    unitId,
    source: { kind: 'monitoring', ref: round, label: `${s.year}年${s.name}` },
    problems: items.flatMap(({ p, hits }) =>
      hits.map((h) => ({
        key: `${p.id}/${h.rule.id}/${h.source}`,
        projectId: p.id,
        description: `${p.name}：${h.rule.label}`,
        evidence: { rule: h.rule, data: h.data, threshold: h.threshold, observedAt: h.observedAt },
      })),
    ),
    reportedBy: 'system',
    reportedAt: at,
  };
  const id = rectificationWorkflowId(unitId, 'monitoring', round);
  const profile = s.rectification ?? { dueDays: 15, reminderBeforeDays: 3, escalateAfterDays: 3 };
  await startOrSignal(RECTIFICATION_WORKFLOW, id, { report, profile, calendar: s.calendar, urgeWindowMs: s.urgeWindowMs, dayMs: s.dayMs }, RECTIFICATION_PROBLEMS_SIGNAL, report);
  return id;
}
