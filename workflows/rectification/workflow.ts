// Rectification follow-up (整改), read top to bottom: a notice (整改通知书) with the problems found
// goes to the department by mail and into its inbox; the department plans (整改方案), then reports
// with evidence per problem; its head signs; finance verifies each problem (accepted: closed, partly
// accepted or returned: another round). Beside it one loop keeps the due date: a reminder before it,
// escalations after it with the overdue days counted, and after the last escalation an
// accountability case (问责) for finance with the notice's full history. Extension requests, granted
// or refused by finance, move the due date and the reminders with it. Further reports from the same
// source (RECTIFICATION_PROBLEMS_SIGNAL) merge into the open notice: a problem already there is not
// opened twice.
import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { SA } from '../../contracts/searchAttributes';
import { check, describeIssues } from '../../contracts/humanTask/schemas';
import { workingDays } from '../../contracts/calendar';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { ProjectRef } from '../../contracts/humanTask/tasks.zod';
import type { rectification as manifest } from '../../contracts/rectification/manifest.zod';
import type { ProblemReport, RectificationInput } from '../../contracts/rectification/problems.zod';
import type { RectificationProfile } from '../../contracts/rectification/profile.zod';
import { RECTIFICATION_SCHEMAS, RECTIFICATION_TYPES } from '../../contracts/rectification/schemas';
import {
  RECTIFICATION_TASKS as T,
  noticeNumber,
  overdueDaysAt,
  rectificationProblemsSignal,
  rectificationStatusQuery,
  type NoticeProblem,
  type RectificationEvent,
  type RectificationStatus,
} from '../../contracts/rectification/names';
import type { RectificationActivities } from '../../activities/rectification';
import { TaskBoard } from '../humanTask';

type Tasks = TaskFormsOf<(typeof manifest)['taskTypes'][number]['def']>;

const { rectificationSendNotice } = proxyActivities<RectificationActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '200ms', maximumInterval: '10s' },
});


const DAY = 86_400_000;
const FINANCE = 'finance_performance@FIN';

export interface RectificationResult {
  conclusion: 'closed' | 'closedLate' | 'accountability';
  rounds: number;
  overdueDays: number;
  problems: number;
}

type Input = RectificationInput & { profile: RectificationProfile };

