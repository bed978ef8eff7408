// Warnings are visible: the dashboard counts open warnings by department and by age, and a
// monitoring round's report lists the warnings its rules raised, with their stage and conclusion,
// through the warning module's read API. Real Temporal, real stand-in.
import { describe, expect, it } from 'vitest';
import { harness, JUSTIFIED, verification } from './harness';
import { warningsByIds } from '../../api/warning/read';

const w = harness('D01', 6);
type Figures = { open: number; byDept: Array<{ deptId: string; open: number }>; byAge: Array<{ bucket: string; open: number }>; oldestDays: number };
const figures = async () => (await w.perf.get<Figures>('/api/warnings/dashboard')).body;

describe('open warnings on the dashboard and in the round report', () => {
  it('counts open warnings by department and age; a concluded one leaves them; the round report lists both with stage and conclusion', async () => {
    const before = await figures();
    const [p1, p2] = [w.project(), w.project()];
    const [id1, id2] = [await w.raise(p1), await w.raise(p2)];
    await Promise.all([w.suspended(id1), w.suspended(id2)]);
    await w.until(async () => (await figures()).open === before.open + 2, 'two more open warnings');
    const f = await figures();
    const d01 = (x: Figures) => x.byDept.find((d) => d.deptId === 'D01')?.open ?? 0;
    expect(d01(f)).toBe(d01(before) + 2);
    expect(f.byAge.map((b) => b.bucket)).toEqual(['0-7', '8-14', '15-30', '>30']);
    expect(f.byAge[0].open).toBe((before.byAge[0]?.open ?? 0) + 2);
    expect(f.oldestDays).toBe(0);
    // a unit sees no dashboard
    expect((await (await w.sys.as('u0101-preparer')).get('/api/warnings/dashboard')).status).toBe(403);

    // p1 resumed: no longer open
    const v = await w.taskOf(w.reviewer, id1, 'warning.verify');
    expect((await w.act(w.reviewer, v.id, { action: 'decide', outcome: 'resume', form: { ...verification, justification: JUSTIFIED } })).status).toBe(200);
    const dd = await w.taskOf(w.perf, id1, 'warning.decide');
    expect((await w.act(w.perf, dd.id, { action: 'decide', outcome: 'accept', form: {} })).status).toBe(200);
    await w.result(id1);
    await w.until(async () => (await figures()).open === before.open + 1, 'one open warning fewer');

    // the round recorded both projects as warned with the warning's id as its response (as a round does)
    const round = 'monitoring:2026:04-30'; // roundId(2026, '04-30'); this file's product database is its own
    await w.sys.deps.db.query(`INSERT INTO monitoring_rounds (round, year, cutoff, name, stage, started_by, opened_at, version) VALUES ($1, 2026, '04-30', '1-4月监控', 'open', 'test', now(), 1)`, [round]);
    for (const [p, id] of [[p1, id1], [p2, id2]] as const) {
      await w.sys.deps.db.query(
        `INSERT INTO monitoring_results (round, project_id, project_name, dept_id, unit_id, batch_id, stage, available_fen, paid_fen, execution_rate_bp, time_progress_bp, warned, hits, response_ref, version)
         VALUES ($1, $2, $3, $4, $5, 'b1', 'open', 100000, 12000, 1200, 5000, true, $6::jsonb, $7, 1)`,
        [round, p.id, p.name, p.deptId, p.unitId, JSON.stringify([{ rule: { id: 'execution-behind', label: '执行进度落后' } }]), id],
      );
    }
    const read = await warningsByIds(w.sys.deps.db, [id1, id2, 'rectification:U0101:monitoring:x']);
    expect([...read.keys()].sort()).toEqual([id1, id2].sort());
    expect(read.get(id1)).toMatchObject({ status: 'completed', conclusion: 'resumed' });
    expect(read.get(id2)).toMatchObject({ status: 'running', conclusion: null, stage: 'verification' });
    // the round's report (the monitoring module's) lists them through that API
    const html = await w.perf.get<string>('/api/monitoring/rounds/2026/04-30/report.html');
    expect(html.status).toBe(200);
    const section = html.body.slice(html.body.indexOf('<h2>预警项目</h2>'));
    expect(section).toContain('<h2>预警项目</h2>');
    expect(section).toContain(`<td>${p1.name}</td><td>D01</td><td>done</td><td>resumed</td>`);
    expect(section).toContain(`<td>${p2.name}</td><td>D01</td><td>verification</td><td></td>`);
  });
});
