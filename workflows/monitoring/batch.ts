// A batch of a department's projects in a round (at most settings.batchSize, so every history and
// payload stays small), read top to bottom: the data rule is evaluated on finance's execution at the
// cut-off as the batch opens, and a deviation gets the region's response at once (a warning never waits
// for the form); each project's monitoring form (监控表) opens in its unit's inbox with the data filled
// in, due in working days, with reminders and escalation; a submitted form is evaluated on the form
// rules, reasons and measures are required when behind, and the department reviews it and may return
// it. A form still open after the escalation is flagged overdue; at the round's close it is closed as
// not submitted. Every project's result is stored for the evaluation stage.
import { ApplicationFailure, condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MonitoringActivities } from '../../activities/monitoring';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { MONITORING_SCHEMAS, MONITORING_TYPES } from '../../contracts/monitoring/schemas';
import { MONITORING_TASKS } from '../../contracts/monitoring/names';
import type { MonitoringBatchInput, MonitoringForm, ProjectResult, RoundProject, RoundSettings, RoundTotals, RuleHit } from '../../contracts/monitoring/round.zod';
import { emptyTotals, executionLagHit, formHits, isBehind, missingReasons, timeProgressBp } from '../../contracts/monitoring/rules';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { monitoring as manifest } from '../../contracts/monitoring/manifest.zod';
import { TaskBoard } from '../humanTask';
import { pushToRectification, warn } from './respond';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;

const { monitoringSaveResults } = proxyActivities<MonitoringActivities>({ startToCloseTimeout: '30s', retry: { maximumInterval: '10s' } });

type Parsed = { settings: RoundSettings; round: string; deptId: string; batch: number; projects: RoundProject[] };

