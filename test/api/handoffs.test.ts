// Hand-offs respect who may decide (issue 14, item 4), against the real system: every hand-off move
// (transfer, delegate, add signer, reassign) × every demo user as the one who hands and as the one
// who receives, plus an unknown id and a reviewer who has left; and the findings one by one.
// Altay assesses every new project: under 1,000,000 yuan 教育厅 (D01) reviews it, from there finance (001).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../api/auth';
import { TASKS } from '../../contracts/registry.zod';
const { holders: TASK_HOLDERS, types: TASK_TYPES } = TASKS;
import { DEMO_USERS } from '../../app/seed';
import { aspects, application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type Res, type TestSystem } from '../helpers/system';

let sys: TestSystem;
const http = new Map<string, Http>();
const as = (id: string): Http => http.get(id)!;

const MOVES = ['transfer', 'delegate', 'addSigner', 'reassign'] as const;
type Move = (typeof MOVES)[number];
const UNKNOWN = 'no-such-person';
const LEFT = 'd01-reviewer-left'; // a D01 reviewer who has left: inactive
const DEPT_REVIEW_FEN = 50_000_000; // 500,000 yuan: the department's general review
const KEY_REVIEW_FEN = 600_000_000; // 6,000,000 yuan: finance's key assessment

const path = (taskId: string) => `/api/tasks/${encodeURIComponent(taskId)}`;
const field = (m: Move) => (m === 'addSigner' ? 'body.userId' : 'body.toUserId');
const handOff = (m: Move, who: string, taskId: string, to: string): Promise<Res<any>> =>
  as(who).post(`${path(taskId)}/actions`, m === 'addSigner' ? { action: m, userId: to, position: 'after', reason: '请协助审核' } : { action: m, toUserId: to, reason: '工作调整' });

/** A new application of 第一中学 (U0101); its review task once the inbox shows it. */
async function review(amountFen: number, claimBy?: string): Promise<string> {
  const app = application({ amountFen });
  const r = await as('u0101-preparer').post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const t = await eventually(async () => (await as('director').get(`/api/tasks?mine=visible&q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'review task');
  if (claimBy) expect((await as(claimBy).post(`${path(t.id)}/actions`, { action: 'claim' })).status).toBe(200);
  return t.id as string;
}

beforeAll(async () => {
  sys = await startSystem({ REGION: 'altay' }); // a new 500,000-yuan project: Altay's general assessment by the department (Wuhai's is finance's, 004)
  for (const u of DEMO_USERS) http.set(u.id, await sys.as(u.id));
  await sys.deps.db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups, head_id, active) VALUES ($1, '离职审核员', 'left@demo.jixiao.local', 'D01', $2, $3, 'd01-head', false)`,
    [LEFT, ['competent_reviewer'], ['competent_reviewer@D01']],
  );
});
afterAll(async () => sys?.stop());

/** Who sees a D01 / U0101 task (as in authz.test.ts). */
function canSee(id: string): boolean {
  const u = DEMO_USERS.find((x) => x.id === id)!;
  const has = (...r: string[]) => u.roles.some((x) => r.includes(x));
  if (has('finance_director', 'division_head', 'observer') || u.deptScope?.includes('*')) return true;
  if (has('finance_business')) return !!u.deptScope?.includes('D01');
  if (has('competent_reviewer', 'competent_head')) return u.org === 'D01';
  if (has('unit_preparer', 'unit_head')) return u.org === 'U0101';
  return false;
}

describe('who may receive a department review: every move × every target', () => {
  // d01-reviewer holds the review (claimed); d01-head is the department's lead
  const handing = (m: Move) => (m === 'reassign' ? 'd01-head' : 'd01-reviewer');
  const colleagues = (m: Move) => (m === 'reassign' ? ['d01-head', 'd01-reviewer', 'd01-reviewer2'] : ['d01-head', 'd01-reviewer2']);
  const want = (m: Move, to: string): number => {
    if (to === UNKNOWN || to === LEFT) return 400;
    if (colleagues(m).includes(to)) return 200;
    if (to === handing(m)) return 400; // cannot hand a task to yourself
    return 403; // agencies, experts, finance, D02, the applicant and the rest of U0101
  };
  const targets = [UNKNOWN, LEFT, ...DEMO_USERS.map((u) => u.id)];

  for (const m of MOVES) {
    it(`${m}: only the department's reviewers and head, and the picker offers just them; an unknown or departed person is a 400 naming the field`, async () => {
      const shared = await review(DEPT_REVIEW_FEN, 'd01-reviewer'); // refusals leave it as it is
      const got: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const to of targets) {
        expected[to] = want(m, to);
        // each hand-off that goes through takes its own task
        const taskId = expected[to] === 200 ? await review(DEPT_REVIEW_FEN, m === 'reassign' ? undefined : 'd01-reviewer') : shared;
        const r = await handOff(m, handing(m), taskId, to);
        got[to] = r.status;
        if (r.status === 400 && (to === UNKNOWN || to === LEFT)) expect(r.body.error.field).toBe(field(m));
        if (r.status === 200) expect((await as(to).get(path(taskId))).status).toBe(200); // the new holder reads it
      }
      expect(got).toEqual(expected);
      // the shared review is still d01-reviewer's to decide
      const d = await as('d01-reviewer').get(path(shared));
      expect(d.body.state.signers.map((s: { userId: string }) => s.userId)).toEqual(['d01-reviewer']);
      expect(d.body.allowedMoves).toContain('decide');
      // and the picker offers exactly the people it goes through for
      const picker = await as(handing(m)).get(`${path(shared)}/candidates?move=${m}`);
      expect(picker.status).toBe(200);
      expect(picker.body.map((p: { id: string }) => p.id).sort()).toEqual(colleagues(m).sort());
    });
  }
});

