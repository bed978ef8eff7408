// The notice's mail activity is retried after it wrote the outbox (its answer lost, say): the mail
// catcher still receives the notice once per person, because the retry writes under the same keys.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Context } from '@temporalio/activity';
import { listMail } from '../../scripts/mailCatcher';
import { createActivities } from '../../activities';
import { createActivities as createRectificationActivities } from '../../activities/rectification';
import { workflowsEntry } from '../../worker/processes';
import { startSystem, type TestSystem } from '../helpers/system';
import { testWorker, type TestWorker } from '../helpers/temporal';
import { waitUntil } from '../notifications/outboxSupport';
import { WITH_RECTIFICATION, raise, report, status, uniqueRef } from './helpers';

describe('the rectification notice mail', () => {
  let sys: TestSystem;
  let worker: TestWorker;
  const attempts: number[] = [];

  beforeAll(async () => {
    sys = await startSystem({}, { processes: WITH_RECTIFICATION });
    const deps = { db: sys.deps.db, publicUrl: sys.url, finance: sys.deps.finance };
    const real = createRectificationActivities(deps);
    worker = await testWorker({
      workflowsPath: workflowsEntry(WITH_RECTIFICATION),
      activities: {
        ...createActivities(deps),
        ...real,
        // the first attempt writes the outbox and then fails, as if its answer were lost
        async rectificationSendNotice(m: Parameters<typeof real.rectificationSendNotice>[0]) {
          const n = await real.rectificationSendNotice(m);
          attempts.push(Context.current().info.attempt);
          if (Context.current().info.attempt === 1) throw new Error('connection reset after the outbox write');
          return n;
        },
      },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await sys?.stop();
  });

  it('a retried notification activity sends no mail twice', async () => {
    const ref = uniqueRef();
    const h = await raise(sys.deps.temporal, worker.taskQueue, report(ref, [{ key: 'P1/exec', description: '预算执行率仅32%' }]), { dueDays: 30, reminderBeforeDays: 5, escalateAfterDays: 5, escalations: 2, maxExtensionDays: 30, verifyDueDays: 10 });
    await waitUntil(async () => attempts.length >= 2, 'the retried notice activity');
    expect(attempts).toEqual([1, 2]);
    const s = await status(sys.deps.temporal, h.workflowId);
    // every member of the department's reviewers and its head: d01-reviewer, d01-reviewer2, d01-head
    const mine = async () => (await listMail(inject('mailWebUrl'))).filter((m) => m.subject.includes(ref) && m.subject.includes(`整改通知书：${s.noticeNo}`));
    await waitUntil(async () => (await mine()).length >= 3, 'the notice in the catcher');
    await new Promise((r) => setTimeout(r, 1500)); // a second copy would have arrived by now
    const got = await mine();
    expect(got.map((m) => m.to[0]).sort()).toEqual(['d01-head@demo.jixiao.local', 'd01-reviewer2@demo.jixiao.local', 'd01-reviewer@demo.jixiao.local']);
    expect(new Set(got.map((m) => m.messageId)).size).toBe(3);
    const rows = await sys.deps.db.query(`SELECT key FROM outbox WHERE key LIKE $1`, [`${h.workflowId}/notice-%`]);
    expect(rows.rows).toHaveLength(3);
    await h.terminate('test over');
  });
});
