// The bench's warnings phase (issue 20, item 6): the rounds' data-driven warnings (the stand-in's
// data warns about 5% of projects; 1,500 at province scale) verified by their competent departments
// and decided by finance, all through the HTTP API, as people would: the department's reviewer
// proposes resume, adjust or reclaim (a mix); a finance performance officer accepts; a reclaim is
// approved by a finance director who is not the verifier — the bench's reclaims are verified by a
// finance director sitting as the department's reviewer (兼任), so segregation of duties is in play,
// and the first few approvals are tried by that verifier first, who must be refused (403).
// Measured: decisions per second end to end, each step's request latency, the hand-over from one
// step to the next task in its inbox, and a warning's whole way (first request → concluded).
// Then the finance ledger, per movement kind, keyed by the warning: exactly one suspension per
// warning and one resume / adjust (+ targets, + resume) / reclaim per decision; a mismatch fails the phase.
import type { Db } from '../db';
import { WARNING_TASKS } from '../contracts/warning/names';
import { act, type Retries } from './act';

export type Proposal = 'resume' | 'adjust' | 'reclaim';
/** The mix of proposals, in tenths: 5 resume, 3 adjust, 2 reclaim. */
export const proposalOf = (i: number): Proposal => (i % 10 < 5 ? 'resume' : i % 10 < 8 ? 'adjust' : 'reclaim');
const CONCLUSION: Record<Proposal, string> = { resume: 'resumed', adjust: 'adjusted', reclaim: 'reclaimed' };
/** The ledger rows, by kind, a warning leaves after each decision (keyed `<warning>/<step>`). */
const EXPECTED_ROWS: Record<Proposal, Record<string, number>> = {
  resume: { suspend: 1, resume: 1 },
  adjust: { suspend: 1, adjust: 1, targets: 1, resume: 1 },
  reclaim: { suspend: 1, reclaim: 1 },
};
const FINANCE_OFFICERS = ['perf-officer', 'perf-officer2'];
const RECLAIM_APPROVER = 'director';
/** Reclaim approvals first tried by the verifier (a finance director too), who must be refused. */
const SEGREGATION_SAMPLE = 5;

const verification = { reasons: '受汛期影响施工延后，已核实项目实施情况。', evidence: [{ name: '施工日志' }] };
function formOf(p: Proposal): Record<string, unknown> {
  if (p === 'resume') return { ...verification, targetsAchievable: true, justification: '汛期停工已结束，施工单位已复工，九月底可完成年度产出指标。' };
  if (p === 'adjust')
    return {
      ...verification,
      targetsAchievable: false,
      newTargets: [{ code: 'OUT-1', level1: 'output', level2: '数量指标', name: '完成工程量', target: '80', unit: '%', direction: '>=', isCore: true }],
      deltaFen: -10_000,
      adjustReason: '建设规模调减，相应调减预算和产出目标。',
    };
  return { ...verification, targetsAchievable: false, amountFen: 1_000, closeProject: false };
}

export interface OpenWarning {
  workflowId: string;
  verifyTaskId: string;
  projectId: string;
  deptId: string;
}

/** The open warnings with their verification open, oldest workflow id first. */
export async function openWarnings(db: Db, limit: number): Promise<OpenWarning[]> {
  return (
    await db.query<OpenWarning>(
      `SELECT t.workflow_id AS "workflowId", t.id AS "verifyTaskId", t.project_id AS "projectId", t.dept_id AS "deptId"
         FROM tasks t JOIN processes p ON p.workflow_id = t.workflow_id AND p.status = 'running'
        WHERE t.type = $1 AND t.status = 'open' ORDER BY t.workflow_id LIMIT $2`,
      [WARNING_TASKS.verify, limit],
    )
  ).rows;
}