describe('who may hand a department review on: every move × every role', () => {
  const to = 'd01-reviewer2';
  const want = (m: Move, who: string): number => {
    if (!canSee(who)) return 404;
    if (m === 'reassign') return who === 'd01-head' ? 200 : 403; // leads of other scopes, and non-leads
    return who === 'd01-reviewer' ? 200 : 403; // only the holder; observers may not act at all
  };
  for (const m of MOVES) {
    it(`${m}: every demo user`, async () => {
      const shared = await review(DEPT_REVIEW_FEN, 'd01-reviewer');
      const got: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const u of DEMO_USERS) {
        expected[u.id] = want(m, u.id);
        const taskId = expected[u.id] === 200 ? await review(DEPT_REVIEW_FEN, m === 'reassign' ? undefined : 'd01-reviewer') : shared;
        got[u.id] = (await handOff(m, u.id, taskId, to)).status;
      }
      expect(got).toEqual(expected);
    });
  }
});

describe('the findings', () => {
  it('the head of the applicant’s own unit cannot reassign his unit’s department review to himself, nor approve it', async () => {
    const taskId = await review(DEPT_REVIEW_FEN);
    const h = as('u0101-head');
    expect((await h.get(path(taskId))).body.allowedMoves).not.toContain('reassign'); // no button either
    const r = await handOff('reassign', 'u0101-head', taskId, 'u0101-head');
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/competent_head of department D01/);
    expect((await h.post(`${path(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(403);
    expect((await h.get(`${path(taskId)}/candidates?move=reassign`)).status).toBe(403);
  });

  it('a department head cannot reassign finance’s key pre-assessment to himself and pass it; finance’s leads still can hand it on', async () => {
    const taskId = await review(KEY_REVIEW_FEN, 'perf-officer');
    const r = await handOff('reassign', 'd01-head', taskId, 'd01-head');
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/division_head \/ finance_director of finance/);
    expect((await as('d01-head').post(`${path(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(403);
    // finance's own: the officer passes it to a colleague, not to the department or business office
    expect((await handOff('transfer', 'perf-officer', taskId, 'd01-reviewer')).status).toBe(403);
    expect((await handOff('transfer', 'perf-officer', taskId, 'biz-officer')).status).toBe(403);
    const picker = await as('perf-officer').get(`${path(taskId)}/candidates?move=transfer`);
    expect(picker.body.map((p: { id: string }) => p.id).sort()).toEqual(['perf-head', 'perf-officer2']);
    expect((await handOff('reassign', 'director', taskId, 'perf-officer2')).status).toBe(200);
    expect((await handOff('reassign', 'perf-head', taskId, 'perf-officer')).status).toBe(200);
  });

  it('a reviewer cannot transfer a task to an agency: the agency neither reads nor approves it', async () => {
    const taskId = await review(DEPT_REVIEW_FEN, 'd01-reviewer');
    const r = await handOff('transfer', 'd01-reviewer', taskId, 'agency1');
    expect(r.status).toBe(403);
    expect(r.body.error.field).toBe('body.toUserId');
    expect((await as('agency1').get(path(taskId))).status).toBe(404);
    expect((await as('agency1').post(`${path(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } })).status).toBe(404);
  });

  it('a transfer to a user id that does not exist is a 400 naming the field; the task stays with its reviewer', async () => {
    const taskId = await review(DEPT_REVIEW_FEN, 'd01-reviewer');
    const r = await handOff('transfer', 'd01-reviewer', taskId, UNKNOWN);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'VALIDATION', field: 'body.toUserId' });
    const decided = await as('d01-reviewer').post(`${path(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) } });
    expect(decided.status).toBe(200);
  });

  it('a delegation to another department’s reviewer is refused and lets them not read the task', async () => {
    const taskId = await review(DEPT_REVIEW_FEN, 'd01-reviewer');
    expect((await handOff('delegate', 'd01-reviewer', taskId, 'd02-reviewer')).status).toBe(403);
    expect((await as('d02-reviewer').get(path(taskId))).status).toBe(404);
    expect((await as('d01-reviewer').get(`${path(taskId)}/candidates?move=delegate`)).body.map((p: { id: string }) => p.id)).not.toContain('d02-reviewer');
  });

  it('a revision stays within the applicant’s unit (no segregation there): the unit head may take it, others may not', async () => {
    const reviewId = await review(DEPT_REVIEW_FEN, 'd01-reviewer');
    expect((await as('d01-reviewer').post(`${path(reviewId)}/actions`, { action: 'return', reason: '请补充绩效指标' })).status).toBe(200);
    const revise = await eventually(async () => (await as('u0101-preparer').get('/api/tasks')).body.items?.find((t: { type: string; workflowId: string }) => t.type === 'preAssessment.revise' && reviewId.startsWith(t.workflowId)), 'revise task');
    expect((await handOff('transfer', 'u0101-preparer', revise.id, 'u0102-preparer')).status).toBe(403);
    expect((await handOff('transfer', 'u0101-preparer', revise.id, 'd01-reviewer')).status).toBe(403);
    expect((await handOff('reassign', 'd01-head', revise.id, 'd01-head')).status).toBe(403); // the unit's, not the department's
    expect((await handOff('transfer', 'u0101-preparer', revise.id, 'u0101-head')).status).toBe(200);
    expect((await handOff('reassign', 'u0101-head', revise.id, 'u0101-preparer')).status).toBe(200);
  });
});

describe('the declarations', () => {
  it('every task type declares who may hold it, with roles that exist', () => {
    expect(Object.keys(TASK_HOLDERS).sort()).toEqual(Object.keys(TASK_TYPES).sort());
    const roles = Object.values(TASK_HOLDERS).flatMap((d) => d.holders.flatMap((h) => [...h.roles, ...h.leads]));
    expect(roles.filter((r) => !(ROLES as readonly string[]).includes(r))).toEqual([]);
  });
});
