// `npm run bench [-- --quick] [-- --projects N --reps N --bulk N --warnings N --shape province|xinjiang2020 --profile] [-- --phases a,b | --skip a,b]`:
// the human-task primitive, the inbox, real pre-assessments and warnings under a province-sized load,
// on this machine, with the real parts, each in a process of its own (bench/system.ts): a Temporal dev
// server on SQLite (WAL), PostgreSQL, the worker (bench/worker.ts), the API (api/main.ts), an SMTP
// sink; this process is the load generator and runs none of them.
// Every latency and throughput phase runs --reps times (default 3) and is reported as median [min–max];
// the trivial-workflow ceiling is measured in the same run, and each figure is given as its ratio to it.
// Phases (names for --phases/--skip): directory; finance (the stand-in's scan); ceiling; open (a real
// monitoring round, bench/round.ts: the monitoring workflows over the finance stand-in's province,
// warnings suspending payments at once); submitPreAssessments (one execution per project, continuing
// projects below the bulk threshold); list (the inbox with 50 users); decideSteady (units submit their
// monitoring forms at a steady 20/s while another round opens); decideSaturation; bulk and bulkReviews
// (bulk approval by department heads: the pre-assessments' target reviews, the monitoring forms'
// reviews); warnings (bench/warnings.ts: the rounds' warnings verified and decided over HTTP, the
// finance ledger counted per movement kind); workflowTasks (memory, mail, the longest workflow task).
// A phase that fails records its error (with the stack) in the results and the later phases still
// run; each phase awaits or aborts its background work (a round still opening, a poller) before it
// returns, and the run aborts and awaits all of it before it closes a pool. The results file
// (bench/results/<stamp>.json) is written after every phase; the exit code is 1 if any phase failed.
import { cpuDelta, postmasterPid, treeCpuSeconds } from './cpu';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import type { buildDeps, openProductDb } from '../app/deps';
import { createAuth } from '../api/auth';
import type { benchTrivial } from './workflows';
import { openForms, openMonitoringRound, seedDirectoryFromFinance, submission, triggerToSuspension, type OpenForm } from './round';
import { startBenchSystem, type BenchSystem } from './system';
import { act, type Retries } from './act';
import { appliedFigures, decisionIdOf } from './queued';
import { decideWarnings, ledgerRows, openWarnings, seedDualDirectors } from './warnings';
import { postgresBin } from '../scripts/postgres';
import { HttpFinanceClient } from '../finance/client';
import { xinjiang2020Scale } from '../finance/generate';
import { preAssessmentWorkflowId } from '../contracts/preAssessment/rules';
import protoModule from '@temporalio/proto';
const proto = protoModule.temporal;

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const num = (flag: string, dflt: number): number => {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const PROJECTS = num('--projects', quick ? 3000 : 30000);
/** PostgreSQL's statements by time (pg_stat_statements) over each run of the open phase. */
const PG_STATS = argv.includes('--pg-stats');
/** The finance stand-in's data set: `province` (100 departments, 2,000 units) or `xinjiang2020`. */
const SHAPE = argv.includes('--shape') ? argv[argv.indexOf('--shape') + 1] : 'province';
if (SHAPE !== 'province' && SHAPE !== 'xinjiang2020') throw new Error(`--shape: province or xinjiang2020, not ${SHAPE}`);
const REPS = Math.max(1, num('--reps', 3));
const PROJECTS_PER_UNIT = 15;
const UNITS_PER_DEPT = 20;
const LIST_USERS = 50;
const LIST_SECONDS = quick ? 8 : 20;
const DECIDE_RATE = 20;
const DECIDE_SECONDS = quick ? 10 : 30;
const SATURATE_SECONDS = quick ? 6 : 20;
const SATURATE_CONCURRENCY = 50;
const CEILING_WORKFLOWS = num('--ceiling', quick ? 300 : 1000);
const CEILING_CLIENTS = 32;
const BULK_PER_REP = num('--bulk', quick ? 200 : 2000); // pre-assessments submitted (and approved in bulk) per run
const BULK_PER_REQUEST = 50; // a department head ticks a page of the inbox (50 a page)
const BULK_HEADS = 4; // heads approving at the same time
const SUBMIT_CLIENTS = 16;
/** Warnings verified and decided over HTTP, at most (1,500: 5% of a province's 30,000 projects). */
const WARNINGS = num('--warnings', 1500);
/** People at work on the warnings at once (department reviewers, finance officers, a director). */
const WARNING_CLIENTS = 16;
const YUAN = 100;

const log = pino({ level: 'warn' });
const say = (m: string): void => void process.stdout.write(`[bench] ${m}\n`);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
/** The worker's own account of its memory (bench/worker.ts answers 'memory' on IPC); null if it does not answer in 10 s. */
function memoryOf(child: import('node:child_process').ChildProcess): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(null), 10_000);
    const onMessage = (m: unknown): void => {
      if (m && typeof m === 'object' && 'memory' in m) done((m as { memory: unknown }).memory);
    };
    const done = (v: unknown): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(v);
    };
    child.on('message', onMessage);
    child.send?.('memory');
  });
}

const rss = (pid: number | undefined): number => {
  try {
    return pid ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024 : 0;
  } catch {
    return 0;
  }
};
const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));

