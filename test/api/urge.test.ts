// Urging (催办) without storms (issue 17, item 3), against the real system over HTTP: an urge within
// the region profile's window (inbox.urgeWindowHours) after the last one on the same task is refused
// with 409 naming the last urge's time, after the window it is accepted; the count shows on the
// task; an unclaimed group task, urged, mails each member of the group once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_USERS } from '../../app/seed';
import { listMail } from '../../scripts/mailCatcher';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

let sys: TestSystem;
const http = new Map<string, Http>();
const as = (id: string): Http => http.get(id)!;
const path = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}`;
const DEPT_REVIEW_FEN = 50_000_000; // 500,000 yuan: 教育厅 (D01) reviews it, as the group competent_reviewer@D01
const GROUP = 'competent_reviewer@D01';

/** A new application of 第一中学 (U0101); its (unclaimed, group) review task once the inbox shows it. */
async function review(): Promise<{ taskId: string; name: string }> {
  const app = application({ amountFen: DEPT_REVIEW_FEN });
  const r = await as('u0101-preparer').post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const t = await eventually(async () => (await as('director').get(`/api/tasks?mine=visible&q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'review task');
  return { taskId: t.id as string, name: app.name };
}
const urge = (taskId: string) => as('u0101-preparer').post(`${path(taskId)}/actions`, { action: 'urge', reason: '项目急需，请尽快审核' });
const taskState = async (taskId: string) => (await as('u0101-preparer').get(path(taskId))).body.state as { urges?: number; lastUrgedAt?: string | null };

beforeAll(async () => {
  sys = await startSystem({ REGION: 'altay' }); // a new 500,000-yuan project: Altay's general assessment by the department (Wuhai's is finance's, 004)
  for (const u of DEMO_USERS) http.set(u.id, await sys.as(u.id));
});
afterAll(async () => sys?.stop());

describe('urging (催办)', () => {
  it('mails every member of an unclaimed group task exactly once', async () => {
    const { rows: members } = await sys.deps.db.query<{ email: string }>(`SELECT email FROM users WHERE $1 = ANY(groups) AND active`, [GROUP]);
    expect(members).toHaveLength(3);
    const { taskId, name } = await review();
    expect((await urge(taskId)).status).toBe(200);
    const urged = async () => (await listMail(inject('mailWebUrl'))).filter((m) => m.subject.includes('催办') && m.subject.includes(name));
    await eventually(async () => (await urged()).length >= members.length, 'urge mails');
    await new Promise((r) => setTimeout(r, 2500)); // a few dispatcher sweeps: nothing more follows
    const mails = await urged();
    for (const m of members) expect(mails.filter((x) => x.to.includes(m.email)), m.email).toHaveLength(1);
    expect(mails).toHaveLength(members.length);
  });

  it('refuses an urge within the window with the time of the last one (409), accepts one after it, and counts them on the task', async () => {
    const windowMs = 3000;
    sys.config.region.inbox.urgeWindowHours = windowMs / 3_600_000; // the profile the API starts the process with
    const { taskId } = await review();
    expect((await urge(taskId)).status).toBe(200);
    const first = await eventually(async () => ((await taskState(taskId)).urges === 1 ? taskState(taskId) : null), 'the urge on the task');
    expect(first.lastUrgedAt).toBeTruthy();

    const again = await urge(taskId);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain(first.lastUrgedAt);
    expect((await taskState(taskId)).urges).toBe(1);

    await new Promise((r) => setTimeout(r, Date.parse(first.lastUrgedAt!) + windowMs + 500 - Date.now()));
    expect((await urge(taskId)).status).toBe(200);
    const second = await eventually(async () => ((await taskState(taskId)).urges === 2 ? taskState(taskId) : null), 'the second urge on the task');
    expect(Date.parse(second.lastUrgedAt!)).toBeGreaterThan(Date.parse(first.lastUrgedAt!));
  });
});
