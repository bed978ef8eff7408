// Each region's routing seen in the inbox, and the profile with its sources over HTTP (Wuhai, 004:
// the finance bureau's performance section reviews every report and every department's targets).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application } from '../helpers/fixtures';

let sys: TestSystem;
let preparer: Http;
let reviewer: Http;
let perf: Http;
const YUAN = 100;

beforeAll(async () => {
  sys = await startSystem({ REGION: 'wuhai' });
  [preparer, reviewer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-reviewer'), sys.as('perf-officer')]);
});
afterAll(async () => sys?.stop());

describe('Wuhai (004)', () => {
  it('a continuing 500,000-yuan project goes to the finance bureau for its pre-assessment, not to the department', async () => {
    const app = application({ amountFen: 500_000 * YUAN, isNew: false });
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    expect(r.body.route).toBe('general');
    const task = await eventually(async () => (await perf.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the review in finance’s inbox');
    expect(task.type).toBe('preAssessment.review');
    expect((await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items).toHaveLength(0);
  });

  it('GET /api/profile shows each value with its seed and phrase, or default (ours)', async () => {
    const r = await perf.get('/api/profile?section=preAssessment');
    expect(r.status).toBe(200);
    expect(r.body.region.id).toBe('wuhai');
    const by = Object.fromEntries(r.body.values.map((v: { path: string }) => [v.path, v]));
    expect(by['preAssessment.requiredForAll']).toMatchObject({ value: true, source: { seed: '004', phrase: expect.stringContaining('必要条件') } });
    expect(by['preAssessment.generalReviewBy']).toMatchObject({ value: 'finance', source: { seed: '004' } });
    expect(by['preAssessment.maxRevisions']).toMatchObject({ value: 5, source: null, origin: 'default (ours)' });
    expect(by['preAssessment.aspectMaxPoints']).toMatchObject({ value: 20, origin: 'default (ours)' });
    const all = await perf.get('/api/profile');
    expect(all.body.values.some((v: { path: string }) => v.path.startsWith('monitoring.'))).toBe(true);
  });
});
