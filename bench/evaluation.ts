// `npm run bench:evaluation [-- --projects N --ceiling N --draw N --reps N]`: issue 22, item 6 — open a
// self-evaluation cycle of N projects (default 2,000; `--projects 67280` is Xinjiang's 2020 volume, 003)
// on the real evaluation workflows until every form is in its unit's inbox, with the trivial-workflow
// ceiling measured in the same run; and the time to draw a check sample over 30,000 projects (the
// profile's rule, Xinjiang's: region level in full, ceil(10%) of prefectures and counties, a share of
// the rest). The real parts run as in bench/run.ts (bench/system.ts), each in a process of its own: a Temporal dev
// server on SQLite, PostgreSQL, the finance stand-in with last year's closed budget, the worker
// (bench/worker.ts, the bench's worker: every registered process's workflows and the trivial one) and the API (api/main.ts). Prints the figures as JSON.
import { cpus, totalmem, loadavg } from 'node:os';
import pino from 'pino';
import { HttpFinanceClient } from '../finance/client';
import { startBenchSystem } from './system';
import { drawChecks, type CheckCandidate } from '../contracts/evaluation/draw';
import { cycleStatusQuery, departmentStatusQuery, evaluationCycleId } from '../contracts/evaluation/names';
import type { benchTrivial } from './workflows';