/** For each department, a finance director who also sits as its reviewer (`wd-<dept>`): the reclaims' verifier. */
export async function seedDualDirectors(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'wd-' || id, '财政厅负责人（兼 ' || id || ' 核实）', 'wd-' || id || '@bench.local', 'FIN',
            ARRAY['finance_director', 'competent_reviewer'], ARRAY['finance_director@FIN', 'competent_reviewer@' || id]
       FROM finance.departments ON CONFLICT DO NOTHING`,
  );
}

/**
 * One poller for every warning the phase waits on: a task of a type open in the warning's inbox, or
 * the warning concluded. Stopped (and awaited) before the phase returns, so it never outlives the pool.
 */
class Watch {
  private tasks = new Map<string, { resolve: (id: string) => void; reject: (e: Error) => void; until: number }>();
  private done = new Map<string, { resolve: (c: string) => void; reject: (e: Error) => void; until: number }>();
  private stopped = false;
  readonly loop: Promise<void>;
  constructor(
    private db: Db,
    private timeoutMs: number,
  ) {
    this.loop = this.run();
  }
  task(workflowId: string, type: string): Promise<string> {
    return new Promise((resolve, reject) => this.tasks.set(`${workflowId}|${type}`, { resolve, reject, until: Date.now() + this.timeoutMs }));
  }
  concluded(workflowId: string): Promise<string> {
    return new Promise((resolve, reject) => this.done.set(workflowId, { resolve, reject, until: Date.now() + this.timeoutMs }));
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const w of [...this.tasks.values(), ...this.done.values()]) w.reject(new Error('the phase ended before this step'));
  }
  private async run(): Promise<void> {
    while (!this.stopped) {
      await new Promise((r) => setTimeout(r, 100));
      if (this.stopped) break;
      try {
        await this.poll();
      } catch (e) {
        // the database failed this poll: every step waiting now fails with it (the loop goes on)
        for (const w of [...this.tasks.values(), ...this.done.values()]) w.reject(e as Error);
        this.tasks.clear();
        this.done.clear();
      }
    }
  }
  private async poll(): Promise<void> {
    {
      const now = Date.now();
      if (this.tasks.size) {
        const keys = [...this.tasks.keys()];
        const { rows } = await this.db.query<{ workflow_id: string; type: string; id: string }>(
          `SELECT workflow_id, type, id FROM tasks WHERE workflow_id = ANY($1) AND type = ANY($2) AND status = 'open'`,
          [[...new Set(keys.map((k) => k.split('|')[0]))], [...new Set(keys.map((k) => k.split('|')[1]))]],
        );
        for (const r of rows) {
          const w = this.tasks.get(`${r.workflow_id}|${r.type}`);
          if (w) {
            this.tasks.delete(`${r.workflow_id}|${r.type}`);
            w.resolve(r.id);
          }
        }
        for (const [k, w] of this.tasks) {
          if (now <= w.until) continue;
          this.tasks.delete(k);
          w.reject(new Error(`${k.replace('|', ': ')} not open after ${this.timeoutMs / 1000} s`));
        }
      }
      if (this.done.size) {
        const ids = [...this.done.keys()];
        const { rows } = await this.db.query<{ workflow_id: string; status: string; conclusion: string | null; refused: boolean }>(
          `SELECT p.workflow_id, p.status, p.summary->>'conclusion' AS conclusion,
                  EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_id = p.workflow_id AND t.type = $2 AND t.status = 'open') AS refused
             FROM processes p WHERE p.workflow_id = ANY($1)`,
          [ids, WARNING_TASKS.financeRefused],
        );
        for (const r of rows) {
          const w = this.done.get(r.workflow_id);
          if (!w) continue;
          if (r.status !== 'completed' && !r.refused) continue;
          this.done.delete(r.workflow_id);
          if (r.status === 'completed') w.resolve(r.conclusion ?? '');
          else w.reject(new Error(`${r.workflow_id}: the finance system refused a movement (a warning.financeRefused task is open)`));
        }
        for (const [k, w] of this.done) {
          if (now <= w.until) continue;
          this.done.delete(k);
          w.reject(new Error(`${k} not concluded after ${this.timeoutMs / 1000} s`));
        }
      }
    }
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

export interface WarningsRun {
  warnings: number;
  resume: number;
  adjust: number;
  reclaim: number;
  /** HTTP decisions made (verification, finance's decision, reclaim approval). */
  decisions: number;
  seconds: number;
  decisionsPerSecond: number;
  warningsPerSecond: number;
  verifyP50: number;
  verifyP99: number;
  decideP50: number;
  decideP99: number;
  approveP50: number;
  approveP99: number;
  /** A step answered → the next step's task open in its inbox (the projection; polled every 100 ms). */
  handoverP50: number;
  handoverP99: number;
  /** First request → the warning concluded (its process completed). */
  endToEndP50: number;
  endToEndP99: number;
  retriedAfter503: number;
  /** Approvals tried by the verifier and refused 403 (segregation of duties). */
  segregationRefused: number;
  failed: number;
}

/**
 * Verifies and decides these warnings through the API with `concurrency` people at work at once;
 * returns the run's figures and what went wrong (a warning that failed, a verifier not refused).
 */
export async function decideWarnings(
  o: { db: Db; apiUrl: string; token: (user: string) => Promise<string>; signal?: AbortSignal },
  warnings: OpenWarning[],
  { concurrency, offset = 0, stepTimeoutMs = 180_000 }: { concurrency: number; offset?: number; stepTimeoutMs?: number },
): Promise<{ figures: WarningsRun; failures: string[]; decided: Array<OpenWarning & { proposal: Proposal }> }> {
  const retries: Retries = { after503: 0 };
  const lat = { verify: [] as number[], decide: [] as number[], approve: [] as number[], handover: [] as number[], e2e: [] as number[] };
  const failures: string[] = [];
  const decided: Array<OpenWarning & { proposal: Proposal }> = [];
  const counts: Record<Proposal, number> = { resume: 0, adjust: 0, reclaim: 0 };
  let segregationSample = SEGREGATION_SAMPLE;
  let segregationRefused = 0;
  const watch = new Watch(o.db, stepTimeoutMs);
  const move = async (user: string, taskId: string, body: unknown, accept?: number[]) =>
    act({ apiUrl: o.apiUrl, token: await o.token(user), taskId, body, idempotencyKey: `bench-${taskId}-${user}`, retries, signal: o.signal, ...(accept ? { accept } : {}) });
  const one = async (w: OpenWarning, i: number): Promise<void> => {
    const proposal = proposalOf(offset + i);
    counts[proposal]++;
    const verifier = proposal === 'reclaim' ? `wd-${w.deptId}` : `r-${w.deptId}`;
    const t0 = performance.now();
    const v = await move(verifier, w.verifyTaskId, { action: 'decide', outcome: proposal, form: formOf(proposal) });
    lat.verify.push(v.ms);
    let answered = performance.now();
    const decideId = await watch.task(w.workflowId, WARNING_TASKS.decide);
    lat.handover.push(performance.now() - answered);
    const d = await move(FINANCE_OFFICERS[i % FINANCE_OFFICERS.length], decideId, { action: 'decide', outcome: 'accept', form: {}, comment: '同意部门意见。' });
    lat.decide.push(d.ms);
    if (proposal === 'reclaim') {
      answered = performance.now();
      const approveId = await watch.task(w.workflowId, WARNING_TASKS.approveReclaim);
      lat.handover.push(performance.now() - answered);
      if (segregationSample > 0) {
        segregationSample--;
        const own = await move(verifier, approveId, { action: 'decide', outcome: 'approve', form: {} }, [403]);
        if (own.status === 403) segregationRefused++;
        else failures.push(`${w.workflowId}: the reclaim's verifier ${verifier} approved it (HTTP ${own.status}), segregation of duties not kept`);
      }
      const ap = await move(RECLAIM_APPROVER, approveId, { action: 'decide', outcome: 'approve', form: {}, comment: '同意收回。' });
      lat.approve.push(ap.ms);
    }
    const conclusion = await watch.concluded(w.workflowId);
    lat.e2e.push(performance.now() - t0);
    if (conclusion !== CONCLUSION[proposal]) failures.push(`${w.workflowId}: proposed ${proposal}, concluded ${conclusion || '(none)'}`);
    decided.push({ ...w, proposal });
  };
  const t0 = performance.now();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let k = next++; k < warnings.length; k = next++) {
          if (o.signal?.aborted) return;
          await one(warnings[k], k).catch((e: unknown) => void failures.push(`${warnings[k].workflowId}: ${(e as Error).stack ?? String(e)}`));
        }
      }),
    );
  } finally {
    await watch.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const decisions = lat.verify.length + lat.decide.length + lat.approve.length;
  return {
    figures: {
      warnings: warnings.length,
      ...counts,
      decisions,
      seconds,
      decisionsPerSecond: decisions / seconds,
      warningsPerSecond: decided.length / seconds,
      verifyP50: pct(lat.verify, 50),
      verifyP99: pct(lat.verify, 99),
      decideP50: pct(lat.decide, 50),
      decideP99: pct(lat.decide, 99),
      approveP50: pct(lat.approve, 50),
      approveP99: pct(lat.approve, 99),
      handoverP50: pct(lat.handover, 50),
      handoverP99: pct(lat.handover, 99),
      endToEndP50: pct(lat.e2e, 50),
      endToEndP99: pct(lat.e2e, 99),
      retriedAfter503: retries.after503,
      segregationRefused,
      failed: warnings.length - decided.length,
    },
    failures,
    decided,
  };
}

