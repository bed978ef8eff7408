// Every role against every endpoint, and each role's view of one project's task (scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../app/seed';
import { client, eventually, startSystem, type Http, type TestSystem } from '../helpers/system';

let sys: TestSystem;
const http = new Map<string, Http>();
let taskId = '';
let workflowId = '';
const code = `AUTHZ-${Date.now()}`;

beforeAll(async () => {
  sys = await startSystem();
  // who may urge is the question here, not how often (test/api/urge.test.ts): no window on this process
  sys.config.region.inbox.urgeWindowHours = 1e-9;
  for (const u of DEMO_USERS) http.set(u.id, await sys.as(u.id));
  const r = await http.get('u0101-preparer')!.post('/api/pre-assessments', {
    projectCode: code, name: '授权测试项目', deptId: 'D01', unitId: 'U0101', amountFen: 20_000_000, industry: '教育', isNew: false, kind: 'project', year: 2027,
    indicators: [{ kind: 'output', category: '数量指标', name: '采购设备', target: '10', unit: '台', direction: '>=' }],
  });
  workflowId = r.body.workflowId;
  const t = await eventually(async () => (await http.get('d01-reviewer')!.get(`/api/tasks?q=${code.toLowerCase()}`)).body.items?.[0], 'task');
  taskId = t.id;
});
afterAll(async () => sys?.stop());

const rolesOf = (id: string) => DEMO_USERS.find((u) => u.id === id)!.roles;
const has = (id: string, ...roles: string[]) => rolesOf(id).some((r) => roles.includes(r));
const LEADS = ['unit_head', 'competent_head', 'division_head', 'finance_director'];
const DASHBOARD = ['competent_head', 'finance_business', 'finance_performance', 'finance_budget', 'division_head', 'finance_director', 'observer'];
const NO_PROCESS = (id: string) => rolesOf(id).every((r) => ['agency_evaluator', 'expert'].includes(r));

