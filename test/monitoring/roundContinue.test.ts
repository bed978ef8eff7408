// A round over many departments whose own history is kept tiny: it continues as new while its
// departments' parts run on, each part started once, each project covered once, and the round closes
// with every department's counts; starting it again changes nothing. Against a real Temporal server.
//   RECORD_MONITORING=1 also writes the round's first and last runs and a department's history for the
//   replay tests (test/monitoring/histories, test/replay/histories).
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { MONITORING_DEPARTMENT_WORKFLOW, MONITORING_ROUND_WORKFLOW, departmentWorkflowId, roundId } from '../../contracts/monitoring/names';
import type { RoundTotals } from '../../contracts/monitoring/round.zod';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { startSystem, type TestSystem } from '../helpers/system';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const processes = [...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])];
const DEPARTMENTS = 30;
const CUTOFF = '06-15'; // a period of its own: round ids are shared in the test namespace

describe('a round over many departments with a tiny history threshold', () => {
  let fin: StandIn;
  let sys: TestSystem;
  const round = roundId(YEAR, CUTOFF);
  const included = new Set<string>();
  const basic = new Set<string>();
  let depts: string[] = [];
  const start = () => {
    const t = roundTemplate(sys.config.region, sys.config.region.monitoring.rounds[0], 'test');
    return sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      taskQueue: sys.config.temporal.taskQueue,
      // no data warning (lag threshold 100 points): the round's own history is what this is about
      args: [{ ...t, cutoff: CUTOFF, profile: { ...t.profile, executionLagPoints: 100 }, year: YEAR, batchSize: 60, formDueMs: 1500, roundMaxHistoryEvents: 20 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  };
  const formCount = async () => (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form'`, [`${round}:%`])).rows[0].n;
  /** Every run of the round, first to last, following continuedExecutionRunId back from the current one. */
  const runs = async (): Promise<temporal.api.history.v1.IHistory[]> => {
    const out = [await sys.deps.temporal.workflow.getHandle(round).fetchHistory()];
    for (let prev = out[0].events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId; prev; ) {
      const h = await sys.deps.temporal.workflow.getHandle(round, prev).fetchHistory();
      out.unshift(h);
      prev = h.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    }
    return out;
  };

  beforeAll(async () => {
    fin = await startStandIn({ scale: { departments: DEPARTMENTS, units: 60, projects: 180, transfers: 0, countiesPerTransfer: 0, years: 1, libraryShare: 0 }, seed: 41, projectIdPrefix: 'RCAN' });
    sys = await startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }, { processes });
    for (const expenditure of ['project', 'basic'] as const) {
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await fin.client.listProjects({ year: YEAR, expenditure, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const p of page.items) (expenditure === 'project' ? included : basic).add(p.id);
        cursor = page.nextCursor ?? undefined;
      }
    }
    depts = (await fin.client.listDepartments()).items.map((d: { id: string }) => d.id);
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
    await fin?.stop();
  });

  it('continues as new at least once, starts each department once, covers every project once and closes', async () => {
    expect(depts.length).toBe(DEPARTMENTS);
    expect(basic.size).toBeGreaterThan(0);
    const handle = await start();
    const totals = (await handle.result()) as RoundTotals;

    const all = await runs();
    expect(all.length, 'runs of the round').toBeGreaterThan(1);
    // a department's part is started by exactly one run, once: none restarted, none duplicated
    const startedIds = all.flatMap((h) => (h.events ?? []).map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId).filter((x): x is string => !!x));
    expect(startedIds.sort()).toEqual(depts.map((d) => departmentWorkflowId(round, d)).sort());
    // the later runs stay small: each only waits for its departments' signals
    for (const h of all.slice(1)) expect(h.events?.length ?? 0).toBeLessThan(20 + 3 * DEPARTMENTS);
    const last = all[all.length - 1].events ?? [];
    expect(last[last.length - 1]?.workflowExecutionCompletedEventAttributes, 'the last run completes').toBeTruthy();

    const { rows } = await sys.deps.db.query<{ project_id: string; n: number }>('SELECT project_id, count(*)::int AS n FROM monitoring_results WHERE round = $1 GROUP BY project_id', [round]);
    expect(new Set(rows.map((r) => r.project_id))).toEqual(included);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.some((r) => basic.has(r.project_id))).toBe(false);
    expect(await formCount()).toBe(included.size);
    const created = (await sys.deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE workflow_id LIKE $1 AND action = 'task.created'`, [`${round}:%`])).rows[0].n;
    expect(created).toBe(included.size);
    // the round's counts are every department's, each once (none of the forms was submitted)
    expect(totals.projects).toBe(included.size);
    expect(totals.notSubmitted).toBe(included.size);
    const row = (await sys.deps.db.query<{ stage: string }>('SELECT stage FROM monitoring_rounds WHERE round = $1', [round])).rows[0];
    expect(row?.stage).toBe('closed');

    if (process.env.RECORD_MONITORING) {
      const stamp = process.env.RECORD_STAMP ?? new Date().toISOString().slice(0, 10);
      const dept = await sys.deps.temporal.workflow.getHandle(departmentWorkflowId(round, depts[0])).fetchHistory();
      const files: Array<[string, temporal.api.history.v1.IHistory]> = [
        [`${MONITORING_ROUND_WORKFLOW}-continued-by-signal-first-run-${stamp}.json`, all[0]],
        [`${MONITORING_ROUND_WORKFLOW}-continued-by-signal-last-run-${stamp}.json`, all[all.length - 1]],
        [`${MONITORING_DEPARTMENT_WORKFLOW}-done-by-signal-${stamp}.json`, dept],
      ];
      for (const dir of [new URL('./histories/', import.meta.url), new URL('../replay/histories/', import.meta.url)]) {
        mkdirSync(dir, { recursive: true });
        for (const [name, h] of files) writeFileSync(new URL(name, dir), historyToJSON(h));
      }
    }
  }, 150_000);

  it('starting the round again changes nothing: refused, and no form or result is added', async () => {
    const forms = await formCount();
    await expect(start()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const results = (await sys.deps.db.query<{ n: number }>('SELECT count(*)::int AS n FROM monitoring_results WHERE round = $1', [round])).rows[0].n;
    expect(await formCount()).toBe(forms);
    expect(results).toBe(included.size);
  });
});