export async function monitoringBatch(raw: MonitoringBatchInput): Promise<RoundTotals> {
  const parsed = check<Parsed>(MONITORING_SCHEMAS.MonitoringBatchInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const { settings: s, round, projects } = parsed.value;
  const profile = s.profile;
  const batchId = workflowInfo().workflowId;
  const board = new TaskBoard<Tasks>({ process: 'monitoring', types: MONITORING_TYPES, calendar: s.calendar, urgeWindowMs: s.urgeWindowMs });
  const tp = timeProgressBp(s.year, s.cutoff);
  const openedAt = new Date(Date.now()).toISOString();
  const day = s.dayMs;
  const dueWorkingDays = profile.rounds.find((r) => r.cutoff === s.cutoff)?.dueWorkingDays ?? profile.rounds[0].dueWorkingDays;

  const results = new Map<string, ProjectResult>();
  const dirty = new Set<string>();
  for (const p of projects) {
    results.set(p.id, {
      round, projectId: p.id, projectName: p.name, deptId: p.deptId, unitId: p.unitId, transferId: p.transferId, batchId,
      stage: 'form', overdue: false, availableFen: p.availableFen, paidFen: p.paidFen, executionRateBp: p.executionRateBp,
      timeProgressBp: tp, form: null, hits: [], responseRef: null, version: Date.now(),
    });
  }
  const touch = (id: string, change: Partial<ProjectResult>) => {
    const r = results.get(id) as ProjectResult;
    Object.assign(r, change, { version: Date.now() });
    dirty.add(id);
  };
  const save = async () => {
    const rows = [...dirty].map((id) => results.get(id) as ProjectResult);
    dirty.clear();
    for (let i = 0; i < rows.length; i += 100) await monitoringSaveResults(rows.slice(i, i + 100));
  };

  // 1. The data rule on finance's execution at the cut-off, and the region's response at once.
  const hits = new Map<string, RuleHit>();
  for (const p of projects) {
    const h = executionLagHit(p, tp, profile, openedAt);
    if (h) hits.set(p.id, h);
  }
  const respond = async (items: Array<{ p: RoundProject; hits: RuleHit[] }>): Promise<void> => {
    if (!items.length) return;
    if (profile.response === 'warning') {
      await Promise.all(items.map(async ({ p, hits: hs }) => touch(p.id, { responseRef: await warn(s, round, p, hs[0]) })));
    } else {
      const byUnit = new Map<string, typeof items>();
      for (const it of items) byUnit.set(it.p.unitId, [...(byUnit.get(it.p.unitId) ?? []), it]);
      await Promise.all([...byUnit].map(async ([unitId, its]) => {
        const ref = await pushToRectification(s, round, unitId, its, new Date(Date.now()).toISOString());
        for (const it of its) touch(it.p.id, { responseRef: ref });
      }));
    }
  };
  for (const p of projects) if (hits.has(p.id)) touch(p.id, { hits: [hits.get(p.id) as RuleHit] });
  const responding = respond(projects.filter((p) => hits.has(p.id)).map((p) => ({ p, hits: [hits.get(p.id) as RuleHit] })));

  // 2. The forms, each in its unit's inbox with finance's data filled in.
  const dueMs = s.formDueMs;
  const formDue = dueMs ? { dueInMs: dueMs } : { due: { workingDays: dueWorkingDays } };
  const remind = dueMs ? [Math.max(1, Math.floor(dueMs / 2))] : profile.reminderBeforeDays > 0 ? [profile.reminderBeforeDays * day] : [];
  const escalateAfterMs = dueMs ? dueMs : profile.escalateAfterDays * day;

  async function monitor(p: RoundProject): Promise<void> {
    const ref = { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, amountFen: p.availableFen };
    const data = { executionRatePct: p.executionRateBp / 100, timeProgressPct: tp / 100, availableFen: p.availableFen, paidFen: p.paidFen, cutoff: `${s.year}-${s.cutoff}`, round: s.name };
    let returnReason: string | null = null;
    for (let rev = 0; ; rev++) {
      touch(p.id, { stage: 'form' });
      const f: { outcome: string; form: unknown; decidedBy: string } = await board.ask({
        key: `form-${p.id}-${rev}`,
        type: MONITORING_TASKS.form,
        title: `绩效监控表（${s.name}）：${p.name}`,
        project: ref,
        candidateGroups: [`unit_preparer@${p.unitId}`],
        ...formDue,
        remindBeforeMs: remind,
        escalation: { afterMs: escalateAfterMs, to: { group: `unit_head@${p.unitId}` }, lateDecision: 'allow' },
        context: { execution: data, indicators: p.indicators.map((i) => ({ ...i, core: true })), warned: hits.has(p.id), returnReason, revision: rev },
      });
      if (f.outcome !== 'submit') return; // returned by the unit itself: it stays unsubmitted
      const form = f.form as MonitoringForm;
      const fh = formHits(form, profile, new Date(Date.now()).toISOString());
      if (isBehind(form, [...(hits.has(p.id) ? [hits.get(p.id) as RuleHit] : []), ...fh]) && missingReasons(form).length) {
        returnReason = `项目存在偏差，请填写：${missingReasons(form).map((m) => (m === 'deviationReason' ? '偏差原因' : '纠偏措施')).join('、')}`;
        board.record({ actorId: 'system', actorName: '系统', action: 'monitoring.formIncomplete', projectId: p.id, reason: returnReason });
        continue;
      }
      const r = results.get(p.id) as ProjectResult;
      const fresh = fh.filter((h) => !r.hits.some((x) => x.rule.id === h.rule.id && x.source === 'form'));
      touch(p.id, { stage: 'review', form, hits: [...r.hits, ...fresh] });
      if (fresh.length) await respond([{ p, hits: fresh }]);
      const review: { outcome: string; comment: string | null } = await board.ask({
        key: `review-${p.id}-${rev}`,
        type: MONITORING_TASKS.review,
        title: `审核绩效监控表（${s.name}）：${p.name}`,
        project: ref,
        candidateGroups: [`competent_reviewer@${p.deptId}`],
        submittedBy: f.decidedBy,
        dueInMs: 5 * day,
        context: { execution: data, form, hits: (results.get(p.id) as ProjectResult).hits, revision: rev },
        notifySubmitter: true,
      });
      if (review.outcome === 'approve') {
        touch(p.id, { stage: 'approved' });
        return;
      }
      if (review.outcome === 'withdrawn') return;
      returnReason = review.comment ?? '退回修改';
    }
  }

  const running = new Set(projects.map((p) => p.id));
  const all = projects.map((p) => monitor(p).finally(() => running.delete(p.id)));
  void all;
  await responding;
  await save();

  // 3. Overdue beyond escalation: flagged (still open for a late submission); the round's close ends the rest.
  const overdueAfter = (dueMs ?? dueWorkingDays * day) + escalateAfterMs;
  const closeAfter = (dueMs ? dueMs * 3 : dueWorkingDays * day + profile.closeAfterDays * day);
  const started = Date.now();
  let flagged = false;
  for (;;) {
    const until = flagged ? started + closeAfter : started + overdueAfter;
    const settled = await condition(() => running.size === 0 || dirty.size > 0, Math.max(1, until - Date.now()));
    await save();
    if (running.size === 0) break;
    if (settled) continue;
    if (!flagged) {
      flagged = true;
      for (const id of running) if ((results.get(id) as ProjectResult).stage === 'form') touch(id, { overdue: true });
      continue;
    }
    for (const id of running) {
      const r = results.get(id) as ProjectResult;
      for (const key of board.openKeys().filter((k) => k.includes(`-${id}-`))) board.cancel(key, '监控已结束');
      touch(id, { stage: r.stage === 'form' ? 'notSubmitted' : r.stage });
    }
    break;
  }
  await save();
  await board.drain();

  const totals = emptyTotals();
  for (const r of results.values()) {
    totals.projects++;
    if (r.form) totals.submitted++;
    if (r.stage === 'approved') totals.approved++;
    if (r.overdue) totals.overdue++;
    if (r.stage === 'notSubmitted') totals.notSubmitted++;
    if (r.hits.length) totals.warned++;
  }
  return totals;
}