/** endpoint → (user → expected status) */
const TABLE: Array<{ name: string; call: (h: Http) => Promise<{ status: number }>; expect: (id: string) => number }> = [
  { name: 'GET /api/me', call: (h) => h.get('/api/me'), expect: () => 200 },
  { name: 'GET /api/tasks', call: (h) => h.get('/api/tasks'), expect: () => 200 },
  { name: 'GET /api/tasks/counts', call: (h) => h.get('/api/tasks/counts'), expect: () => 200 },
  { name: 'GET /api/views', call: (h) => h.get('/api/views'), expect: () => 200 },
  { name: 'POST /api/pre-assessments (other unit)', call: (h) => h.post('/api/pre-assessments', { projectCode: `X-${Math.random()}`.replace('.', ''), name: '越权申报', deptId: 'D02', unitId: 'U0201', amountFen: 1, industry: '卫生', isNew: true, kind: 'project', year: 2027, indicators: [{ kind: 'output', category: 'c', name: 'n', target: '1', direction: '>=' }] }), expect: (id) => (id === 'u0201-preparer' ? 201 : 403) },
  { name: 'GET /api/dashboard', call: (h) => h.get('/api/dashboard'), expect: (id) => (has(id, ...DASHBOARD) ? 200 : 403) },
  { name: 'GET /api/processes', call: (h) => h.get('/api/processes'), expect: (id) => (NO_PROCESS(id) ? 403 : 200) },
  { name: 'GET /api/process-types', call: (h) => h.get('/api/process-types'), expect: () => 200 },
  { name: 'GET /api/audit', call: (h) => h.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`), expect: (id) => (NO_PROCESS(id) ? 403 : 200) },
  { name: 'POST /api/tasks/bulk-decide', call: (h) => h.post('/api/tasks/bulk-decide', { taskIds: ['nope'], outcome: 'approve' }), expect: (id) => (has(id, ...LEADS) ? 200 : 403) },
  { name: 'POST urge on the task', call: (h) => h.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, { action: 'urge', reason: '催办' }), expect: (id) => (id === 'u0101-preparer' ? 200 : has(id, 'observer') ? 403 : canSee(id) ? (has(id, ...LEADS) ? 200 : 403) : 404) },
];

/** Who sees a D01 / U0101 task: its unit, its department, finance with D01 in scope, leads, observers. */
function canSee(id: string): boolean {
  const u = DEMO_USERS.find((x) => x.id === id)!;
  if (has(id, 'finance_director', 'division_head', 'observer') || u.deptScope?.includes('*')) return true;
  if (has(id, 'finance_business')) return !!u.deptScope?.includes('D01');
  if (has(id, 'competent_reviewer', 'competent_head')) return u.org === 'D01';
  if (has(id, 'unit_preparer', 'unit_head')) return u.org === 'U0101';
  return false;
}

describe('authorization table', () => {
  it('without a token every API route answers 401; a bad token too', async () => {
    const anon = client(sys.url, 'not-a-jwt');
    expect((await anon.get('/api/tasks')).status).toBe(401);
    const r = await fetch(`${sys.url}/api/tasks`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: { field: string } }).error.field).toBe('authorization');
  });

  for (const row of TABLE) {
    it(`${row.name}: every role`, async () => {
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const u of DEMO_USERS) {
        got[u.id] = (await row.call(http.get(u.id)!)).status;
        want[u.id] = row.expect(u.id);
      }
      expect(got).toEqual(want);
    });
  }

  it('task detail: visible to its unit, department, finance in scope, leads and observers; 404 to everyone else', async () => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const u of DEMO_USERS) {
      got[u.id] = (await http.get(u.id)!.get(`/api/tasks/${encodeURIComponent(taskId)}`)).status;
      want[u.id] = canSee(u.id) ? 200 : 404;
    }
    expect(got).toEqual(want);
  });

  it('segregation of duties: the applicant cannot decide, even as a member of the deciding group', async () => {
    const r = await http.get('u0101-preparer')!.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, { action: 'decide', outcome: 'approve', form: {} });
    expect(r.status).toBe(403);
  });
});

describe('HTTP basics', () => {
  it('malformed JSON is a 400 naming the body; unknown routes a 404 JSON; /openapi.json documents the routes', async () => {
    const token = http.get('u0101-preparer')!.token;
    const bad = await fetch(`${sys.url}/api/pre-assessments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'MALFORMED_JSON', field: 'body' } });
    const nf = await fetch(`${sys.url}/api/nothing-here`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const doc = (await (await fetch(`${sys.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/tasks/{id}/actions', '/api/pre-assessments']));
    const body = doc.paths['/api/pre-assessments'].post.requestBody!.content['application/json'].schema;
    expect(Object.keys(body.properties ?? {})).toEqual(expect.arrayContaining(['projectCode', 'amountFen', 'indicators']));
  });

  it('bad query values are a 400 with the field', async () => {
    const r = await http.get('d01-reviewer')!.get('/api/tasks?limit=5000&sort=sideways');
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['query.limit', 'query.sort']);
  });

  it('odd input found by fuzzing is a 400, never a 500: NUL characters, far time-zone offsets', async () => {
    const h = http.get('perf-head')!;
    const nul = await h.get('/api/audit?workflowId=%7D%00');
    expect(nul.status).toBe(400);
    expect(nul.body.error.field).toBe('query.workflowId');
    expect((await h.post(`/api/tasks/${encodeURIComponent(taskId)}/comments`, { body: 'a\u0000b' })).status).toBe(400);
    const far = await h.get(`/api/tasks?mine=visible&dueBefore=${encodeURIComponent('0117-07-31T21:34:16+20:17')}`);
    expect(far.status).toBe(200);
    expect(far.body.items).toEqual([]);
  });

  it('saved views: save, list, replace, delete', async () => {
    const h = http.get('d01-reviewer')!;
    const v = await h.put('/api/views', { name: '超期的', filters: { overdue: 'true', sort: 'due' } });
    expect(v.status).toBe(200);
    expect(v.body.filters).toEqual({ overdue: true, sort: 'due' }); // no defaults copied in
    expect((await h.put('/api/views', { name: '超期的', filters: { overdue: 'true', sort: 'priority' } })).body.filters.sort).toBe('priority');
    expect((await h.get('/api/views')).body).toHaveLength(1);
    expect((await http.get('d01-reviewer2')!.del(`/api/views/${v.body.id}`)).status).toBe(404);
    expect((await h.del(`/api/views/${v.body.id}`)).status).toBe(200);
  });

  it('comments and attachments are stored with a checksum and audited', async () => {
    const h = http.get('d01-reviewer')!;
    const id = encodeURIComponent(taskId);
    expect((await h.post(`/api/tasks/${id}/comments`, { body: '请补充采购清单' })).status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob(['采购清单\n设备,10台\n'], { type: 'text/csv' }), '采购清单.csv');
    const up = await fetch(`${sys.url}/api/tasks/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` }, body: form });
    expect(up.status).toBe(201);
    const att = (await up.json()) as { id: number; sha256: string; filename: string };
    expect(att.filename).toBe('采购清单.csv');
    const bad = new FormData();
    bad.append('file', new Blob(['MZ'], { type: 'application/x-msdownload' }), 'virus.exe');
    const refused = await fetch(`${sys.url}/api/tasks/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${h.token}` }, body: bad });
    expect(refused.status).toBe(400);
    const dl = await fetch(`${sys.url}/api/attachments/${att.id}`, { headers: { authorization: `Bearer ${h.token}` } });
    expect(dl.headers.get('x-checksum-sha256')).toBe(att.sha256);
    expect(await dl.text()).toContain('设备,10台');
    const detail = await h.get(`/api/tasks/${id}`);
    expect(detail.body.comments[0].body).toBe('请补充采购清单');
    expect(detail.body.history.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['task.created', 'task.comment', 'task.attach']));
    expect(detail.body.allowedMoves).toEqual(expect.arrayContaining(['claim', 'decide', 'return']));
    expect((await http.get('u0102-preparer')!.get(`/api/attachments/${att.id}`)).status).toBe(404);
  });
});