export async function rectification(raw: RectificationInput): Promise<RectificationResult> {
  const parsed = check<Input>(RECTIFICATION_SCHEMAS.RectificationInput, raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(describeIssues(parsed.issues), 'InvalidInput');
  const input = parsed.value;
  const given = input.profile as Partial<RectificationProfile> & Pick<RectificationProfile, 'dueDays' | 'reminderBeforeDays' | 'escalateAfterDays'>;
  // defaults of the profile slice, for a caller that passed it unparsed
  const profile: RectificationProfile = { ...given, escalations: given.escalations ?? 2, maxExtensionDays: given.maxExtensionDays ?? 30, verifyDueDays: given.verifyDueDays ?? 10 };
  const report = input.report;
  const dayMs = input.dayMs ?? DAY;
  // working days on the calendar for real days; a test's shortened day counts every day
  const calendar = input.calendar && input.dayMs === undefined ? workingDays(input.calendar) : undefined;
  const addDays = (from: number, days: number): number => (calendar ? calendar.add(from, days) : from + days * dayMs);
  const wid = workflowInfo().workflowId;
  const board = new TaskBoard<Tasks>({ process: 'rectification', types: RECTIFICATION_TYPES, calendar: input.calendar, urgeWindowMs: input.urgeWindowMs });
  const iso = (ms: number = Date.now()): string => new Date(ms).toISOString();
  const issuedAt = iso();
  const dueAt = iso(addDays(Date.now(), profile.dueDays));
  const deptGroup = `competent_reviewer@${report.deptId}`;
  const headGroup = `competent_head@${report.deptId}`;

  const s: RectificationStatus = {
    workflowId: wid,
    noticeNo: noticeNumber(wid, issuedAt),
    deptId: report.deptId,
    unitId: report.unitId,
    source: report.source,
    issuedAt,
    issuedBy: report.reportedBy,
    dueAt,
    originalDueAt: dueAt,
    stage: 'plan',
    round: 0,
    problems: [],
    reminders: [],
    escalations: [],
    extensions: [],
    accountability: null,
    overdueDays: 0,
    closedAt: null,
    closedOnTime: null,
    events: [],
  };
  setHandler(rectificationStatusQuery, () => ({ ...s, overdueDays: overdueDaysAt(s.dueAt, s.closedAt ? Date.parse(s.closedAt) : Date.now(), dayMs) }));

  const project: ProjectRef = { id: wid.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 100), name: `${s.noticeNo} ${report.source.label}`, deptId: report.deptId, unitId: report.unitId };
  const event = (kind: RectificationEvent['kind'], by: string, detail: Record<string, unknown> = {}, reason: string | null = null): void => {
    s.events.push({ at: iso(), kind, by, detail });
    board.record({ actorId: by, actorName: by === 'system' ? '系统' : by, action: `rectification.${kind}`, projectId: project.id, reason, detail: { noticeNo: s.noticeNo, ...detail } });
  };
  const openProblems = (): NoticeProblem[] => s.problems.filter((p) => p.status !== 'closed');
  const publish = (): void => {
    upsertSearchAttributes([
      { key: SA.JixiaoProcess, value: 'rectification' },
      { key: SA.JixiaoDeptId, value: s.deptId },
      { key: SA.JixiaoUnitId, value: s.unitId },
      { key: SA.JixiaoStage, value: s.stage },
      { key: SA.JixiaoOpenTasks, value: board.openCount() },
    ]);
    board.setProcess({
      projectId: null,
      projectName: `整改通知书 ${s.noticeNo}：${s.source.label}`,
      deptId: s.deptId,
      unitId: s.unitId,
      stage: s.stage,
      status: s.stage === 'done' ? 'completed' : 'running',
      startedBy: s.issuedBy,
      summary: {
        noticeNo: s.noticeNo,
        source: s.source,
        issuedAt: s.issuedAt,
        dueAt: s.dueAt,
        originalDueAt: s.originalDueAt,
        closedAt: s.closedAt,
        closedOnTime: s.closedOnTime,
        round: s.round,
        escalations: s.escalations.length,
        overdueDays: s.escalations.at(-1)?.overdueDays ?? 0,
        extensions: s.extensions.filter((e) => e.decision === 'granted').length,
        accountability: s.accountability !== null,
        problems: s.problems.map((p) => ({
          key: p.key,
          projectId: p.projectId,
          description: p.description,
          status: p.status,
          sourceKinds: [...new Set(p.sources.map((x) => x.kind))],
          sourceLabel: p.sources[0]?.label ?? '',
          openedAt: p.openedAt,
          closedAt: p.closedAt,
        })),
      },
    });
  };

  // --- problems: the first report, and those merged in later -------------------------------------
  /** Adds a report's problems; one already open gains the source (merged), one closed reopens. Returns what changed. */
  const merge = (r: RectificationInput['report']): { added: string[]; merged: string[]; reopened: string[] } => {
    const out = { added: [] as string[], merged: [] as string[], reopened: [] as string[] };
    for (const p of r.problems) {
      const source = { kind: r.source.kind, ref: r.source.ref, label: r.source.label, reportedBy: r.reportedBy, reportedAt: r.reportedAt, evidence: p.evidence ?? {} };
      const existing = s.problems.find((x) => x.key === p.key);
      if (!existing) {
        s.problems.push({ key: p.key, projectId: p.projectId ?? null, description: p.description, measures: p.measures ?? null, plannedMeasures: null, status: 'open', sources: [source], rounds: [], openedAt: iso(), closedAt: null });
        out.added.push(p.key);
        continue;
      }
      // the same report again (signalWithStart delivers the starting report as a signal too): nothing new
      if (existing.sources.some((x) => x.kind === source.kind && x.ref === source.ref && x.reportedAt === source.reportedAt && x.reportedBy === source.reportedBy)) continue;
      existing.sources.push(source);
      if (existing.status === 'closed') {
        existing.status = 'open';
        existing.closedAt = null;
        out.reopened.push(p.key);
      } else out.merged.push(p.key);
    }
    return out;
  };

  const pending: ProblemReport[] = [];
  setHandler(rectificationProblemsSignal, (r: ProblemReport) => {
    pending.push(r);
  });

  let noticeSeq = 0;
  const sendNotice = async (why: 'issued' | 'added'): Promise<void> => {
    await rectificationSendNotice({ key: `${wid}/notice-${++noticeSeq}`, why, to: [deptGroup, headGroup], status: { ...s } });
  };

  merge(report);
  if (!s.problems.length) throw ApplicationFailure.nonRetryable('a notice needs at least one problem', 'InvalidInput');
  event('issued', report.reportedBy, { problems: s.problems.map((p) => p.key), dueAt: s.dueAt, source: s.source });
  publish();
  await sendNotice('issued');

  let closed = false;
  let rev = 0; // bumped when the due date moves or a problem changes
  let taskSeq = 0;

  // Later reports from the same source, merged into the open notice.
  const merging = (async () => {
    for (;;) {
      await condition(() => pending.length > 0 || closed);
      if (closed && !pending.length) return;
      const r = pending.shift() as ProblemReport;
      const ok = check<ProblemReport>(RECTIFICATION_SCHEMAS.ProblemReport, r);
      if (!ok.ok) {
        event('merged', 'system', { refused: describeIssues(ok.issues) }, '问题报告格式不符，未并入');
        continue;
      }
      const changed = merge(ok.value);
      if (changed.merged.length) event('merged', ok.value.reportedBy, { keys: changed.merged, source: ok.value.source }, '同一问题已在整改中，合并至本通知书');
      if (changed.added.length || changed.reopened.length) {
        event('added', ok.value.reportedBy, { keys: changed.added, reopened: changed.reopened, source: ok.value.source });
        rev++;
        publish();
        if (!closed) await sendNotice('added');
      } else publish();
    }
  })();

  // --- the due date: reminder, escalations, accountability ---------------------------------------
  let remindedFor: string | null = null;
  let level = 0; // escalations sent since the due date last moved
  let accountability: Promise<void> | null = null;
  const step = Math.max(1, profile.escalateAfterDays);
  const nextDeadline = (): { at: number; what: 'remind' | 'escalate' } | null => {
    if (!openProblems().length) return null; // all rectified: nothing to press for
    const due = Date.parse(s.dueAt);
    if (profile.reminderBeforeDays > 0 && remindedFor !== s.dueAt) {
      const at = due - profile.reminderBeforeDays * dayMs;
      if (at > Date.now()) return { at, what: 'remind' };
      remindedFor = s.dueAt; // already inside the reminder window when the date was set: nothing to remind before
    }
    if (level < profile.escalations) return { at: due + (level + 1) * step * dayMs, what: 'escalate' };
    return null;
  };
  const deadlines = (async () => {
    for (;;) {
      const seen = rev;
      const next = nextDeadline();
      if (!next) {
        await condition(() => rev !== seen || closed);
      } else {
        await condition(() => rev !== seen || closed, Math.max(1, next.at - Date.now()));
      }
      if (closed) return;
      if (rev !== seen || !next || Date.now() < next.at) continue;
      if (next.what === 'remind') {
        remindedFor = s.dueAt;
        s.reminders.push(iso());
        board.notify({ kind: 'reminder', to: [deptGroup], title: `整改即将到期：${s.noticeNo}`, projectName: s.source.label, reason: `整改期限${s.dueAt.slice(0, 10)}，尚有${openProblems().length}个问题未整改完成` });
        event('reminded', 'system', { dueAt: s.dueAt, open: openProblems().length });
        publish();
        continue;
      }
      level++;
      const overdueDays = overdueDaysAt(s.dueAt, Date.now(), dayMs);
      const to = [headGroup, FINANCE];
      s.escalations.push({ at: iso(), level, overdueDays, to });
      board.notify({ kind: 'escalated', to, title: `整改逾期：${s.noticeNo}（${s.source.label}）`, projectName: s.source.label, reason: `已逾期${overdueDays}天，${openProblems().length}个问题未整改（第${level}次督办）` });
      event('escalated', 'system', { level, overdueDays, to, open: openProblems().map((p) => p.key) });
      publish();
      if (level >= profile.escalations && !s.accountability && openProblems().length) accountability = openAccountability(overdueDays);
    }
  })();

  async function openAccountability(overdueDays: number): Promise<void> {
    const key = 'accountability';
    s.accountability = { openedAt: iso(), taskId: `${wid}:${key}`, outcome: null, decidedBy: null, comment: null };
    event('accountability', 'system', { overdueDays, open: openProblems().map((p) => p.key) }, '最后一次督办后仍未整改，转问责');
    publish();
    const r = await board.ask({
      key,
      type: T.accountability,
      title: `整改问责：${s.noticeNo}（${s.source.label}），逾期${overdueDays}天`,
      project,
      candidateGroups: [FINANCE],
      dueInMs: profile.verifyDueDays * dayMs,
      priority: 2,
      // the full history: every problem with its sources and rounds, the reminders, escalations, extensions and events
      context: { notice: { noticeNo: s.noticeNo, source: s.source, issuedAt: s.issuedAt, dueAt: s.dueAt, originalDueAt: s.originalDueAt, overdueDays }, problems: s.problems, openProblems: openProblems().map((p) => p.key), reminders: s.reminders, escalations: s.escalations, extensions: s.extensions, events: s.events },
    });
    const acc = s.accountability;
    if (!acc) return;
    const comment = r.comment ?? (r.form as { comment?: string }).comment ?? null;
    Object.assign(acc, { outcome: r.outcome, decidedBy: r.decidedBy, comment });
    event('accountability', r.decidedBy, { outcome: r.outcome }, comment);
    publish();
  }

  // --- extension requests ---------------------------------------------------------------------
  const extension = async (by: string, req: { reason: string; days: number }): Promise<void> => {
    const prev = s.stage;
    s.stage = 'extension';
    const ext: RectificationStatus['extensions'][number] = { requestedAt: iso(), requestedBy: by, days: req.days, reason: req.reason, decision: null, grantedDays: null, decidedBy: null, comment: null };
    s.extensions.push(ext);
    event('extensionRequested', by, { days: req.days, dueAt: s.dueAt }, req.reason);
    publish();
    const r = await board.ask({
      key: `extension-${s.extensions.length}`,
      type: T.extension,
      title: `整改延期申请：${s.noticeNo}（${req.days}天）`,
      project,
      candidateGroups: [FINANCE],
      submittedBy: by,
      dueInMs: Math.max(dayMs, 2 * dayMs),
      context: { request: { ...req, requestedBy: by }, dueAt: s.dueAt, maxExtensionDays: profile.maxExtensionDays, problems: openProblems().map((p) => ({ key: p.key, description: p.description })) },
      notifySubmitter: true,
    });
    const comment = r.comment ?? (r.form as { comment?: string }).comment ?? null;
    if (r.outcome === 'grant') {
      const days = Math.min(r.form.days ?? req.days, profile.maxExtensionDays);
      const from = s.dueAt;
      s.dueAt = iso(addDays(Date.parse(s.dueAt), days));
      Object.assign(ext, { decision: 'granted', grantedDays: days, decidedBy: r.decidedBy, comment });
      // the reminder and the escalations start again from the new date
      remindedFor = null;
      level = 0;
      rev++;
      event('extensionGranted', r.decidedBy, { days, from, to: s.dueAt }, comment);
    } else {
      Object.assign(ext, { decision: 'refused', decidedBy: r.decidedBy, comment });
      event('extensionRefused', r.decidedBy, { dueAt: s.dueAt }, comment);
    }
    s.stage = prev;
    publish();
  };

  const remainingMs = (): number => Math.max(1000, Date.parse(s.dueAt) - Date.now());
  const noticeContext = () => ({ notice: { noticeNo: s.noticeNo, source: s.source, issuedAt: s.issuedAt, dueAt: s.dueAt, deptId: s.deptId, unitId: s.unitId, workflowId: wid } });

  // --- the plan (整改方案) ----------------------------------------------------------------------
  for (;;) {
    s.stage = 'plan';
    publish();
    const r = await board.ask({
      key: `plan-${++taskSeq}`,
      type: T.plan,
      title: `整改方案：${s.noticeNo}（${s.source.label}）`,
      project,
      candidateGroups: [deptGroup],
      dueInMs: remainingMs(),
      priority: 2,
      context: { ...noticeContext(), problems: openProblems().map((p) => ({ key: p.key, description: p.description, measures: p.measures, sources: p.sources })) },
    });
    if (r.outcome === 'requestExtension') {
      await extension(r.decidedBy, r.form);
      continue;
    }
    if (r.outcome !== 'submit') continue; // returned to the pool: ask again
    for (const m of r.form.measures) {
      const p = s.problems.find((x) => x.key === m.key);
      if (p) p.plannedMeasures = [m.measures, m.responsible ? `责任人：${m.responsible}` : '', m.by ? `完成时限：${m.by}` : ''].filter(Boolean).join('；');
    }
    event('planSubmitted', r.decidedBy, { keys: r.form.measures.map((m) => m.key) }, r.form.comment ?? null);
    break;
  }

  // --- report, sign-off, verification, round after round ------------------------------------------
  while (openProblems().length) {
    s.round++;
    let reportForm: { problems: Array<{ key: string; done: string; attachmentIds: number[] }>; comment?: string } | null = null;
    let reporter = '';
    let returnReason: string | null = null;
    while (!reportForm) {
      s.stage = 'report';
      publish();
      const open = openProblems();
      const r = await board.ask({
        key: `report-${s.round}-${++taskSeq}`,
        type: T.report,
        title: `整改报告：${s.noticeNo}（第${s.round}轮）`,
        project,
        candidateGroups: [deptGroup],
        dueInMs: remainingMs(),
        priority: 2,
        context: {
          ...noticeContext(),
          round: s.round,
          returnReason,
          problems: open.map((p) => ({ key: p.key, description: p.description, measures: p.measures, plannedMeasures: p.plannedMeasures, status: p.status, lastVerdict: p.rounds.at(-1) ?? null, sources: p.sources })),
        },
      });
      if (r.outcome === 'requestExtension') {
        await extension(r.decidedBy, r.form);
        continue;
      }
      if (r.outcome !== 'submit') continue;
      const known: Array<{ key: string; done: string; attachmentIds: number[] }> = r.form.problems.filter((x) => openProblems().some((p) => p.key === x.key));
      if (!known.length) {
        returnReason = '报告未涉及本通知书中待整改的问题';
        continue;
      }
      event('reportSubmitted', r.decidedBy, { round: s.round, keys: known.map((x) => x.key), attachments: known.flatMap((x) => x.attachmentIds) }, r.form.comment ?? null);
      // the department head signs before it goes to finance
      s.stage = 'signOff';
      publish();
      const sign: { outcome: string; comment: string | null; decidedBy: string; form: { comment?: string } } = await board.ask({
        key: `signOff-${s.round}-${++taskSeq}`,
        type: T.signOff,
        title: `整改报告签发：${s.noticeNo}（第${s.round}轮）`,
        project,
        candidateGroups: [headGroup],
        dueInMs: Math.max(dayMs, 3 * dayMs),
        priority: 2,
        context: { ...noticeContext(), round: s.round, report: known, problems: openProblems().map((p) => ({ key: p.key, description: p.description, plannedMeasures: p.plannedMeasures })) },
      });
      if (sign.outcome === 'approve') {
        event('signed', sign.decidedBy, { round: s.round }, sign.comment ?? sign.form.comment ?? null);
        reportForm = { ...r.form, problems: known };
        reporter = r.decidedBy;
      } else {
        returnReason = sign.comment ?? sign.form.comment ?? '部门负责人退回';
        event('signReturned', sign.decidedBy, { round: s.round }, returnReason);
      }
    }

    s.stage = 'verify';
    publish();
    const reported = reportForm.problems;
    const v = await board.ask({
      key: `verify-${s.round}`,
      type: T.verify,
      title: `整改核验：${s.noticeNo}（第${s.round}轮）`,
      project,
      candidateGroups: [FINANCE],
      submittedBy: reporter,
      dueInMs: profile.verifyDueDays * dayMs,
      priority: 2,
      context: {
        ...noticeContext(),
        round: s.round,
        report: reported.map((x) => ({ ...x, description: s.problems.find((p) => p.key === x.key)?.description, plannedMeasures: s.problems.find((p) => p.key === x.key)?.plannedMeasures })),
      },
      notifySubmitter: true,
    });
    const verdicts = v.outcome === 'verify' ? v.form.verdicts : [];
    for (const x of reported) {
      const p = s.problems.find((q) => q.key === x.key);
      if (!p || p.status === 'closed') continue;
      const verdict = verdicts.find((d) => d.key === x.key);
      const kind = verdict?.verdict ?? 'returned';
      p.rounds.push({ round: s.round, done: x.done, attachmentIds: x.attachmentIds, verdict: kind, comment: verdict?.comment ?? (verdict ? null : '未给出核验意见'), verifiedBy: v.decidedBy, verifiedAt: iso() });
      if (kind === 'accepted') {
        p.status = 'closed';
        p.closedAt = iso();
      } else p.status = kind;
    }
    rev++;
    const verifyComment = v.comment ?? (v.form as { comment?: string }).comment ?? null;
    event('verified', v.decidedBy, { round: s.round, verdicts: reported.map((x) => ({ key: x.key, verdict: s.problems.find((p) => p.key === x.key)?.rounds.at(-1)?.verdict })) }, verifyComment);
    const back = reported.filter((x) => s.problems.find((p) => p.key === x.key)?.status !== 'closed');
    if (back.length) board.notify({ kind: 'decided', to: [deptGroup], title: `整改核验：${s.noticeNo} 第${s.round}轮，${back.length}个问题需继续整改`, projectName: s.source.label, reason: verifyComment });
    publish();
    // a report merged in during verification waits for this point: let the merge loop run first
    await condition(() => pending.length === 0);
  }

  // --- closed ------------------------------------------------------------------------------------
  s.closedAt = iso();
  s.closedOnTime = Date.parse(s.closedAt) <= Date.parse(s.dueAt);
  event('closed', 'system', { onTime: s.closedOnTime, overdueDays: overdueDaysAt(s.dueAt, Date.now(), dayMs) });
  board.notify({ kind: 'notice', to: [deptGroup, headGroup], title: `整改完成：${s.noticeNo}（${s.source.label}）`, projectName: s.source.label, reason: s.closedOnTime ? '全部问题已按期整改到位' : `全部问题已整改，逾期${overdueDaysAt(s.dueAt, Date.now(), dayMs)}天` });
  publish();
  // a case already opened is still finance's to decide
  if (accountability) await accountability;
  closed = true;
  await Promise.all([deadlines, merging]);
  s.stage = 'done';
  publish();
  await board.drain();
  const conclusion = s.accountability?.outcome === 'hold' ? 'accountability' : s.closedOnTime ? 'closed' : 'closedLate';
  return { conclusion, rounds: s.round, overdueDays: overdueDaysAt(s.dueAt, Date.parse(s.closedAt), dayMs), problems: s.problems.length };
}
