// A worker stopped mid-round and a new one started: the round resumes where it was, and every
// project is covered once, with one form each (Temporal keeps the round; nothing opens twice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_ROUND_WORKFLOW, roundId } from '../../contracts/monitoring/names';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { startWorker } from '../../worker/worker';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];

describe('a worker stopped in the middle of a round', () => {
  let fin: StandIn;
  let sys: TestSystem;
  beforeAll(async () => {
    fin = await startStandIn({ scale: { departments: 4, units: 16, projects: 400, transfers: 1, countiesPerTransfer: 4, years: 1, libraryShare: 0 }, seed: 23 });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes });
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('still covers each project once, with one form each, after a new worker takes over', async () => {
    let included = 0;
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await fin.client.listProjects({ year: YEAR, expenditure: 'project', limit: 500, ...(cursor ? { cursor } : {}) });
      included += page.items.length;
      cursor = page.nextCursor ?? undefined;
    }
    const round = roundId(YEAR, '07-31');
    const r = sys.config.region.monitoring.rounds.find((x) => x.cutoff === '07-31')!;
    await sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...roundTemplate(sys.config.region, r, 'test'), year: YEAR, batchSize: 15, formDueMs: 600_000 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    const count = async () => (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form'`, [`${round}:%`])).rows[0].n;
    const midway = await eventually(async () => {
      const n = await count();
      return n > 0 && n;
    }, 'the first forms open', 30_000);
    await sys.worker.shutdown();
    const stoppedAt = await count();
    expect(stoppedAt, `stopped at ${stoppedAt} of ${included} forms (first seen ${midway})`).toBeLessThan(included);
    sys.worker = await startWorker(sys.deps, {}, { processes });
    await eventually(async () => (await count()) >= included, 'every form open after the restart', 90_000);
    const { rows } = await sys.deps.db.query<{ projects: number; results: number; created: number; forms: number }>(
      `SELECT (SELECT count(DISTINCT project_id)::int FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form') AS projects,
              (SELECT count(*)::int FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form') AS forms,
              (SELECT count(*)::int FROM audit WHERE workflow_id LIKE $1 AND action = 'task.created') AS created,
              (SELECT count(*)::int FROM monitoring_results WHERE round = $2) AS results`,
      [`${round}:%`, round],
    );
    expect(rows[0]).toEqual({ projects: included, forms: included, created: included, results: included });
  }, 150_000);
});
