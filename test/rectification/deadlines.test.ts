// A notice's due date on the real system with a shortened day (dayMs): the reminder before it, the
// escalations after it with the overdue days counted, an extension that moves the due date and its
// reminder, a duplicate problem from the same source merged into the open notice, and the
// accountability case (问责) after the final escalation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { RectificationProfile } from '../../contracts/rectification/profile.zod';
import { RECTIFICATION_TASKS as T } from '../../contracts/rectification/names';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { WITH_RECTIFICATION, decide, openTask, raise, report, status, uniqueRef } from './helpers';

const profile = (over: Partial<RectificationProfile>): RectificationProfile => ({ dueDays: 3, reminderBeforeDays: 1, escalateAfterDays: 1, escalations: 2, maxExtensionDays: 30, verifyDueDays: 10, ...over });

describe('a rectification notice’s due date', () => {
  let sys: TestSystem;
  let perf: Http;
  let dept: Http;
  const running: string[] = [];

  beforeAll(async () => {
    sys = await startSystem({}, { processes: WITH_RECTIFICATION });
    [perf, dept] = await Promise.all([sys.as('perf-officer'), sys.as('d01-reviewer')]);
  });
  afterAll(async () => {
    for (const id of running) await sys.deps.temporal.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await sys?.stop();
  });

  const start = async (ref: string, p: RectificationProfile, dayMs: number, problems = [{ key: 'P1/exec', description: '预算执行率仅32%' }]) => {
    const h = await raise(sys.deps.temporal, sys.config.temporal.taskQueue, report(ref, problems), p, dayMs);
    running.push(h.workflowId);
    return h.workflowId;
  };
  const mailsOf = async (workflowId: string, kind: string) =>
    (await sys.deps.db.query<{ user_id: string; subject: string; body_text: string }>(`SELECT o.user_id, o.subject, o.body_text FROM outbox o WHERE o.kind = $1 AND o.key LIKE $2 ORDER BY o.id`, [kind, `${workflowId}%`])).rows;

  it('an overdue notice is reminded before its due date, then escalates to the department head and finance with the overdue days counted', async () => {
    const dayMs = 1000;
    const id = await start(uniqueRef(), profile({ dueDays: 3, reminderBeforeDays: 1, escalateAfterDays: 1, escalations: 3 }), dayMs);
    const s0 = await status(sys.deps.temporal, id);
    const due = Date.parse(s0.dueAt);
    expect(due - Date.parse(s0.issuedAt)).toBe(3 * dayMs);

    const s = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.escalations.length >= 2 ? x : undefined;
    }, 'two escalations', 20_000);
    expect(s.reminders).toHaveLength(1);
    expect(Date.parse(s.reminders[0])).toBeGreaterThanOrEqual(due - dayMs);
    expect(Date.parse(s.reminders[0])).toBeLessThan(due);
    expect(s.escalations.slice(0, 2).map((e) => [e.level, e.overdueDays, e.to])).toEqual([
      [1, 1, ['competent_head@D01', 'finance_performance@FIN']],
      [2, 2, ['competent_head@D01', 'finance_performance@FIN']],
    ]);
    expect(s.overdueDays).toBeGreaterThanOrEqual(2);
    expect(s.accountability).toBeNull(); // three escalations before accountability in this profile

    // mailed: the reminder to the department, each escalation to its head and to finance
    const reminders = await eventually(async () => ((await mailsOf(id, 'reminder')).length ? mailsOf(id, 'reminder') : undefined), 'the reminder mail');
    expect(reminders.map((m) => m.user_id)).toEqual(expect.arrayContaining(['d01-reviewer', 'd01-reviewer2']));
    const escalated = await eventually(async () => ((await mailsOf(id, 'escalated')).length >= 4 ? mailsOf(id, 'escalated') : undefined), 'the escalation mails');
    expect(new Set(escalated.map((m) => m.user_id))).toEqual(new Set(['d01-head', 'perf-head', 'perf-officer', 'perf-officer2']));
    expect(escalated[0].body_text).toContain('已逾期1天');

    // counted on the dashboard and the listing
    const listed = await eventually(async () => {
      const l = await perf.get('/api/rectifications/problems?deptId=D01&source=monitoring');
      return l.body.items?.find((p: { workflowId: string; escalations: number }) => p.workflowId === id && p.escalations >= 2);
    }, 'the escalated problem in the listing');
    expect(listed).toMatchObject({ key: 'P1/exec', status: 'open', unitId: 'U0101' });
    const dash = await perf.get('/api/rectifications/dashboard');
    expect(dash.body.notices.escalated).toBeGreaterThanOrEqual(1);
    expect(dash.body.bySource.find((x: { source: string }) => x.source === 'monitoring').open).toBeGreaterThanOrEqual(1);
  });

  it('an extension granted by finance moves the due date and its reminder with it', async () => {
    const dayMs = 2000;
    const id = await start(uniqueRef(), profile({ dueDays: 5, reminderBeforeDays: 2, escalations: 1 }), dayMs);
    const s0 = await status(sys.deps.temporal, id);
    const plan = await openTask(dept, id, T.plan);
    await decide(dept, plan, 'requestExtension', { reason: '涉及政府采购，需重新招标', days: 10 });
    const ext = await openTask(perf, id, T.extension);
    const asked = await perf.get(`/api/tasks/${encodeURIComponent(ext.id)}`);
    expect(asked.body.state.spec.context.request).toMatchObject({ reason: '涉及政府采购，需重新招标', days: 10, requestedBy: 'd01-reviewer' });
    await decide(perf, ext, 'grant', { days: 5, comment: '同意延期5天' });

    const s1 = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.extensions[0]?.decision === 'granted' ? x : undefined;
    }, 'the granted extension');
    expect(Date.parse(s1.dueAt) - Date.parse(s0.dueAt)).toBe(5 * dayMs);
    expect(s1.originalDueAt).toBe(s0.dueAt);
    expect(s1.extensions[0]).toMatchObject({ days: 10, grantedDays: 5, decidedBy: 'perf-officer', comment: '同意延期5天' });

    // the plan is asked again, due on the new date
    const plan2 = await openTask(dept, id, T.plan, [plan.id]);
    expect(Math.abs(Date.parse(plan2.dueAt) - Date.parse(s1.dueAt))).toBeLessThan(1000);

    // no reminder at the old date; one before the new one
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(s0.dueAt) - Date.now() + 500)));
    expect((await status(sys.deps.temporal, id)).reminders).toEqual([]);
    const s2 = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.reminders.length ? x : undefined;
    }, 'the reminder before the new due date', 20_000);
    expect(Date.parse(s2.reminders[0])).toBeGreaterThanOrEqual(Date.parse(s1.dueAt) - 2 * dayMs);
    expect(s2.escalations).toEqual([]);
    expect(s2.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['extensionRequested', 'extensionGranted', 'reminded']));
  });

  it('an extension refused leaves the due date where it was', async () => {
    const id = await start(uniqueRef(), profile({ dueDays: 30 }), 60_000);
    const s0 = await status(sys.deps.temporal, id);
    await decide(dept, await openTask(dept, id, T.plan), 'requestExtension', { reason: '人手不足', days: 20 });
    await decide(perf, await openTask(perf, id, T.extension), 'refuse', { comment: '理由不充分' });
    const s1 = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.extensions[0]?.decision === 'refused' ? x : undefined;
    }, 'the refused extension');
    expect(s1.dueAt).toBe(s0.dueAt);
    expect(s1.stage).toBe('plan');
  });

  it('a duplicate problem from the same source merges into the open notice; a new one is added to it', async () => {
    const ref = uniqueRef();
    const id = await start(ref, profile({ dueDays: 30 }), 60_000, [{ key: 'P1/exec', description: '预算执行率仅32%' }]);
    await eventually(async () => (await mailsOf(id, 'notice')).length > 0, 'the first notice mail');
    // the next check of the same round finds the same problem again, and one more
    const again = report(ref, [
      { key: 'P1/exec', description: '预算执行率仅35%', evidence: { executionRate: 35 } },
      { key: 'P2/core', description: '核心指标预计完成率60%' },
    ]);
    const h = await raise(sys.deps.temporal, sys.config.temporal.taskQueue, { ...again, reportedAt: new Date(Date.now() + 1).toISOString() }, profile({ dueDays: 30 }), 60_000);
    expect(h.workflowId).toBe(id);
    const s = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.problems.length === 2 ? x : undefined;
    }, 'the merged notice');
    expect(s.problems.map((p) => [p.key, p.sources.length, p.status])).toEqual([
      ['P1/exec', 2, 'open'],
      ['P2/core', 1, 'open'],
    ]);
    expect(s.problems[0].sources[1].evidence).toEqual({ executionRate: 35 });
    expect(s.events.map((e) => e.kind)).toEqual(['issued', 'merged', 'added']);
    // the department is mailed the added problem once, on the same notice
    const notices = await eventually(async () => ((await mailsOf(id, 'notice')).some((m) => m.subject.includes('追加')) ? mailsOf(id, 'notice') : undefined), 'the added-problem mail');
    const toReviewer = notices.filter((m) => m.user_id === 'd01-reviewer');
    expect(toReviewer).toHaveLength(2);
    expect(toReviewer[1].body_text).toContain('核心指标预计完成率60%');
    // one open notice, with both problems, in the listing
    const listed = await eventually(async () => {
      const l = await perf.get('/api/rectifications/problems?unitId=U0101');
      const mine = l.body.items?.filter((p: { workflowId: string }) => p.workflowId === id);
      return mine?.length === 2 ? mine : undefined;
    }, 'both problems listed');
    expect(listed.map((p: { key: string }) => p.key)).toEqual(['P1/exec', 'P2/core']);
  });

  it('a problem still open after the final escalation opens an accountability case for finance with its full history', async () => {
    const dayMs = 1000;
    const id = await start(uniqueRef(), profile({ dueDays: 2, reminderBeforeDays: 1, escalateAfterDays: 1, escalations: 2 }), dayMs);
    const task = await eventually(async () => openTask(perf, id, T.accountability), 'the accountability case', 25_000);
    const detail = await perf.get(`/api/tasks/${encodeURIComponent(task.id)}`);
    const ctx = detail.body.state.spec.context;
    expect(ctx.openProblems).toEqual(['P1/exec']);
    expect(ctx.notice.overdueDays).toBe(2);
    expect(ctx.escalations.map((e: { level: number; overdueDays: number }) => [e.level, e.overdueDays])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(ctx.reminders).toHaveLength(1);
    expect(ctx.problems[0].sources[0]).toMatchObject({ kind: 'monitoring' });
    expect(ctx.events.map((e: { kind: string }) => e.kind)).toEqual(['issued', 'reminded', 'escalated', 'escalated', 'accountability']);
    // the department cannot decide it
    expect([403, 404]).toContain((await dept.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'hold', form: { comment: 'x' } })).status);
    await decide(perf, task, 'hold', { comment: '逾期未整改，约谈单位负责人' });
    const s = await eventually(async () => {
      const x = await status(sys.deps.temporal, id);
      return x.accountability?.outcome ? x : undefined;
    }, 'the decided case');
    expect(s.accountability).toMatchObject({ outcome: 'hold', decidedBy: 'perf-officer', comment: '逾期未整改，约谈单位负责人' });
    // no escalation after the final one
    expect(s.escalations).toHaveLength(2);
    const dash = await perf.get('/api/rectifications/dashboard');
    expect(dash.body.notices.accountability).toBeGreaterThanOrEqual(1);

    if (process.env.RECORD_HISTORIES) {
      const h = sys.deps.temporal.workflow.getHandle(id);
      await h.terminate('recorded');
      writeFileSync(join('test', 'replay', 'histories', `rectification-accountability-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(await h.fetchHistory()));
    }
  });
});
