// A small-scale throughput check of the real monitoring workflows (the bench drives the province):
// a 2,000-project round until every form is open in its unit's inbox and every data-driven deviation
// has its response started. Prints the figures; MONITORING_PROJECTS sets the size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_ROUND_WORKFLOW, roundId } from '../../contracts/monitoring/names';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const N = Number(process.env.MONITORING_PROJECTS ?? 2000);
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];

// a load check, not part of `npm test`: npm run test:load
describe.skipIf(!process.env.JIXIAO_LOAD)(`a ${N}-project round`, () => {
  let fin: StandIn;
  let sys: TestSystem;
  beforeAll(async () => {
    fin = await startStandIn({ scale: { departments: 20, units: 200, projects: N, transfers: 2, countiesPerTransfer: 10, years: 1, libraryShare: 0 }, seed: 7 });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes });
  }, 120_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('opens every form in its unit inbox and answers every deviation at open', async () => {
    const round = roundId(YEAR, '07-31');
    const r = sys.config.region.monitoring.rounds.find((x) => x.cutoff === '07-31')!;
    const t0 = performance.now();
    await sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...roundTemplate(sys.config.region, r, 'test'), year: YEAR, formDueMs: 3_600_000 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    let last = 0;
    const q = async () => (await sys.deps.db.query<{ forms: number; results: number; answered: number; warned: number }>(
      `SELECT (SELECT count(*)::int FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form') AS forms,
              (SELECT count(*)::int FROM monitoring_results WHERE round = $2) AS results,
              (SELECT count(*)::int FROM monitoring_results WHERE round = $2 AND warned AND response_ref IS NOT NULL) AS answered,
              (SELECT count(*)::int FROM monitoring_results WHERE round = $2 AND warned) AS warned`, [`${round}:%`, round])).rows[0];
    let expected = 0; // project expenditure only: basic expenditure is not in a round
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await fin.client.listProjects({ year: YEAR, expenditure: 'project', limit: 500, ...(cursor ? { cursor } : {}) });
      expected += page.items.length;
      cursor = page.nextCursor ?? undefined;
    }
    const done = await eventually(async () => {
      const s = await q();
      if (performance.now() - last > 5000) {
        last = performance.now();
        process.stdout.write(`[monitoring] ${((performance.now() - t0) / 1000).toFixed(1)} s: ${s.forms} forms open, ${s.results} results, ${s.answered}/${s.warned} deviations answered\n`);
      }
      return s.results > 0 && s.forms >= s.results && s.answered >= s.warned && s.results >= expected && s;
    }, 'every form open', 600_000);
    const secs = (performance.now() - t0) / 1000;
    const rss = Math.round(process.memoryUsage().rss / 1e6);
    process.stdout.write(`[monitoring] ${done.forms} forms open and ${done.answered} deviations answered in ${secs.toFixed(1)} s (${Math.round(done.forms / secs)} forms/s), test process RSS ${rss} MB\n`);
    expect(done.forms).toBe(expected);
    expect(done.results).toBe(expected);
  }, 660_000);
});