const argv = process.argv.slice(2);
const num = (flag: string, dflt: number): number => {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const PROJECTS = num('--projects', 2000);
const CEILING = num('--ceiling', Math.min(1000, Math.max(100, Math.round(PROJECTS / 10))));
const DRAW_POPULATION = num('--draw', 30_000);
const REPS = Math.max(1, num('--reps', 3));
const CEILING_CLIENTS = 32;
const log = pino({ level: 'warn' });
const say = (m: string): void => void process.stderr.write(`[bench:evaluation] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    command: `npm run bench:evaluation${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    projects: PROJECTS,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavgAtStart: loadavg() },
  };
  // the finance stand-in with last year's closed budget (years: 2): N projects a year, ~300 a department, 15 a unit
  const departments = Math.max(1, Math.round(PROJECTS / 300));
  const sys = await startBenchSystem({
    prefix: 'jixiao-bench-eval-',
    region: 'xinjiang',
    taskQueue: 'bench-eval',
    finance: { departments, units: Math.max(departments, Math.round(PROJECTS / 15)), projects: PROJECTS, transfers: 2, countiesPerTransfer: 10, years: 2, libraryShare: 0.01 },
    apiStartSteps: 600,
    log,
    say,
  });
  try {
    results.financeLoadSeconds = sys.financeLoadSeconds;
    const { db, deps, config, fin, apiUrl } = sys;
    const client = deps.temporal;
    const fc = new HttpFinanceClient({ baseUrl: fin.url, timeoutMs: 60_000 });
    const year = new Date().getUTCFullYear() - 1;

    // the forms expected: every project expenditure of last year outside transfers, as the workflow reads them
    const depts = (await fc.listDepartments()).items.map((d) => d.id);
    let expected = 0;
    for (const deptId of depts) {
      let cursor: string | undefined;
      do {
        const page = await fc.listProjects({ deptId, year, expenditure: 'project', cursor, limit: 500 });
        expected += page.items.filter((p) => !p.transferId).length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    say(`${depts.length} departments, ${expected} project self-evaluations of ${year}`);

    // 1. the trivial-workflow ceiling, in the same run
    const t0 = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CEILING_CLIENTS }, async () => {
      for (let k = next++; k < CEILING; k = next++) await client.workflow.execute<typeof benchTrivial>('benchTrivial', { taskQueue: config.temporal.taskQueue, workflowId: `bench:eval:trivial:${k}`, args: [] });
    }));
    const ceiling = CEILING / ((performance.now() - t0) / 1000);
    results.ceiling = { workflows: CEILING, clients: CEILING_CLIENTS, workflowsPerSecond: ceiling };

    // 2. finance opens the cycle through the API; timed until every form is an open task in the inbox
    const login = await fetch(`${apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'perf-officer' }) });
    const { token } = (await login.json()) as { token: string };
    const c0 = performance.now();
    const opened = await fetch(`${apiUrl}/api/evaluations/cycles`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ year }) });
    if (opened.status !== 201) throw new Error(`opening the cycle: ${opened.status} ${await opened.text()}`);
    let inInbox = 0;
    let lastSay = 0;
    for (;;) {
      inInbox = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE process = 'evaluation' AND type = 'evaluation.selfEvaluate' AND status = 'open'`)).rows[0].n;
      if (inInbox >= expected) break;
      if (performance.now() - c0 > 1_800_000) throw new Error(`timed out: ${inInbox} of ${expected} forms in the inbox`);
      if (performance.now() - lastSay > 10_000) {
        say(`${inInbox} of ${expected} forms in the inbox`);
        lastSay = performance.now();
      }
      await sleep(200);
    }
    const seconds = (performance.now() - c0) / 1000;
    // the workflows agree: every department opened, with its forms
    const cycle = await client.workflow.getHandle(evaluationCycleId(year)).query(cycleStatusQuery);
    let held = 0;
    let maxHistory = 0;
    let batches = 0;
    let maxBatchHistory = 0;
    const historyOf = async (id: string) => Number((await client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.historyLength ?? 0);
    for (const d of cycle.departments) {
      const s = await client.workflow.getHandle(d.workflowId).query(departmentStatusQuery);
      // with batches (each page's forms a child workflow) the department adds up their counts
      held += s.totals?.projects ?? s.items.length;
      maxHistory = Math.max(maxHistory, await historyOf(d.workflowId));
      for (const b of s.batches ?? []) {
        batches++;
        maxBatchHistory = Math.max(maxBatchHistory, await historyOf(b.workflowId));
      }
    }
    results.openCycle = {
      forms: expected,
      formsHeldByWorkflows: held,
      departments: cycle.departments.length,
      seconds,
      formsPerSecond: expected / seconds,
      ratioToCeiling: expected / seconds / ceiling,
      maxDepartmentHistoryEvents: maxHistory,
      batches,
      maxBatchHistoryEvents: maxBatchHistory,
      goal: { seconds: 120, met: seconds < 120 },
    };

    // 3. drawing a check sample over 30,000 projects (Xinjiang's rule from the profile)
    const s = config.region.evaluation.spotCheck;
    const rule = { allFromFen: s.allFromFen, keyProjects: s.keyProjects ?? false, provinceLevelAll: s.provinceLevelAll ?? false, localityShare: s.localityShare ?? 0, sampleRate: s.sampleRate };
    const population: CheckCandidate[] = Array.from({ length: DRAW_POPULATION }, (_, i) => ({
      projectId: `P${String(i).padStart(6, '0')}`,
      deptId: `D${i % 100}`,
      unitId: `U${i % 2000}`,
      amountFen: (i * 7919) % 200_000_000,
      key: i % 97 === 0,
      level: i % 5 === 0 ? 'province' : i % 5 < 3 ? 'prefecture' : 'county',
      locality: i % 5 === 0 ? '区本级' : `地区${i % 120}`,
    }));
    const times: number[] = [];
    let drawn = 0;
    for (let r = 0; r < REPS; r++) {
      const d0 = performance.now();
      drawn = drawChecks(population, rule, 20200 + r).items.length;
      times.push(performance.now() - d0);
    }
    results.drawChecks = { population: DRAW_POPULATION, drawn, reps: REPS, medianMs: median(times), maxMs: Math.max(...times), goal: { ms: 1000, met: Math.max(...times) < 1000 } };
    results.loadavgAtEnd = loadavg();
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await sys.stop();
  }
}

await main();
