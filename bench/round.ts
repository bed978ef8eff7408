// The bench's monitoring rounds: the real monitoring workflows (round → departments → batches) over
// the finance stand-in's province, with Inner Mongolia's response (a warning: payments suspended at
// once, a verification task opened). A round is done when every form is open in its unit's inbox,
// every deviation found at open has its warning, every warned project is suspended on the finance
// ledger and every warning's verification task is open: what Flowable's comparison instance does.
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Db } from '../db';
import type { Config } from '../config';
import { MONITORING_ROUND_WORKFLOW } from '../contracts/monitoring/names';
import { roundTemplate } from '../contracts/monitoring/settings';
import { WARNING_TASKS } from '../contracts/warning/names';

export interface RoundFigures {
  round: string;
  departments: number;
  projects: number;
  forms: number;
  warned: number;
  suspended: number;
  verifications: number;
  seconds: number;
  formsPerSecond: number;
  /**
   * Trigger (the rule's observedAt) → the suspension's row on the finance ledger, per project this
   * round warned first (a project already suspended by an open warning gets no second row).
   */
  suspensionP50Ms: number;
  suspensionP99Ms: number;
  suspensionMaxMs: number;
  /** The project's batch started → its suspension on the ledger. */
  batchToSuspensionP50Ms: number;
  batchToSuspensionP99Ms: number;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The finance stand-in's departments and units as the product's directory: a preparer per unit, a reviewer-head per department. */
export async function seedDirectoryFromFinance(db: Db): Promise<{ departments: string[]; units: number }> {
  await db.query(`INSERT INTO orgs (id, kind, name) SELECT id, 'department', name FROM finance.departments ON CONFLICT DO NOTHING`);
  await db.query(`INSERT INTO orgs (id, kind, name, parent_id) SELECT id, 'unit', name, dept_id FROM finance.units ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'p-' || id, '经办人 ' || id, 'p-' || id || '@bench.local', id, ARRAY['unit_preparer', 'unit_head'], ARRAY['unit_preparer@' || id, 'unit_head@' || id]
     FROM finance.units ON CONFLICT DO NOTHING`,
  );
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'r-' || id, '主管部门负责人 ' || id, 'r-' || id || '@bench.local', id, ARRAY['competent_head', 'competent_reviewer'], ARRAY['competent_head@' || id, 'competent_reviewer@' || id]
     FROM finance.departments ON CONFLICT DO NOTHING`,
  );
  const departments = (await db.query<{ id: string }>('SELECT id FROM finance.departments ORDER BY id')).rows.map((r) => r.id);
  const units = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM finance.units')).rows[0].n;
  return { departments, units };
}

/**
 * Starts a real monitoring round over these departments (its id `monitoring:<year>:<cutoff>` with
 * a suffix, so that the bench's runs are rounds of their own) and waits until it has opened.
 */
export async function openMonitoringRound(
  { temporal, db, config }: { temporal: Client; db: Db; config: Config },
  { year, cutoff, deptIds, suffix, progress, signal }: { year: number; cutoff: string; deptIds: string[]; suffix: string; progress?: (line: string) => void; signal?: AbortSignal },
): Promise<RoundFigures> {
  const profileRound = config.region.monitoring.rounds.find((r) => r.cutoff === cutoff) ?? config.region.monitoring.rounds[0];
  const round = `monitoring:${year}:${profileRound.cutoff}:${suffix}`;
  const projects = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM finance.projects WHERE year = $1 AND expenditure = 'project' AND dept_id = ANY($2)`, [year, deptIds])).rows[0].n;
  const t0 = performance.now();
  const started = new Date();
  await temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
    workflowId: round,
    taskQueue: config.temporal.taskQueue,
    // BENCH_BATCH_SIZE: projects per batch execution (the settings' batchSize), for experiments
    args: [{ ...roundTemplate(config.region, profileRound, 'bench'), year, deptIds, ...(process.env.BENCH_BATCH_SIZE ? { batchSize: Number(process.env.BENCH_BATCH_SIZE) } : {}) }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  // The wait's own queries run on the system's PostgreSQL: the cheap counts every 250 ms, the joins
  // over the ledger and the verifications only for a progress line or once every form is open (at
  // 250 ms, all of them cost ~30% of a core at province scale: 47 s of statement time in a 159 s round).
  const opened = async () =>
    (
      await db.query<{ forms: number; results: number }>(
        `SELECT (SELECT count(*)::int FROM tasks WHERE workflow_id LIKE $1 AND type = 'monitoring.form') AS forms,
                (SELECT count(*)::int FROM monitoring_results WHERE round = $2) AS results`,
        [`${round}:%`, round],
      )
    ).rows[0];
  const warnedState = async () =>
    (
      await db.query<{ warned: number; answered: number; suspended: number; verifications: number }>(
        `SELECT (SELECT count(*)::int FROM monitoring_results WHERE round = $1 AND warned) AS warned,
                (SELECT count(*)::int FROM monitoring_results WHERE round = $1 AND warned AND response_ref IS NOT NULL) AS answered,
                (SELECT count(DISTINCT l.project_id)::int FROM finance.ledger l JOIN monitoring_results r ON r.project_id = l.project_id AND r.round = $1 AND r.warned
                  WHERE l.op = 'suspend') AS suspended,
                (SELECT count(*)::int FROM tasks t JOIN monitoring_results r ON r.round = $1 AND r.warned AND t.project_id = r.project_id
                  WHERE t.type = $2 AND t.status = 'open') AS verifications`,
        [round, WARNING_TASKS.verify],
      )
    ).rows[0];
  let last = performance.now();
  // the caller's phase may end (or fail) while this round still opens: it aborts this wait before it closes the pool
  signal?.throwIfAborted();
  const s = { ...(await opened()), warned: 0, answered: 0, suspended: 0, verifications: 0 };
  for (;;) {
    const printing = progress && performance.now() - last > 5000;
    if ((s.results >= projects && s.forms >= projects) || printing) Object.assign(s, await warnedState());
    if (s.results >= projects && s.forms >= projects && s.answered >= s.warned && s.suspended >= s.warned && s.verifications >= s.warned) break;
    if (performance.now() - t0 > 900_000) throw new Error(`round ${round} did not open in 15 minutes: ${JSON.stringify(s)} of ${projects}`);
    if (progress && printing) {
      last = performance.now();
      progress(`${round}: ${((performance.now() - t0) / 1000).toFixed(0)} s, ${s.forms}/${projects} forms open, ${s.suspended}/${s.warned} warned projects suspended, ${s.verifications} verifications open`);
    }
    await sleep(250);
    signal?.throwIfAborted();
    Object.assign(s, await opened());
  }
  const seconds = (performance.now() - t0) / 1000;
  const lat = (
    await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM (min(l.at) - min((r.hits->0->>'observedAt')::timestamptz))) * 1000 AS ms
         FROM monitoring_results r JOIN finance.ledger l ON l.project_id = r.project_id AND l.op = 'suspend' AND l.at >= $2
        WHERE r.round = $1 AND r.warned GROUP BY r.project_id`,
      [round, started],
    )
  ).rows.map((r) => Number(r.ms));
  // the same from the start of the project's batch (its execution's start time): it does not move with
  // where a workflow task waits (the server's queue, or the worker's slots after the task has started)
  const perProject = (
    await db.query<{ batch_id: string; at: Date }>(
      `SELECT r.batch_id, min(l.at) AS at FROM monitoring_results r JOIN finance.ledger l ON l.project_id = r.project_id AND l.op = 'suspend' AND l.at >= $2
        WHERE r.round = $1 AND r.warned GROUP BY r.project_id, r.batch_id`,
      [round, started],
    )
  ).rows;
  const batchStart = new Map<string, number>();
  for (const id of new Set(perProject.map((r) => r.batch_id))) batchStart.set(id, (await temporal.workflow.getHandle(id).describe()).startTime.getTime());
  const fromBatch = perProject.map((r) => new Date(r.at).getTime() - (batchStart.get(r.batch_id) as number));
  return {
    round,
    departments: deptIds.length,
    projects,
    forms: s.forms,
    warned: s.warned,
    suspended: s.suspended,
    verifications: s.verifications,
    seconds,
    formsPerSecond: s.forms / seconds,
    suspensionP50Ms: pct(lat, 50),
    suspensionP99Ms: pct(lat, 99),
    suspensionMaxMs: lat.length ? Math.max(...lat) : NaN,
    batchToSuspensionP50Ms: pct(fromBatch, 50),
    batchToSuspensionP99Ms: pct(fromBatch, 99),
  };
}

/**
 * Trigger (the earliest warned result's rule observedAt) → the suspension's row on the finance ledger
 * (keyed by the project's warning), for these projects: the figure openMonitoringRound gives per round.
 */
export async function triggerToSuspension(db: Db, projectIds: string[]): Promise<{ n: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const lat = (
    await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM (min(l.at) - min((r.hits->0->>'observedAt')::timestamptz))) * 1000 AS ms
         FROM monitoring_results r JOIN finance.ledger l ON l.project_id = r.project_id AND l.op = 'suspend' AND (l.idem_key LIKE 'warning:%' OR l.detail->>'ref' LIKE 'warning:%')
        WHERE r.warned AND r.project_id = ANY($1) GROUP BY r.project_id`,
      [projectIds],
    )
  ).rows.map((r) => Number(r.ms));
  return { n: lat.length, p50Ms: pct(lat, 50), p99Ms: pct(lat, 99), maxMs: lat.length ? Math.max(...lat) : NaN };
}

/** An open monitoring form, with what its unit needs to fill it in (the caller shuffles them, across rounds). */
export interface OpenForm {
  id: string;
  unit_id: string;
  indicators: Array<{ code: string; name: string }>;
}

export async function openForms(db: Db, roundPrefix: string): Promise<OpenForm[]> {
  return (
    await db.query<OpenForm>(
      `SELECT id, unit_id, coalesce(state->'spec'->'context'->'indicators', '[]'::jsonb) AS indicators FROM tasks
        WHERE workflow_id LIKE $1 AND type = 'monitoring.form' AND status = 'open'`,
      [`${roundPrefix}%`],
    )
  ).rows;
}

/** A complete form, on track (no form rule fires), with reasons and measures in case the data rule did. */
export function submission(f: OpenForm): Record<string, unknown> {
  return {
    action: 'decide',
    outcome: 'submit',
    form: {
      indicators: (f.indicators.length ? f.indicators : [{ code: 'X', name: '产出数量' }]).map((i) => ({ code: i.code, name: i.name, core: true, completedPct: 60, expectedPct: 100 })),
      expectedExecutionPct: 95,
      deviationReason: '资金拨付晚于计划，已与主管部门对接。',
      measures: '加快项目实施进度，按月调度。',
    },
  };
}