/** A figure over the runs of a phase: median, min, max and each run. */
interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
const spread = (runs: number[]): Spread => {
  const s = [...runs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs };
};
/** Runs a phase REPS times; each run returns its figures by name; returns each figure's spread. */
async function repeat(name: string, run: (rep: number) => Promise<Record<string, number>>): Promise<Record<string, Spread>> {
  const all: Array<Record<string, number>> = [];
  for (let rep = 0; rep < REPS; rep++) {
    let r: Record<string, number>;
    try {
      r = await run(rep);
    } catch (e) {
      // the runs done so far are kept in the results beside the error
      throw new PartialRuns(e, all.length ? Object.fromEntries(Object.keys(all[0]).map((k) => [k, spread(all.map((x) => x[k]))])) : {});
    }
    say(`${name} ${rep + 1}/${REPS}: ${Object.entries(r).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    all.push(r);
  }
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, spread(all.map((r) => r[k]))]));
}
const fmt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en') : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));

/** A phase's outcome in the results: ok, failed (its error with the stack), or skipped (why). */
interface PhaseRecord {
  status: 'ok' | 'failed' | 'skipped';
  seconds: number;
  error?: string;
  stack?: string;
  reason?: string;
}
/** An error that carries the runs a repeated phase completed before it failed. */
class PartialRuns extends Error {
  constructor(
    override readonly cause: unknown,
    readonly partial: Record<string, Spread>,
  ) {
    super((cause as Error)?.message ?? String(cause));
    this.stack = (cause as Error)?.stack ?? this.stack;
  }
}
const stackOf = (e: unknown): string => (e as Error)?.stack ?? String(e);
/** Awaits every promise (none is left running), then throws the first failure with the count of failures. */
async function settleAll<T>(ps: Array<Promise<T>>, what: string): Promise<T[]> {
  const rs = await Promise.allSettled(ps);
  const failed = rs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) {
    const first = failed[0].reason as Error;
    const e = new Error(`${failed.length} of ${ps.length} ${what} failed; the first: ${first?.message ?? String(first)}`);
    e.stack = `${e.message}\n  first failure: ${stackOf(first)}`;
    throw e;
  }
  return rs.map((r) => (r as PromiseFulfilledResult<T>).value);
}

const PHASES = ['directory', 'finance', 'ceiling', 'open', 'submitPreAssessments', 'list', 'decideSteady', 'decideSaturation', 'decideQueued', 'decideQueuedSaturation', 'bulk', 'bulkReviews', 'warnings', 'workflowTasks'] as const;
/** Queued form submissions per saturation run (the pool of open forms is shared by the phases). */
const QUEUED_SATURATION_BUDGET = num('--queued-budget', quick ? 600 : 3000);
type PhaseName = (typeof PHASES)[number];
const listArg = (flag: string): string[] | undefined => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1].split(',').map((x) => x.trim()) : undefined;
};
const ONLY = listArg('--phases');
const SKIP = listArg('--skip') ?? [];
for (const p of [...(ONLY ?? []), ...SKIP]) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--phases/--skip: no phase ${p} (phases: ${PHASES.join(', ')})`);

async function main(): Promise<number> {
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const bin = postgresBin();
  const pgVersion = bin ? spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim() : 'none';
  const phases: Record<string, PhaseRecord> = {};
  const failures: Array<{ phase: string; error: string; stack: string }> = [];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    command,
    projects: PROJECTS,
    reps: REPS,
    quick,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: pgVersion, loadavgAtStart: loadavg() },
    phases,
    failures,
  };
  // the results file is written after every phase: a run that dies still leaves what it measured and why it stopped
  const out = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
  mkdirSync(out, { recursive: true });
  const stamp = `${new Date().toISOString().slice(0, 19).replace(/:/g, '')}${quick ? '-quick' : ''}`;
  const save = (): void => writeFileSync(join(out, `${stamp}.json`), JSON.stringify(results, null, 2));
  let current = 'start-up';
  const failed = (phase: string, e: unknown): void => {
    const stack = stackOf(e);
    process.stderr.write(`[bench] phase ${phase} failed: ${stack}\n`);
    // the first 50 with their stacks; the rest counted
    if (failures.length < 50) failures.push({ phase, error: (e as Error)?.message ?? String(e), stack });
    else results.failuresNotListed = Number(results.failuresNotListed ?? 0) + 1;
  };
  // a rejection nobody awaits (it should not happen: every phase awaits its work) is the current phase's failure, not the run's end
  const onUnhandled = (e: unknown): void => failed(`${current} (unhandled rejection)`, e);
  process.on('unhandledRejection', onUnhandled);
  // aborted before anything closes: background waits (a round still opening, a poller) stop first
  const run = new AbortController();
  const background = new Set<Promise<unknown>>();
  const track = <T,>(p: Promise<T>): Promise<T> => {
    background.add(p);
    void p.then(() => background.delete(p), () => background.delete(p));
    return p;
  };
  const phase = async (name: PhaseName, body: () => Promise<void>, skip?: string): Promise<boolean> => {
    const reason = skip ?? (ONLY && !ONLY.includes(name) ? 'not in --phases' : SKIP.includes(name) ? 'in --skip' : undefined);
    if (reason) {
      phases[name] = { status: 'skipped', seconds: 0, reason };
      say(`phase ${name} skipped: ${reason}`);
      save();
      return false;
    }
    current = name;
    const t0 = performance.now();
    try {
      await body();
      phases[name] = { status: 'ok', seconds: (performance.now() - t0) / 1000 };
      return true;
    } catch (e) {
      const cause = e instanceof PartialRuns ? e.cause : e;
      if (e instanceof PartialRuns && results[name] === undefined) results[name] = { partial: true, ...e.partial };
      failed(name, cause);
      phases[name] = { status: 'failed', seconds: (performance.now() - t0) / 1000, error: (cause as Error)?.message ?? String(cause), stack: stackOf(cause) };
      return false;
    } finally {
      current = 'between phases';
      save();
    }
  };
  save();

  // --- the real parts, each in its own process (bench/system.ts) -------------------------------
  const wftWarnings: string[] = [];
  let sys: BenchSystem;
  try {
    sys = await startBenchSystem({
      prefix: 'jixiao-bench-',
      region: 'inner-mongolia',
      taskQueue: 'bench',
      // the finance stand-in with the province data set runs throughout: a pre-assessment that passes enters
      // the project library through it (preAssessmentEnterProjectLibrary) before it concludes
      // --shape xinjiang2020: the stand-in's province shaped like Xinjiang 2020 (003: 28,443 projects, 13,306 units, 474 transfers; quick: a tenth)
      finance: SHAPE === 'xinjiang2020' ? (quick ? xinjiang2020Scale(0.1) : 'xinjiang2020') : quick ? { departments: 10, units: 200, projects: 3000, transfers: 2, countiesPerTransfer: 10, years: 1, libraryShare: 0.05 } : 'province',
      temporalDbFile: (dir) => (argv.includes('--temporal-memory') ? undefined : join(argv.includes('--temporal-shm') ? mkdtempSync('/dev/shm/jixiao-') : dir, 'temporal.db')),
      splitWorkers: argv.includes('--split-workers'),
      pgStats: PG_STATS,
      ...(argv.includes('--behind-share') ? { behindShare: num('--behind-share', 0.05) } : {}),
      // BENCH_WORKER_NODE_ARGS: Node flags for the worker's process, for experiments (e.g. V8's heap sizes)
      workerNodeArgs: [...(argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${join(out, 'prof')}`] : []), ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      // the worker's stderr is watched for the SDK's and core's warnings about slow workflow tasks
      onWorkerLine: (line) => {
        if (/workflow task|WorkflowTask|exceeded/i.test(line) && !/MaxListenersExceeded/.test(line)) wftWarnings.push(line); // Node's listener warning is not about a task
        else if (/"level":(50|60)/.test(line)) process.stderr.write(`[worker] ${line}\n`);
      },
      log,
      say,
    });
  } catch (e) {
    failed('start-up', e);
    phases['start-up'] = { status: 'failed', seconds: 0, error: (e as Error)?.message ?? String(e), stack: stackOf(e) };
    save();
    process.off('unhandledRejection', onUnhandled);
    return 1;
  }
  const { db, deps, config, fin, apiUrl, temporal } = sys;
  const workerChild = sys.worker;
  const apiChild = sys.api;
  const auth = createAuth(db, config.auth);
  let workerRssMax = 0;
  /** The system's parts by process tree, for CPU time by part. */
  const parts = () => ({ worker: workerChild.pid, warningWorker: sys.laneWorker?.pid, api: apiChild.pid, temporal: temporal.pid, postgres: postmasterPid(sys.pg.dataDir), bench: process.pid });
  const rssTimer = setInterval(() => void (workerRssMax = Math.max(workerRssMax, rss(workerChild.pid))), 1000);
  say(`PostgreSQL; worker (pid ${workerChild.pid}) and API (pid ${apiChild.pid}) in processes of their own, the load generator in this one (pid ${process.pid}); ${REPS} runs per phase`);
  const client = deps.temporal;
  const taskQueue = config.temporal.taskQueue;
  const year = new Date().getFullYear();
  const units = Math.ceil(PROJECTS / PROJECTS_PER_UNIT);
  const depts = Math.ceil(units / UNITS_PER_DEPT);
  let directory: { departments: string[]; units: number } = { departments: [], units: 0 };
  const rounds: string[] = [];
  const pgTop: unknown[] = [];
  const submitted: string[][] = [];
  let ceil = NaN;

  try {
    await phase('directory', async () => {
      await seedOrgs(db, depts, units);
      directory = await seedDirectoryFromFinance(db);
      say(`monitoring: the finance stand-in's ${directory.departments.length} departments and ${directory.units} units; pre-assessments: ${units} bench units in ${depts} departments`);
    });

    // --- 0. the finance stand-in with the province data set --------------------------------------
    await phase('finance', async () => {
      const fc = new HttpFinanceClient({ baseUrl: fin.url, timeoutMs: 60_000 });
      const s0 = performance.now();
      let rows = 0;
      let pages = 0;
      let laggards = 0;
      for (let cursor: string | undefined; ; ) {
        const page = await fc.listExecution({ year, asOf: `${year}-07-31`, limit: 1000, ...(cursor ? { cursor } : {}) });
        rows += page.items.length;
        pages++;
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      for (let cursor: string | undefined; ; ) {
        const page = await fc.listExecution({ year, asOf: `${year}-07-31`, limit: 1000, maxRateBp: 3000, ...(cursor ? { cursor } : {}) });
        laggards += page.items.length;
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      const scanSeconds = (performance.now() - s0) / 1000;
      results.finance = { startAndLoadSeconds: sys.financeLoadSeconds, executionRows: rows, pages, laggardsAtOrBelow30Pct: laggards, scanSeconds };
      say(`finance stand-in: loaded and listening in ${sys.financeLoadSeconds.toFixed(1)} s; execution of ${rows} projects read in ${pages} pages + laggard scan (${laggards}) in ${scanSeconds.toFixed(1)} s`);
    }, argv.includes('--no-finance') ? '--no-finance' : undefined);

    // --- 1. the trivial-workflow ceiling of this run ----------------------------------------------
    // CEILING_CLIENTS clients each start a workflow that returns at once and await its result.
    await phase('ceiling', async () => {
      const ceiling = await repeat('trivial-workflow ceiling', async (rep) => {
        let next = 0;
        const lat: number[] = [];
        const t0 = performance.now();
        await settleAll(Array.from({ length: CEILING_CLIENTS }, async () => {
          for (let k = next++; k < CEILING_WORKFLOWS; k = next++) {
            const s = performance.now();
            await client.workflow.execute<typeof benchTrivial>('benchTrivial', { taskQueue, workflowId: `bench:trivial:${rep}:${k}`, args: [] });
            lat.push(performance.now() - s);
          }
        }), 'ceiling clients');
        return { workflowsPerSecond: CEILING_WORKFLOWS / ((performance.now() - t0) / 1000), p50: pct(lat, 50) };
      });
      results.ceiling = { clients: CEILING_CLIENTS, workflows: CEILING_WORKFLOWS, ...ceiling };
      ceil = ceiling.workflowsPerSecond.median;
    });

    // --- 2. a real monitoring round: each run opens the round of a third of the departments -------
    await phase('open', async () => {
      results.open = await repeat('open a monitoring round', async (rep) => {
        const mine = directory.departments.filter((_, i) => i % REPS === rep);
        if (PG_STATS) await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(() => db.query('SELECT pg_stat_statements_reset()'));
        const cpu0 = treeCpuSeconds(parts());
        const r = await openMonitoringRound({ temporal: client, db, config }, { year, cutoff: '07-31', deptIds: mine, suffix: `bench${rep}`, progress: say, signal: run.signal });
        rounds.push(r.round);
        // where the CPU went, per 1,000 forms (the bench part includes the finance stand-in and the mail sink)
        const cpu = cpuDelta(cpu0, treeCpuSeconds(parts()));
        const per1k = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [`cpuPer1kForms_${k}`, (v * 1000) / r.forms]));
        if (PG_STATS) {
          const top = (
            await db.query<{ query: string; calls: string; total_ms: number; mean_ms: number; rows: string }>(
              `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query, calls, round(total_exec_time::numeric, 1)::float AS total_ms,
                      round(mean_exec_time::numeric, 3)::float AS mean_ms, rows FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
            )
          ).rows;
          (pgTop as unknown[]).push({ rep, forms: r.forms, top });
          for (const t of top.slice(0, 12)) say(`  pg ${t.total_ms.toFixed(0).padStart(7)} ms ${String(t.calls).padStart(7)} calls ${t.mean_ms.toFixed(2).padStart(7)} ms/call  ${t.query}`);
          results.pgTop = pgTop;
        }
        return { ...per1k, forms: r.forms, warned: r.warned, suspended: r.suspended, seconds: r.seconds, formsPerSecond: r.formsPerSecond, suspensionP50Ms: r.suspensionP50Ms, suspensionP99Ms: r.suspensionP99Ms, suspensionMaxMs: r.suspensionMaxMs, batchToSuspensionP50Ms: r.batchToSuspensionP50Ms, batchToSuspensionP99Ms: r.batchToSuspensionP99Ms };
      });
    });

    // --- 3. real pre-assessments: continuing projects below the bulk threshold -------------------
    // Unit preparers submit over HTTP (POST /api/pre-assessments), one execution per project; each opens
    // a target review (绩效目标审核) that its department's head may approve in bulk.
    await phase('submitPreAssessments', async () => {
      const amountFen = Math.min(800_000 * YUAN, config.region.preAssessment.bulkTargetReviewBelowFen - YUAN);
      const submit = await repeat('submit pre-assessments', async (rep) => {
        const codes = Array.from({ length: BULK_PER_REP }, (_, i) => ({ code: `BP${rep}-${i}`, unit: 1 + ((i * 7 + rep) % units) }));
        submitted[rep] = codes.map((c) => preAssessmentWorkflowId(c.code));
        const lat: number[] = [];
        let next = 0;
        const t0 = performance.now();
        await settleAll(Array.from({ length: SUBMIT_CLIENTS }, async () => {
          for (let k = next++; k < codes.length; k = next++) {
            const u = unitId(codes[k].unit);
            const body = { projectCode: codes[k].code, name: `续建项目 ${codes[k].code}`, deptId: deptId(Math.ceil(codes[k].unit / UNITS_PER_DEPT)), unitId: u, amountFen, industry: '教育', isNew: false, kind: 'project', year: 2027, indicators: [{ kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' }] };
            const s = performance.now();
            const r = await fetch(`${apiUrl}/api/pre-assessments`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `p-${u}`)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
            if (r.status !== 201) throw new Error(`submit: HTTP ${r.status} ${await r.text()}`);
            await r.arrayBuffer();
            lat.push(performance.now() - s);
          }
        }), 'preparers');
        const accepted = performance.now();
        await waitFor(async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id = ANY($1) AND status = 'open' AND bulk_approvable`, [submitted[rep]])).rows[0].n >= codes.length, 'the target reviews in the inbox', run.signal);
        const secs = (performance.now() - t0) / 1000;
        return { applicationsPerSecond: codes.length / secs, acceptedPerSecond: codes.length / ((accepted - t0) / 1000), p99: pct(lat, 99) };
      });
      results.submitPreAssessments = { perRun: BULK_PER_REP, clients: SUBMIT_CLIENTS, amountFen, ...submit };
    });

    // --- 4. the inbox under 50 concurrent users --------------------------------------------------
    await phase('list', async () => {
      const listUnits = (await db.query<{ unit_id: string }>(`SELECT DISTINCT unit_id FROM tasks WHERE type = 'monitoring.form' AND status = 'open' ORDER BY unit_id`)).rows.map((r) => r.unit_id);
      if (!listUnits.length || !directory.departments.length) throw new Error('no open monitoring forms to list (the open phase opens them)');
      const tokens = await Promise.all(
        // 40 unit preparers and 8 department reviewers of the round, 2 finance officers
        Array.from({ length: LIST_USERS }, (_, i) => tokenOf(auth, i < 40 ? `p-${listUnits[(i * 37) % listUnits.length]}` : i < 48 ? `r-${directory.departments[(i * 13) % directory.departments.length]}` : 'perf-officer')),
      );
      const queries = ['', '&sort=priority', '&overdue=true', '&q=project', '&mine=visible', '&sort=created&order=desc', '&process=monitoring'];
      const listOnce = async (token: string, n: number): Promise<number> => {
        const t0 = performance.now();
        const r = await fetch(`${apiUrl}/api/tasks?limit=50${queries[n % queries.length]}`, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`list: HTTP ${r.status}`);
        return performance.now() - t0;
      };
      // (a) 50 officers at work: each lists, reads for 0.5–1.5 s, lists again
      const listAtWork = await repeat('inbox list, 50 at work', async () => {
        const lat: number[] = [];
        const until = Date.now() + LIST_SECONDS * 1000;
        await settleAll(tokens.map(async (token, i) => {
          await sleep((i * 1000) / tokens.length);
          for (let n = i; Date.now() < until; n++) {
            lat.push(await listOnce(token, n));
            await sleep(500 + ((n * 7919) % 1000));
          }
        }), 'officers');
        return { perSecond: lat.length / LIST_SECONDS, p50: pct(lat, 50), p99: pct(lat, 99) };
      });
      // (b) saturation: the same 50, no think time
      const listSaturation = await repeat('inbox list saturation', async () => {
        const lat: number[] = [];
        const until = Date.now() + LIST_SECONDS * 1000;
        await settleAll(tokens.map(async (token, i) => {
          for (let n = i; Date.now() < until; n++) lat.push(await listOnce(token, n));
        }), 'officers');
        return { perSecond: lat.length / LIST_SECONDS, p50: pct(lat, 50), p99: pct(lat, 99) };
      });
      results.list = { users: LIST_USERS, seconds: LIST_SECONDS, atWork: listAtWork, saturation: listSaturation };
    });

    // --- 5. units submit monitoring forms at a steady 20/s while another round opens -------------
    // a submission is the real one: the batch workflow evaluates the form's rules and opens the
    // department's review (审核) task, whose row comes back with the Update's answer
    let openTasks: OpenForm[] | undefined;
    const formsToSubmit = async (): Promise<OpenForm[]> => (openTasks ??= (await Promise.all(rounds.map((r) => openForms(db, `${r}:`)))).flat().sort(() => Math.random() - 0.5));
    const retries: Retries = { after503: 0 };
    // as the web inbox does: an Idempotency-Key, and the same request again after a 503 with a growing
    // pause (bench/act.ts); the latency counts from the first try
    const decide = async (t: OpenForm | undefined): Promise<number> => {
      if (!t) throw new Error('no open monitoring form left to submit (fewer forms than the phase submits: a larger --projects)');
      return (await act({ apiUrl, token: await tokenOf(auth, `p-${t.unit_id}`), taskId: t.id, body: submission(t), idempotencyKey: `bench-${t.id}`, retries, signal: run.signal })).ms;
    };
    /**
     * The background of a run: the 1-4月 round of a tenth of the departments (`share` of ten) opening
     * meanwhile (warnings attach to the open ones). Its wait is the run's: awaited (or aborted) before
     * the run returns, never left polling a pool that closes; the caller removes `stopBg` from the signal.
     */
    const backgroundRound = (share: number, suffix: string) => {
      const deptIds = directory.departments.filter((_, i) => i % 10 === share);
      const bgAbort = new AbortController();
      const stopBg = (): void => bgAbort.abort(new Error('the phase ended before the background round opened'));
      run.signal.addEventListener('abort', stopBg, { once: true });
      const background = argv.includes('--no-background') ? Promise.resolve(null) : track(openMonitoringRound({ temporal: client, db, config }, { year, cutoff: '04-30', deptIds, suffix, signal: bgAbort.signal }));
      return { background, stopBg };
    };
    await phase('decideSteady', async () => {
      const forms = await formsToSubmit();
      const steady = await repeat(`form submissions at ${DECIDE_RATE}/s while a round opens`, async (rep) => {
        // the background: the 1-4月 round of a tenth of the departments opening meanwhile (warnings attach to the open ones)
        const retriesBefore = retries.after503;
        const { background, stopBg } = backgroundRound(rep, `bench-bg${rep}`);
        const lat: number[] = [];
        const pending: Promise<void>[] = [];
        const start = performance.now();
        let failedOnce = false;
        try {
          // after a submission fails no more are sent; those in flight are awaited
          for (let i = 0; i < DECIDE_RATE * DECIDE_SECONDS && !run.signal.aborted && !failedOnce; i++) {
            const wait = start + (i * 1000) / DECIDE_RATE - performance.now();
            if (wait > 0) await sleep(wait);
            const sent = performance.now() - start;
            const p = decide(forms.pop()).then((l) => {
              lat.push(l);
              if (argv.includes('--trace') && l > 300) say(`slow decision at ${(sent / 1000).toFixed(2)} s: ${l.toFixed(0)} ms`);
            });
            p.catch(() => void (failedOnce = true)); // handled here at once; settleAll reports it
            pending.push(p);
          }
          await settleAll(pending, 'form submissions');
        } catch (e) {
          // the submissions failed: the round may still be opening; give it a minute, then stop waiting for it
          await Promise.race([background.catch(() => undefined), sleep(60_000)]);
          stopBg();
          await background.catch(() => undefined);
          throw e;
        } finally {
          run.signal.removeEventListener('abort', stopBg);
        }
        const bg = await background;
        return {
          p50: pct(lat, 50),
          p99: pct(lat, 99),
          openedMeanwhile: bg?.forms ?? 0,
          warnedMeanwhile: bg?.warned ?? 0,
          // trigger → suspension of the background round's warnings, while the submissions go on (issue 20: p99 under 2 s while a round runs)
          bgSuspensionP50Ms: bg?.suspensionP50Ms ?? NaN,
          bgSuspensionP99Ms: bg?.suspensionP99Ms ?? NaN,
          retriedAfter503: retries.after503 - retriesBefore,
        };
      });
      results.decideSteady = { rate: DECIDE_RATE, seconds: DECIDE_SECONDS, ...steady };
    });

    // --- 6. decision saturation on the board's tasks -----------------------------------------------
    await phase('decideSaturation', async () => {
      const forms = await formsToSubmit();
      const saturation = await repeat(`form submission saturation, ${SATURATE_CONCURRENCY} in flight`, async (rep) => {
        const lat: number[] = [];
        const retriesBefore = retries.after503;
        const budget = Math.floor(forms.length / (REPS - rep)); // leave tasks for the later runs
        let taken = 0;
        const end = Date.now() + SATURATE_SECONDS * 1000;
        const t0 = performance.now();
        await settleAll(Array.from({ length: SATURATE_CONCURRENCY }, async () => {
          while (Date.now() < end && taken < budget && forms.length && !run.signal.aborted) {
            taken++;
            lat.push(await decide(forms.pop()));
          }
        }), 'submitters');
        const secs = (performance.now() - t0) / 1000;
        return { perSecond: lat.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), decisions: lat.length, retriedAfter503: retries.after503 - retriesBefore };
      });
      results.decideSaturation = { concurrency: SATURATE_CONCURRENCY, ...saturation };
    });

    // --- 6b. the same submissions queued (api/inbox/queued.ts): answered 202 once kept, applied in batches --
    const decideQueuedOne = async (t: OpenForm | undefined): Promise<{ ms: number; id: string }> => {
      if (!t) throw new Error('no open monitoring form left to submit (fewer forms than the phase submits: a larger --projects)');
      const r = await act({ apiUrl, token: await tokenOf(auth, `p-${t.unit_id}`), taskId: t.id, body: submission(t), idempotencyKey: `bench-q-${t.id}`, retries, signal: run.signal, route: 'queued-actions' });
      return { ms: r.ms, id: decisionIdOf(r.body) };
    };
    await phase('decideQueued', async () => {
      const forms = await formsToSubmit();
      const steady = await repeat(`queued form submissions at ${DECIDE_RATE}/s while a round opens`, async (rep) => {
        const { background, stopBg } = backgroundRound(rep + 3, `bench-bgq${rep}`); // other departments than decideSteady's
        const lat: number[] = [];
        const ids: string[] = [];
        const pending: Promise<void>[] = [];
        const start = performance.now();
        try {
          for (let i = 0; i < DECIDE_RATE * DECIDE_SECONDS && !run.signal.aborted; i++) {
            const wait = start + (i * 1000) / DECIDE_RATE - performance.now();
            if (wait > 0) await sleep(wait);
            pending.push(decideQueuedOne(forms.pop()).then((r) => void (lat.push(r.ms), ids.push(r.id))));
          }
          await settleAll(pending, 'queued form submissions');
        } catch (e) {
          stopBg();
          await background.catch(() => undefined);
          throw e;
        } finally {
          run.signal.removeEventListener('abort', stopBg);
        }
        const applied = await appliedFigures(db, ids, { signal: run.signal });
        const bg = await background;
        if (applied.refused) say(`queued submissions refused: ${applied.refused}, e.g. ${applied.firstRefusals.join('; ')}`);
        return { acceptP50: pct(lat, 50), acceptP99: pct(lat, 99), appliedP50Ms: applied.appliedP50Ms, appliedP99Ms: applied.appliedP99Ms, refused: applied.refused, perUpdate: applied.perUpdate, openedMeanwhile: bg?.forms ?? 0, bgSuspensionP99Ms: bg?.suspensionP99Ms ?? NaN };
      });
      results.decideQueued = { rate: DECIDE_RATE, seconds: DECIDE_SECONDS, ...steady };
    });
    await phase('decideQueuedSaturation', async () => {
      const forms = await formsToSubmit();
      const saturation = await repeat(`queued form submission saturation, ${SATURATE_CONCURRENCY} in flight`, async () => {
        const lat: number[] = [];
        const ids: string[] = [];
        let taken = 0;
        const t0 = performance.now();
        await settleAll(Array.from({ length: SATURATE_CONCURRENCY }, async () => {
          while (taken < QUEUED_SATURATION_BUDGET && forms.length && !run.signal.aborted) {
            taken++;
            const r = await decideQueuedOne(forms.pop());
            lat.push(r.ms);
            ids.push(r.id);
          }
        }), 'queued submitters');
        const secs = (performance.now() - t0) / 1000;
        const applied = await appliedFigures(db, ids, { signal: run.signal });
        if (applied.refused) say(`queued submissions refused: ${applied.refused}, e.g. ${applied.firstRefusals.join('; ')}`);
        return { acceptedPerSecond: lat.length / secs, acceptP50: pct(lat, 50), acceptP99: pct(lat, 99), appliedPerSecond: applied.appliedPerSecond, appliedP50Ms: applied.appliedP50Ms, appliedP99Ms: applied.appliedP99Ms, perUpdate: applied.perUpdate, decisions: lat.length, refused: applied.refused };
      });
      results.decideQueuedSaturation = { concurrency: SATURATE_CONCURRENCY, budget: QUEUED_SATURATION_BUDGET, ...saturation };
    });

    // --- 7. bulk approval by department heads on the pre-assessments' target reviews ---------------
    // POST /api/tasks/bulk-decide, a page of up to 50 tasks per request, 4 heads at once; each task is
    // its own pre-assessment execution (one Update each), which then concludes (passed, mail to the applicant).
    await phase('bulk', async () => {
      const bulkFailures: string[] = [];
      const bulk = await repeat('bulk approval of target reviews', async (rep) => {
        const rows = (await db.query<{ id: string; dept_id: string }>(`SELECT id, dept_id FROM tasks WHERE workflow_id = ANY($1) AND status = 'open' AND bulk_approvable`, [submitted[rep] ?? []])).rows;
        if (!rows.length) throw new Error(`no target reviews of run ${rep + 1} to approve (the submitPreAssessments phase opens them)`);
        const pages: Array<{ dept: string; ids: string[] }> = [];
        const byDept = new Map<string, string[]>();
        for (const r of rows) byDept.set(r.dept_id, [...(byDept.get(r.dept_id) ?? []), r.id]);
        for (const [dept, ids] of byDept) for (let i = 0; i < ids.length; i += BULK_PER_REQUEST) pages.push({ dept, ids: ids.slice(i, i + BULK_PER_REQUEST) });
        let decided = 0;
        const failedBefore = bulkFailures.length;
        const lat: number[] = [];
        const t0 = performance.now();
        await settleAll(Array.from({ length: BULK_HEADS }, async () => {
          for (let g = pages.shift(); g; g = pages.shift()) {
            const s = performance.now();
            const r = await fetch(`${apiUrl}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `r-${g.dept}`)}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g.ids, outcome: 'approve', comment: '目标明确，批量审核通过。' }) });
            const body = (await r.json()) as { decided: number; failed: number; results?: Array<{ taskId: string; ok: boolean; error?: string }> };
            if (r.status !== 200) throw new Error(`bulk: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
            for (const x of body.results ?? []) if (!x.ok) bulkFailures.push(`${x.taskId}: ${x.error}`);
            decided += body.decided;
            lat.push(performance.now() - s);
          }
        }), 'department heads');
        const answered = (performance.now() - t0) / 1000;
        // refusals (e.g. an Update past the API's deadline on a busy machine) are counted, not fatal
        await waitFor(async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM processes WHERE workflow_id = ANY($1) AND status = 'completed'`, [submitted[rep]])).rows[0].n >= decided, 'the pre-assessments concluded', run.signal);
        const concluded = (performance.now() - t0) / 1000;
        return { perSecond: decided / answered, concludedPerSecond: decided / concluded, requestP99: pct(lat, 99), decided, refused: bulkFailures.length - failedBefore };
      });
      results.bulk = { perRequest: BULK_PER_REQUEST, heads: BULK_HEADS, ...bulk, refusals: bulkFailures.slice(0, 10) };
      if (bulkFailures.length) say(`bulk approval refused ${bulkFailures.length}: ${bulkFailures.slice(0, 3).join('; ')}`);
    });

    // --- 7b. bulk approval by department reviewers of the monitoring forms' reviews -----------------
    // many reviews live in one batch execution: a page of them is one Update (task.actMany)
    await phase('bulkReviews', async () => {
      const rows = (await db.query<{ id: string; dept_id: string }>(`SELECT id, dept_id FROM tasks WHERE type = 'monitoring.review' AND status = 'open' AND bulk_approvable ORDER BY dept_id, workflow_id, id`)).rows;
      const byDept = new Map<string, string[]>();
      for (const r of rows) byDept.set(r.dept_id, [...(byDept.get(r.dept_id) ?? []), r.id]);
      const allReviewPages: Array<{ dept: string; ids: string[] }> = [];
      for (const [dept, ids] of byDept) for (let i = 0; i < ids.length; i += BULK_PER_REQUEST) allReviewPages.push({ dept, ids: ids.slice(i, i + BULK_PER_REQUEST) });
      if (allReviewPages.length < 2 * REPS) {
        results.bulkReviews = null;
        say(`bulk approval of monitoring reviews: only ${allReviewPages.length} pages of bulk-approvable reviews, skipped`);
        return;
      }
      // half the pages approved directly, half queued (api/inbox/queued.ts)
      const per = Math.floor(allReviewPages.length / (2 * REPS));
      const queuedReviews = await repeat('queued bulk approval of monitoring form reviews', async (rep) => {
        const pages = allReviewPages.slice((REPS + rep) * per, (REPS + rep + 1) * per);
        const ids: string[] = [];
        let failed = 0;
        const t0 = performance.now();
        await settleAll(Array.from({ length: BULK_HEADS }, async () => {
          for (let g = pages.shift(); g; g = pages.shift()) {
            const r = await fetch(`${apiUrl}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `r-${g.dept}`)}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g.ids, outcome: 'approve', comment: '监控表填报完整，批量审核通过。', queued: true }) });
            const body = (await r.json()) as { failed: number; results: Array<{ ok: boolean; decisionId?: string }> };
            if (r.status !== 200) throw new Error(`queued bulk reviews: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
            for (const x of body.results) if (x.decisionId) ids.push(x.decisionId);
            failed += body.failed;
          }
        }), 'department reviewers');
        const accepted = (performance.now() - t0) / 1000;
        const applied = await appliedFigures(db, ids, { signal: run.signal });
        return { acceptedPerSecond: ids.length / accepted, appliedPerSecond: applied.appliedPerSecond, appliedP99Ms: applied.appliedP99Ms, perUpdate: applied.perUpdate, decided: applied.applied, refused: failed + applied.refused };
      });
      results.bulkReviewsQueued = queuedReviews;
      results.bulkReviews = await repeat('bulk approval of monitoring form reviews', async (rep) => {
        const pages = allReviewPages.slice(rep * per, (rep + 1) * per);
        let decided = 0;
        let refused = 0;
        const t0 = performance.now();
        await settleAll(Array.from({ length: BULK_HEADS }, async () => {
          for (let g = pages.shift(); g; g = pages.shift()) {
            const r = await fetch(`${apiUrl}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `r-${g.dept}`)}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g.ids, outcome: 'approve', comment: '监控表填报完整，批量审核通过。' }) });
            const body = (await r.json()) as { decided: number; failed: number };
            if (r.status !== 200) throw new Error(`bulk reviews: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
            decided += body.decided;
            refused += body.failed;
          }
        }), 'department reviewers');
        return { perSecond: decided / ((performance.now() - t0) / 1000), decided, refused };
      });
    });

    // --- 7c. the rounds' warnings verified by the departments and decided by finance over HTTP ------
    // (bench/warnings.ts; issue 20, item 6): each run a share of the open warnings, a mix of resume,
    // adjust and reclaim; then the finance ledger per movement kind, and trigger → suspension of them
    await phase('warnings', async () => {
      await seedDualDirectors(db);
      const all = await openWarnings(db, WARNINGS);
      if (all.length < REPS) throw new Error(`only ${all.length} open warnings with their verification open (the open phase's rounds raise them)`);
      const per = Math.floor(all.length / REPS);
      const decided: Awaited<ReturnType<typeof decideWarnings>>['decided'] = [];
      const problems: string[] = [];
      say(`warnings: ${all.length} open warnings, ${per} per run, ${WARNING_CLIENTS} people at work at once`);
      const runs = await repeat('warnings verified and decided over HTTP', async (rep) => {
        const r = await decideWarnings({ db, apiUrl, token: (u) => tokenOf(auth, u), signal: run.signal }, all.slice(rep * per, (rep + 1) * per), { concurrency: WARNING_CLIENTS, offset: rep * per });
        decided.push(...r.decided);
        problems.push(...r.failures);
        return { ...r.figures };
      });
      const ledger = await ledgerRows(db, decided);
      const suspension = await triggerToSuspension(db, decided.map((d) => d.projectId));
      results.warnings = {
        available: all.length,
        perRun: per,
        clients: WARNING_CLIENTS,
        mix: { resume: 5, adjust: 3, reclaim: 2 },
        ...runs,
        ledger: { byKind: ledger.byKind, expected: ledger.expected, mismatches: ledger.mismatches.length, firstMismatches: ledger.mismatches.slice(0, 10) },
        triggerToSuspension: suspension,
        failures: problems.length,
        firstFailures: problems.slice(0, 10),
      };
      say(`warnings: ledger ${JSON.stringify(ledger.byKind)} (expected ${JSON.stringify(ledger.expected)}), ${ledger.mismatches.length} mismatches; trigger → suspension p50 ${fmt(suspension.p50Ms)} ms, p99 ${fmt(suspension.p99Ms)} ms over ${suspension.n}`);
      if (problems.length || ledger.mismatches.length) {
        throw new Error(`${problems.length} warnings failed and ${ledger.mismatches.length} differ on the ledger; the first: ${[...problems, ...ledger.mismatches][0]}`);
      }
    });

    // --- 8. memory, mail, and the longest workflow tasks (from the histories) ---------------------
    await phase('workflowTasks', async () => {
      const outbox = (await db.query<{ rows: number; mails: number }>(`SELECT count(*)::int AS rows, count(DISTINCT coalesce(digest_key, key))::int AS mails FROM outbox WHERE sent_at IS NOT NULL`)).rows[0];
      results.mail = outbox;
      const openNow = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE status = 'open'`)).rows[0].n;
      results.memoryBreakdownMiB = await memoryOf(workerChild);
      results.memoryMiB = { worker: Math.round(rss(workerChild.pid)), workerMax: Math.round(Math.max(workerRssMax, rss(workerChild.pid))), ...(sys.laneWorker ? { warningQueueWorker: Math.round(rss(sys.laneWorker.pid)) } : {}), api: Math.round(rss(apiChild.pid)), temporalServer: Math.round(rss(temporal.pid)), loadGenerator: Math.round(rss(process.pid)), openTasks: openNow };
      // the monitoring batches (each opens its projects' forms in its first workflow task), their departments and rounds, and the warnings
      const boards = (await db.query<{ workflow_id: string }>(`SELECT DISTINCT workflow_id FROM tasks WHERE process = 'monitoring'`)).rows.map((r) => r.workflow_id);
      const parents = [...new Set(boards.map((b) => b.replace(/:b\d+$/, '')))];
      const warnings = (await db.query<{ workflow_id: string }>(`SELECT workflow_id FROM processes WHERE process = 'warning' ORDER BY workflow_id LIMIT 300`)).rows.map((r) => r.workflow_id);
      const pre = submitted.flat().filter((_, i) => i % Math.max(1, Math.floor(submitted.flat().length / 300)) === 0);
      results.workflowTasks = {
        boards: await longestWorkflowTasks(deps, boards),
        departmentsAndRounds: await longestWorkflowTasks(deps, [...parents, ...rounds]),
        warnings: await longestWorkflowTasks(deps, warnings),
        preAssessments: await longestWorkflowTasks(deps, pre),
        workerWarnings: wftWarnings.length,
        firstWarnings: wftWarnings.slice(0, 5),
      };
    });
  } finally {
    // background work stops and is awaited before anything it uses closes
    current = 'shutdown';
    run.abort(new Error('the bench is shutting down'));
    await Promise.allSettled([...background]);
    clearInterval(rssTimer);
    results.machine = { ...(results.machine as object), loadavgAtEnd: loadavg() };
    save();
    // --- output: JSON and the section for BENCHMARKS.md -------------------------------------------
    try {
      const md = markdown(results, ceil);
      writeFileSync(join(out, `${stamp}.md`), md);
      process.stdout.write(`\n${md}\n`);
    } catch (e) {
      failed('markdown', e);
      save();
    }
    say(`results: bench/results/${stamp}.json and .md${failures.length ? `; ${failures.length} failures: ${failures.map((f) => `${f.phase}: ${f.error.split('\n')[0]}`).join(' | ')}` : ''}`);
    await sys.stop();
    process.off('unhandledRejection', onUnhandled);
  }
  return failures.length ? 1 : 0;
}

const unitId = (u: number): string => `BU${String(u).padStart(5, '0')}`;
const deptId = (d: number): string => `BD${String(d).padStart(3, '0')}`;

const tokens = new Map<string, Promise<string>>();
function tokenOf(auth: ReturnType<typeof createAuth>, user: string): Promise<string> {
  if (!tokens.has(user)) tokens.set(user, auth.issue(user));
  return tokens.get(user)!;
}

async function waitFor(done: () => Promise<boolean>, what: string, signal?: AbortSignal, timeoutMs = 600_000): Promise<void> {
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    signal?.throwIfAborted();
    await sleep(100);
  }
}

async function seedOrgs(db: Awaited<ReturnType<typeof openProductDb>>, depts: number, units: number): Promise<void> {
  await db.query(`INSERT INTO orgs (id, kind, name) SELECT 'BD' || lpad(d::text, 3, '0'), 'department', '部门 ' || d FROM generate_series(1, $1::int) d ON CONFLICT DO NOTHING`, [depts]);
  await db.query(
    `INSERT INTO orgs (id, kind, name, parent_id) SELECT 'BU' || lpad(u::text, 5, '0'), 'unit', '单位 ' || u, 'BD' || lpad(((u - 1) / $2::int + 1)::text, 3, '0')
     FROM generate_series(1, $1::int) u ON CONFLICT DO NOTHING`,
    [units, UNITS_PER_DEPT],
  );
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'p-' || id, '经办人 ' || id, 'p-' || id || '@bench.local', id, ARRAY['unit_preparer', 'unit_head'], ARRAY['unit_preparer@' || id, 'unit_head@' || id]
     FROM orgs WHERE kind = 'unit' AND id LIKE 'BU%' ON CONFLICT DO NOTHING`,
  );
  // the department's head reviews its units' target reviews (competent_reviewer@<dept>) and approves in bulk
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'r-' || id, '主管部门负责人 ' || id, 'r-' || id || '@bench.local', id, ARRAY['competent_head', 'competent_reviewer'], ARRAY['competent_head@' || id, 'competent_reviewer@' || id]
     FROM orgs WHERE kind = 'department' AND id LIKE 'BD%' ON CONFLICT DO NOTHING`,
  );
}

/**
 * The longest workflow tasks of these executions, from their histories: WorkflowTaskStarted →
 * WorkflowTaskCompleted (the worker's turn: activation, workflow code, the completion's RPC), the
 * first workflow task of each run apart (where a board asks all its tasks).
 */
async function longestWorkflowTasks(deps: Awaited<ReturnType<typeof buildDeps>>, workflowIds: string[]) {
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => (t ? Number(String(t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);
  let max = { ms: 0, workflowId: '', first: false };
  let firstMax = 0;
  let maxEvents = 0;
  let maxBytes = 0;
  let totalEvents = 0;
  let totalBytes = 0;
  /** History bytes by event type over these executions: what the server stores and sends. */
  const byType = new Map<string, number>();
  const all: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let k = next++; k < workflowIds.length; k = next++) {
      const history = await deps.temporal.workflow.getHandle(workflowIds[k]).fetchHistory();
      maxEvents = Math.max(maxEvents, history.events?.length ?? 0);
      maxBytes = Math.max(maxBytes, proto.api.history.v1.History.encode(history).finish().length);
      totalEvents += history.events?.length ?? 0;
      for (const e of history.events ?? []) {
        const type = proto.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
        const n = proto.api.history.v1.HistoryEvent.encode(e).finish().length;
        totalBytes += n;
        byType.set(type, (byType.get(type) ?? 0) + n);
      }
      const started = new Map<string, number>();
      let first = true;
      for (const e of history.events ?? []) {
        if (e.workflowTaskStartedEventAttributes) started.set(String(e.eventId), ms(e.eventTime));
        const done = e.workflowTaskCompletedEventAttributes;
        if (done) {
          const d = ms(e.eventTime) - (started.get(String(done.startedEventId)) ?? NaN);
          if (Number.isFinite(d)) {
            all.push(d);
            if (first) firstMax = Math.max(firstMax, d);
            if (d > max.ms) max = { ms: d, workflowId: workflowIds[k], first };
          }
          first = false;
        }
      }
    }
  }));
  const topTypes = Object.fromEntries([...byType].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([t, n]) => [t.replace(/^EVENT_TYPE_/, ''), n]));
  return { executions: workflowIds.length, historyEventsMax: maxEvents, historyBytesMax: maxBytes, historyEventsTotal: totalEvents, historyBytesTotal: totalBytes, historyBytesByType: topTypes, workflowTasks: all.length, maxMs: max.ms, maxIn: max.workflowId, maxWasFirst: max.first, firstTaskMaxMs: firstMax, p99Ms: pct(all, 99), over1s: all.filter((d) => d > 1000).length };
}

/**
 * The dated section for BENCHMARKS.md: machine, command, median [min–max] of each figure and its ratio
 * to the ceiling; a phase that failed or was skipped says so on its rows, and its error is listed.
 */
function markdown(r: Record<string, unknown>, ceil: number): string {
  const m = r.machine as { cpus: number; model: string; memGiB: number; node: string; postgres: string; loadavgAtStart: number[]; loadavgAtEnd?: number[] };
  const phases = (r.phases ?? {}) as Record<string, PhaseRecord>;
  const s = (x: Spread, unit = ''): string => `${fmt(x.median)}${unit} [${fmt(x.min)}–${fmt(x.max)}]`;
  const thr = (x: Spread): string => (Number.isFinite(ceil) ? `${(x.median / ceil).toFixed(2)}×` : '');
  const lat = (x: Spread): string => (Number.isFinite(ceil) ? `${((x.median * ceil) / 1000).toFixed(1)} turns` : '');
  const g = <T,>(k: string): T => r[k] as T;
  const why = (phase: string): string => {
    const p = phases[phase];
    return !p ? 'not run' : p.status === 'failed' ? `**failed**: ${String(p.error).split('\n')[0].slice(0, 200)}` : p.status === 'skipped' ? `skipped (${p.reason})` : 'not measured';
  };
  const rows: string[][] = [];
  /** A row of a phase's figures; when the phase has none (failed, skipped), the row says why. */
  const row = (phase: string, label: string, figures: () => [string, string]): void => {
    try {
      rows.push([label, ...figures()]);
    } catch {
      rows.push([label, `— ${why(phase)}`, '']);
    }
  };
  type WarningsFig = Record<string, Spread> & { available: number; perRun: number; clients: number; ledger: { byKind: Record<string, number>; expected: Record<string, number>; mismatches: number }; triggerToSuspension: { n: number; p50Ms: number; p99Ms: number; maxMs: number }; failures: number };
  row('ceiling', 'trivial-workflow ceiling (32 clients start a workflow that returns at once, await it)', () => [s(g<Record<string, Spread>>('ceiling').workflowsPerSecond, ' wf/s'), '1×']);
  const open = g<Record<string, Spread>>('open');
  row('open', `open a real monitoring round: ${open ? fmt(open.forms.median) : '?'} forms per run (${open ? fmt(open.warned.median) : '?'} warned at open), until every form is in its unit's inbox, every warned project suspended on the finance ledger and its verification open`, () => [s(open.formsPerSecond, ' forms/s'), thr(open.formsPerSecond)]);
  row('open', 'the same, seconds per run', () => [s(open.seconds, ' s'), '']);
  row('open', 'the same, CPU seconds per 1,000 forms by part: worker / API / Temporal server / PostgreSQL / bench (load generator, finance stand-in, mail sink)', () => [
    ['worker', 'api', 'temporal', 'postgres', 'bench'].map((k) => (open[`cpuPer1kForms_${k}`] ? fmt(open[`cpuPer1kForms_${k}`].median) : '?')).join(' / ') + (open.cpuPer1kForms_warningWorker?.median ? ` (+ warning worker ${fmt(open.cpuPer1kForms_warningWorker.median)})` : ''),
    '',
  ]);
  row('open', 'warning trigger → suspension on the finance ledger while the round opens, p50 / p99 (max)', () => [`${s(open.suspensionP50Ms, ' ms')} / ${s(open.suspensionP99Ms, ' ms')} (${fmt(open.suspensionMaxMs.max)} ms)`, lat(open.suspensionP99Ms)]);
  row('open', 'the same from the start of the project\'s batch execution (the page of finance data arrived) → suspension, p50 / p99', () => [`${s(open.batchToSuspensionP50Ms, ' ms')} / ${s(open.batchToSuspensionP99Ms, ' ms')}`, lat(open.batchToSuspensionP99Ms)]);
  const sub = g<Record<string, Spread>>('submitPreAssessments');
  row('submitPreAssessments', `submit pre-assessments over HTTP (${BULK_PER_REP} per run, ${SUBMIT_CLIENTS} preparers), until their target reviews are in the inbox`, () => [s(sub.applicationsPerSecond, ' /s'), thr(sub.applicationsPerSecond)]);
  const list = g<{ atWork: Record<string, Spread>; saturation: Record<string, Spread> }>('list');
  row('list', 'inbox list, 50 officers at work, p99', () => [s(list.atWork.p99, ' ms'), lat(list.atWork.p99)]);
  row('list', 'inbox list saturation, 50 without pause', () => [s(list.saturation.perSecond, ' req/s'), thr(list.saturation.perSecond)]);
  const st = g<Record<string, Spread>>('decideSteady');
  row('decideSteady', `monitoring forms submitted at ${DECIDE_RATE}/s while another round opens, p50`, () => [s(st.p50, ' ms'), lat(st.p50)]);
  row('decideSteady', `monitoring forms submitted at ${DECIDE_RATE}/s while another round opens, p99`, () => [s(st.p99, ' ms'), lat(st.p99)]);
  row('decideSteady', 'warning trigger → suspension of that round\'s warnings while the forms are submitted, p50 / p99', () => [`${s(st.bgSuspensionP50Ms, ' ms')} / ${s(st.bgSuspensionP99Ms, ' ms')}`, lat(st.bgSuspensionP99Ms)]);
  const sat = g<Record<string, Spread>>('decideSaturation');
  row('decideSaturation', `form submission saturation, ${SATURATE_CONCURRENCY} in flight`, () => [s(sat.perSecond, ' /s'), thr(sat.perSecond)]);
  row('decideSaturation', 'the same, p99', () => [s(sat.p99, ' ms'), lat(sat.p99)]);
  const q = g<Record<string, Spread>>('decideQueued');
  row('decideQueued', `queued form submissions at ${DECIDE_RATE}/s while another round opens: answered (202), p50 / p99`, () => [`${s(q.acceptP50, ' ms')} / ${s(q.acceptP99, ' ms')}`, lat(q.acceptP99)]);
  row('decideQueued', 'the same, accepted → applied by the workflow (its inbox rows written), p50 / p99; decisions per Update', () => [`${s(q.appliedP50Ms, ' ms')} / ${s(q.appliedP99Ms, ' ms')}; ${s(q.perUpdate)}`, lat(q.appliedP99Ms)]);
  const qs = g<Record<string, Spread>>('decideQueuedSaturation');
  row('decideQueuedSaturation', `queued form submission saturation, ${SATURATE_CONCURRENCY} in flight: accepted`, () => [s(qs.acceptedPerSecond, ' /s'), thr(qs.acceptedPerSecond)]);
  row('decideQueuedSaturation', 'the same, applied by the workflows (first accepted → last applied); decisions per Update', () => [`${s(qs.appliedPerSecond, ' /s')}; ${s(qs.perUpdate)}`, thr(qs.appliedPerSecond)]);
  row('decideQueuedSaturation', 'the same, answered p99 / applied p99', () => [`${s(qs.acceptP99, ' ms')} / ${s(qs.appliedP99Ms, ' ms')}`, '']);
  row('decideSteady', 'form submissions retried after a 503 (the API shed the load: no answer within its call deadline: 20 s for an Update since 2026-12-04, 5 s before), per run: while a round opens / at saturation', () => [`${s(st.retriedAfter503)} / ${sat ? s(sat.retriedAfter503) : '—'}`, '']);
  const bulk = g<Record<string, Spread>>('bulk');
  row('bulk', `bulk approval of real pre-assessment target reviews (${BULK_HEADS} department heads at once, ${BULK_PER_REQUEST} per request), answered`, () => [s(bulk.perSecond, ' /s'), thr(bulk.perSecond)]);
  row('bulk', 'the same, until every approved pre-assessment concluded', () => [s(bulk.concludedPerSecond, ' /s'), thr(bulk.concludedPerSecond)]);
  row('bulk', 'the same, tasks refused per run (e.g. an Update past its deadline)', () => [s(bulk.refused), '']);
  const bq = g<Record<string, Spread> | null>('bulkReviewsQueued');
  if (bq) row('bulkReviews', `queued bulk approval of monitoring form reviews (${BULK_HEADS} reviewers, ${BULK_PER_REQUEST} per request): accepted / applied; per Update`, () => [`${s(bq.acceptedPerSecond, ' /s')} / ${s(bq.appliedPerSecond, ' /s')}; ${s(bq.perUpdate)}`, thr(bq.appliedPerSecond)]);
  const br = g<Record<string, Spread> | null>('bulkReviews');
  if (br !== null) {
    row('bulkReviews', `bulk approval of monitoring form reviews (${BULK_HEADS} department reviewers at once, ${BULK_PER_REQUEST} per request; many reviews per execution)`, () => [s(br!.perSecond, ' /s'), thr(br!.perSecond)]);
    row('bulkReviews', 'the same, refused per run', () => [s(br!.refused), '']);
  }
  const w = g<WarningsFig>('warnings');
  row('warnings', `warnings verified by the department and decided by finance over HTTP (${w ? `${fmt(w.perRun)} per run of ${fmt(w.available)} open` : '?'}, ${WARNING_CLIENTS} people at once; 5 resume : 3 adjust : 2 reclaim, a reclaim approved by a finance director other than the verifier), decisions end to end`, () => [s(w.decisionsPerSecond, ' decisions/s'), thr(w.decisionsPerSecond)]);
  row('warnings', 'the same, warnings concluded', () => [s(w.warningsPerSecond, ' /s'), thr(w.warningsPerSecond)]);
  row('warnings', 'the same, per step p50 / p99: verification / decision / reclaim approval', () => [`${s(w.verifyP50, ' ms')} / ${s(w.verifyP99, ' ms')}; ${s(w.decideP50, ' ms')} / ${s(w.decideP99, ' ms')}; ${s(w.approveP50, ' ms')} / ${s(w.approveP99, ' ms')}`, lat(w.decideP99)]);
  row('warnings', 'the same, a step answered → the next task in its inbox, p50 / p99; a warning\'s first request → concluded, p50 / p99', () => [`${s(w.handoverP50, ' ms')} / ${s(w.handoverP99, ' ms')}; ${s(w.endToEndP50, ' ms')} / ${s(w.endToEndP99, ' ms')}`, lat(w.endToEndP99)]);
  row('warnings', 'the same, retried after a 503 / approvals refused to the verifier (segregation of duties) / failed, per run', () => [`${s(w.retriedAfter503)} / ${s(w.segregationRefused)} / ${s(w.failed)}`, '']);
  row('warnings', 'the same, finance ledger rows by kind (expected): a mismatch fails the phase', () => [`${Object.entries(w.ledger.byKind).sort().map(([k, n]) => `${k} ${fmt(n)} (${fmt(w.ledger.expected[k] ?? 0)})`).join(', ')}; ${w.ledger.mismatches} warnings differ`, '']);
  row('warnings', 'the same warnings\' trigger → suspension on the finance ledger, p50 / p99 (max)', () => [`${fmt(w.triggerToSuspension.p50Ms)} ms / ${fmt(w.triggerToSuspension.p99Ms)} ms (${fmt(w.triggerToSuspension.maxMs)} ms) over ${fmt(w.triggerToSuspension.n)}`, '']);
  type Wft = { maxMs: number; firstTaskMaxMs: number; p99Ms: number; over1s: number; workflowTasks: number; historyEventsMax: number; historyBytesMax: number; historyBytesTotal?: number; historyEventsTotal?: number; historyBytesByType?: Record<string, number> };
  const wft = g<{ boards: Wft; departmentsAndRounds: Wft; warnings: Wft; preAssessments: Wft; workerWarnings: number }>('workflowTasks');
  const mem = g<Record<string, number>>('memoryMiB');
  const parts = r.memoryBreakdownMiB as { mainHeap: { total: number; used: number }; external: number; threads: Array<{ total: number; used: number }> } | null | undefined;
  const breakdown = parts ? ` (main thread's heap ${parts.mainHeap.used} of ${parts.mainHeap.total} MiB, external ${parts.external} MiB; workflow threads' heaps ${parts.threads.map((t) => `${t.used} of ${t.total}`).join(', ')} MiB)` : '';
  const hist = (x: Wft): string => `largest history ${fmt(x.historyEventsMax)} events, ${fmt(Math.round(x.historyBytesMax / 1024))} KiB`;
  let tail: string;
  try {
    tail =
      `Longest workflow task (WorkflowTaskStarted → Completed in the histories): monitoring batches ${fmt(wft.boards.maxMs)} ms (the first, which opens a batch's forms, at most ${fmt(wft.boards.firstTaskMaxMs)} ms; p99 ${fmt(wft.boards.p99Ms)} ms of ${fmt(wft.boards.workflowTasks)}; ${wft.boards.over1s} over 1 s; ${hist(wft.boards)}), ` +
      `departments and rounds ${fmt(wft.departmentsAndRounds.maxMs)} ms (p99 ${fmt(wft.departmentsAndRounds.p99Ms)} ms; ${hist(wft.departmentsAndRounds)}), ` +
      `warnings (a sample) ${fmt(wft.warnings.maxMs)} ms (p99 ${fmt(wft.warnings.p99Ms)} ms; ${hist(wft.warnings)}), ` +
      `pre-assessments (a sample) ${fmt(wft.preAssessments.maxMs)} ms (p99 ${fmt(wft.preAssessments.p99Ms)} ms of ${fmt(wft.preAssessments.workflowTasks)}; ${hist(wft.preAssessments)}); the worker logged ${wft.workerWarnings} warnings about workflow tasks. ` +
      (wft.boards.historyBytesTotal ? `The monitoring batches' histories: ${fmt(wft.boards.historyEventsTotal ?? 0)} events, ${fmt(Math.round(wft.boards.historyBytesTotal / 1024))} KiB in all (by event type, KiB: ${Object.entries(wft.boards.historyBytesByType ?? {}).map(([t, n]) => `${t} ${fmt(Math.round(n / 1024))}`).join(', ')}). ` : '') +
      `RSS at the end: worker ${mem.worker} MiB (max ${mem.workerMax})${breakdown}${mem.warningQueueWorker !== undefined ? ` and the warning queue's worker ${mem.warningQueueWorker} MiB` : ''} with ${fmt(mem.openTasks)} open tasks, API ${mem.api} MiB, Temporal ${mem.temporalServer} MiB.`;
  } catch {
    tail = `Longest workflow tasks and memory: ${why('workflowTasks')}.`;
  }
  const failures = (r.failures ?? []) as Array<{ phase: string; error: string }>;
  return [
    `## ${String(r.date).slice(0, 16).replace('T', ' ')} UTC — \`${String(r.command)}\``,
    '',
    ...(failures.length ? [`**${failures.length} phase failure(s)** (stacks in the JSON's \`failures\`): ${failures.map((f) => `${f.phase}: ${f.error.split('\n')[0].slice(0, 300)}`).join('; ')}`, ''] : []),
    `The finance stand-in's ${SHAPE === 'xinjiang2020' ? `Xinjiang 2020-shaped${r.quick ? ' (a tenth)' : ''}` : r.quick ? 'quick' : 'province'} data set (monitoring: project expenditure only), pre-assessments on ${fmt(r.projects as number)} bench projects; ${String(r.reps)} runs per phase, median [min–max]; ` +
      `machine: ${m.cpus}× ${m.model}, ${m.memGiB} GB, Node ${m.node}, ${m.postgres}, Temporal CLI dev server (SQLite WAL); ` +
      `load average ${m.loadavgAtStart.map((x) => x.toFixed(1)).join('/')} at the start, ${(m.loadavgAtEnd ?? []).map((x) => x.toFixed(1)).join('/')} at the end. ` +
      'Ratio: a throughput ÷ the ceiling\'s median; a latency × the ceiling (how many trivial workflows the ceiling completes meanwhile).',
    '',
    '| measure | median [min–max] | ratio to the ceiling |',
    '| --- | --- | --- |',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
    '',
    tail,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