/**
 * The finance ledger's rows of these warnings (keyed `<warning>/<step>`), counted per movement kind,
 * against what each decision leaves, and each project's payments status after it (resumed: active;
 * reclaimed: still suspended); every warning whose rows or status differ is a mismatch.
 */
export async function ledgerRows(db: Db, decided: Array<{ workflowId: string; projectId: string; proposal: Proposal }>): Promise<{ byKind: Record<string, number>; expected: Record<string, number>; mismatches: string[] }> {
  const { rows } = await db.query<{ wf: string; op: string; n: number }>(
    // a row is the warning's when its key is (`<warning>/<step>`) or when it names the warning as its
    // ref: the suspension the monitoring batch made at detection, under the batch's key
    `SELECT CASE WHEN split_part(idem_key, '/', 1) = ANY($1) THEN split_part(idem_key, '/', 1) ELSE detail->>'ref' END AS wf, op, count(*)::int AS n
       FROM finance.ledger WHERE split_part(idem_key, '/', 1) = ANY($1) OR detail->>'ref' = ANY($1) GROUP BY 1, 2`,
    [decided.map((d) => d.workflowId)],
  );
  const of = new Map<string, Record<string, number>>();
  const byKind: Record<string, number> = {};
  for (const r of rows) {
    of.set(r.wf, { ...of.get(r.wf), [r.op]: r.n });
    byKind[r.op] = (byKind[r.op] ?? 0) + r.n;
  }
  const expected: Record<string, number> = {};
  const mismatches: string[] = [];
  const show = (x: Record<string, number>): string => Object.entries(x).sort().map(([k, n]) => `${k} ${n}`).join(', ');
  for (const d of decided) {
    const want = EXPECTED_ROWS[d.proposal];
    for (const [k, n] of Object.entries(want)) expected[k] = (expected[k] ?? 0) + n;
    const got = of.get(d.workflowId) ?? {};
    if (show(got) !== show(want)) mismatches.push(`${d.workflowId} (${d.proposal}): ledger ${show(got) || 'no rows'}, expected ${show(want)}`);
  }
  // never both suspended and marked resumed: the project's payments as the finance system has them now
  const status = new Map(
    (await db.query<{ id: string; status: string }>(`SELECT id, status FROM finance.projects WHERE id = ANY($1)`, [decided.map((d) => d.projectId)])).rows.map((r) => [r.id, r.status]),
  );
  for (const d of decided) {
    const want = d.proposal === 'reclaim' ? 'suspended' : 'active';
    if (status.get(d.projectId) !== want) mismatches.push(`${d.workflowId} (${d.proposal}): project ${d.projectId} is ${status.get(d.projectId) ?? 'missing'} in the finance system, expected ${want}`);
  }
  return { byKind, expected, mismatches };
}
