// `npm run bench [-- --quick] [-- --projects N --reps N --bulk N --profile]`: the human-task primitive,
// the inbox and real pre-assessments under a province-sized load, on this machine, with the real
// parts, each in a process of its own: a Temporal dev server on SQLite (WAL), PostgreSQL, the worker
// (bench/worker.ts), the API (api/main.ts), an SMTP sink; this process is the load generator and
// runs none of them.
// Every latency and throughput phase runs --reps times (default 3) and is reported as median [min–max];
// the trivial-workflow ceiling is measured in the same run, and each figure is given as its ratio to it.
// Phases: the ceiling; open a real monitoring round (bench/round.ts: the monitoring workflows over the
// finance stand-in's province, warnings suspending payments at once); submit pre-assessments (one
// execution per project, continuing projects below the bulk threshold); list the inbox with 50 users;
// units submit their monitoring forms at a steady 20/s while another round opens; saturate those
// submissions; bulk approval by department heads (the pre-assessments' target reviews, and the
// monitoring forms' reviews); the longest workflow task.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { createAuth } from '../api/auth';
import { startDevServer } from '../scripts/temporal/devServer';
import { freePort } from '../scripts/temporal/ports';
import type { benchTrivial } from './workflows';
import { openForms, openMonitoringRound, seedDirectoryFromFinance, submission, type OpenForm } from './round';
import { postgresBin, startPostgres } from '../scripts/postgres';
import { startFinanceService } from '../finance/main';
import { HttpFinanceClient } from '../finance/client';
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
const YUAN = 100;

const log = pino({ level: 'warn' });
const say = (m: string): void => void process.stdout.write(`[bench] ${m}\n`);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
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
    const r = await run(rep);
    say(`${name} ${rep + 1}/${REPS}: ${Object.entries(r).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    all.push(r);
  }
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, spread(all.map((r) => r[k]))]));
}
const fmt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en') : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));

async function main(): Promise<void> {
  const bin = postgresBin();
  if (!bin) throw new Error('the benchmark runs on PostgreSQL (production\'s database): install the Debian postgresql package');
  const dir = mkdtempSync(join(tmpdir(), 'jixiao-bench-'));
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const pgVersion = spawnSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    command,
    projects: PROJECTS,
    reps: REPS,
    quick,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres: pgVersion, loadavgAtStart: loadavg() },
  };

  // --- the real parts, each in its own process ------------------------------------------------
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _session, cb) => { s.resume(); s.on('end', () => cb()); } });
  const smtpPort = await freePort();
  await new Promise<void>((r) => sink.listen(smtpPort, '127.0.0.1', () => r()));
  const tport = await freePort();
  const temporal = await startDevServer({ dbFile: argv.includes('--temporal-memory') ? undefined : join(argv.includes('--temporal-shm') ? mkdtempSync('/dev/shm/jixiao-') : dir, 'temporal.db'), port: tport, uiPort: await freePort(), namespace: 'bench', headless: true, log: { info: () => undefined, warn: say } });
  const pg = startPostgres(dir, await freePort());
  const apiPort = await freePort();
  // the finance stand-in with the province data set runs throughout: a pre-assessment that passes enters
  // the project library through it (preAssessmentEnterProjectLibrary) before it concludes
  const f0 = performance.now();
  const fin = await startFinanceService({ port: 0, url: pg.url, scale: quick ? { departments: 10, units: 200, projects: 3000, transfers: 2, countiesPerTransfer: 10, years: 1, libraryShare: 0.05 } : 'province', log });
  const financeLoadSeconds = (performance.now() - f0) / 1000;
  const env = { FINANCE_URL: fin.url, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'bench', TASK_QUEUE: 'bench', JIXIAO_DATA_DIR: dir, SMTP_PORT: String(smtpPort), LOG_LEVEL: 'warn', API_PORT: String(apiPort), REGION: 'inner-mongolia', DATABASE_URL: pg.url };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  const db = await openProductDb(config, log); // migrates before the worker and the API start
  const deps = await buildDeps(config, { log, db }); // this process's Temporal client (starts the board rounds)
  const auth = createAuth(db, config.auth);
  const children: ChildProcess[] = [];
  const wftWarnings: string[] = [];

  // the worker: its stderr is watched for the SDK's and core's warnings about slow workflow tasks
  const profDir = join(fileURLToPath(new URL('.', import.meta.url)), 'results', 'prof');
  const workerArgs = argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const workerChild = spawn(process.execPath, [...workerArgs, '--import', 'tsx', fileURLToPath(new URL('./worker.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  children.push(workerChild);
  createInterface({ input: workerChild.stderr! }).on('line', (line) => {
    if (/workflow task|WorkflowTask|exceeded/i.test(line)) wftWarnings.push(line);
    else if (/"level":(50|60)/.test(line)) process.stderr.write(`[worker] ${line}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    workerChild.once('message', () => resolve());
    workerChild.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started`)));
  });
  const apiChild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../api/main.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(apiChild);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; !(await fetch(`${apiUrl}/healthz`).then((r) => r.ok, () => false)); i++) {
    if (i > 300) throw new Error('the API did not start');
    await sleep(100);
  }
  let workerRssMax = 0;
  const rssTimer = setInterval(() => void (workerRssMax = Math.max(workerRssMax, rss(workerChild.pid))), 1000);
  say(`PostgreSQL; worker (pid ${workerChild.pid}) and API (pid ${apiChild.pid}) in processes of their own, the load generator in this one (pid ${process.pid}); ${REPS} runs per phase`);
  const client = deps.temporal;
  const taskQueue = config.temporal.taskQueue;

  try {
    const units = Math.ceil(PROJECTS / PROJECTS_PER_UNIT);
    const depts = Math.ceil(units / UNITS_PER_DEPT);
    await seedOrgs(db, depts, units);
    const directory = await seedDirectoryFromFinance(db);
    const year = new Date().getFullYear();
    say(`monitoring: the finance stand-in's ${directory.departments.length} departments and ${directory.units} units; pre-assessments: ${units} bench units in ${depts} departments`);

    // --- 0. the finance stand-in with the province data set --------------------------------------
    if (!argv.includes('--no-finance')) {
      const loadSeconds = financeLoadSeconds;
      const fc = new HttpFinanceClient({ baseUrl: fin.url, timeoutMs: 60_000 });
      const year = new Date().getFullYear();
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
      results.finance = { startAndLoadSeconds: loadSeconds, executionRows: rows, pages, laggardsAtOrBelow30Pct: laggards, scanSeconds };
      say(`finance stand-in: loaded and listening in ${loadSeconds.toFixed(1)} s; execution of ${rows} projects read in ${pages} pages + laggard scan (${laggards}) in ${scanSeconds.toFixed(1)} s`);
    }

    // --- 1. the trivial-workflow ceiling of this run ----------------------------------------------
    // CEILING_CLIENTS clients each start a workflow that returns at once and await its result.
    const ceiling = await repeat('trivial-workflow ceiling', async (rep) => {
      let next = 0;
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: CEILING_CLIENTS }, async () => {
        for (let k = next++; k < CEILING_WORKFLOWS; k = next++) {
          const s = performance.now();
          await client.workflow.execute<typeof benchTrivial>('benchTrivial', { taskQueue, workflowId: `bench:trivial:${rep}:${k}`, args: [] });
          lat.push(performance.now() - s);
        }
      }));
      return { workflowsPerSecond: CEILING_WORKFLOWS / ((performance.now() - t0) / 1000), p50: pct(lat, 50) };
    });
    results.ceiling = { clients: CEILING_CLIENTS, workflows: CEILING_WORKFLOWS, ...ceiling };
    const ceil = ceiling.workflowsPerSecond.median;

    // --- 2. a real monitoring round: each run opens the round of a third of the departments -------
    const rounds: string[] = [];
    const open = await repeat('open a monitoring round', async (rep) => {
      const mine = directory.departments.filter((_, i) => i % REPS === rep);
      const r = await openMonitoringRound({ temporal: client, db, config }, { year, cutoff: '07-31', deptIds: mine, suffix: `bench${rep}`, progress: say });
      rounds.push(r.round);
      return { forms: r.forms, warned: r.warned, suspended: r.suspended, seconds: r.seconds, formsPerSecond: r.formsPerSecond, suspensionP50Ms: r.suspensionP50Ms, suspensionP99Ms: r.suspensionP99Ms, suspensionMaxMs: r.suspensionMaxMs };
    });
    results.open = open;

    // --- 3. real pre-assessments: continuing projects below the bulk threshold -------------------
    // Unit preparers submit over HTTP (POST /api/pre-assessments), one execution per project; each opens
    // a target review (绩效目标审核) that its department's head may approve in bulk.
    const amountFen = Math.min(800_000 * YUAN, config.region.preAssessment.bulkTargetReviewBelowFen - YUAN);
    const submitted: string[][] = [];
    const submit = await repeat('submit pre-assessments', async (rep) => {
      const codes = Array.from({ length: BULK_PER_REP }, (_, i) => ({ code: `BP${rep}-${i}`, unit: 1 + ((i * 7 + rep) % units) }));
      submitted[rep] = codes.map((c) => preAssessmentWorkflowId(c.code));
      const lat: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: SUBMIT_CLIENTS }, async () => {
        for (let k = next++; k < codes.length; k = next++) {
          const u = unitId(codes[k].unit);
          const body = { projectCode: codes[k].code, name: `续建项目 ${codes[k].code}`, deptId: deptId(Math.ceil(codes[k].unit / UNITS_PER_DEPT)), unitId: u, amountFen, industry: '教育', isNew: false, kind: 'project', year: 2027, indicators: [{ kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' }] };
          const s = performance.now();
          const r = await fetch(`${apiUrl}/api/pre-assessments`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `p-${u}`)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (r.status !== 201) throw new Error(`submit: HTTP ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
          lat.push(performance.now() - s);
        }
      }));
      const accepted = performance.now();
      await waitFor(async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE workflow_id = ANY($1) AND status = 'open' AND bulk_approvable`, [submitted[rep]])).rows[0].n >= codes.length, 'the target reviews in the inbox');
      const secs = (performance.now() - t0) / 1000;
      return { applicationsPerSecond: codes.length / secs, acceptedPerSecond: codes.length / ((accepted - t0) / 1000), p99: pct(lat, 99) };
    });
    results.submitPreAssessments = { perRun: BULK_PER_REP, clients: SUBMIT_CLIENTS, amountFen, ...submit };

    // --- 4. the inbox under 50 concurrent users --------------------------------------------------
    const listUnits = (await db.query<{ unit_id: string }>(`SELECT DISTINCT unit_id FROM tasks WHERE type = 'monitoring.form' AND status = 'open' ORDER BY unit_id`)).rows.map((r) => r.unit_id);
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
      await Promise.all(tokens.map(async (token, i) => {
        await sleep((i * 1000) / tokens.length);
        for (let n = i; Date.now() < until; n++) {
          lat.push(await listOnce(token, n));
          await sleep(500 + ((n * 7919) % 1000));
        }
      }));
      return { perSecond: lat.length / LIST_SECONDS, p50: pct(lat, 50), p99: pct(lat, 99) };
    });
    // (b) saturation: the same 50, no think time
    const listSaturation = await repeat('inbox list saturation', async () => {
      const lat: number[] = [];
      const until = Date.now() + LIST_SECONDS * 1000;
      await Promise.all(tokens.map(async (token, i) => {
        for (let n = i; Date.now() < until; n++) lat.push(await listOnce(token, n));
      }));
      return { perSecond: lat.length / LIST_SECONDS, p50: pct(lat, 50), p99: pct(lat, 99) };
    });
    results.list = { users: LIST_USERS, seconds: LIST_SECONDS, atWork: listAtWork, saturation: listSaturation };

    // --- 5. units submit monitoring forms at a steady 20/s while another round opens -------------
    // a submission is the real one: the batch workflow evaluates the form's rules and opens the
    // department's review (审核) task, whose row comes back with the Update's answer
    const openTasks: OpenForm[] = (await Promise.all(rounds.map((r) => openForms(db, `${r}:`)))).flat().sort(() => Math.random() - 0.5);
    const decide = async (t: OpenForm): Promise<number> => {
      const token = await tokenOf(auth, `p-${t.unit_id}`);
      const t0 = performance.now();
      // as the web inbox does: an Idempotency-Key, and the same request again after a 503 (Temporal did not
      // answer within the API's 5 s call deadline); the latency counts from the first try
      for (let attempt = 0; ; attempt++) {
        const r = await fetch(`${apiUrl}/api/tasks/${encodeURIComponent(t.id)}/actions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${t.id}` },
          body: JSON.stringify(submission(t)),
        });
        const body = await r.text();
        if (r.status === 200) return performance.now() - t0;
        if (r.status !== 503 || attempt >= 10) throw new Error(`decide: HTTP ${r.status} ${body}`);
        decisionRetries++;
        await sleep(1000);
      }
    };
    let decisionRetries = 0;
    const steady = await repeat(`form submissions at ${DECIDE_RATE}/s while a round opens`, async (rep) => {
      // the background: the 1-4月 round of a tenth of the departments opening meanwhile (warnings attach to the open ones)
      const bgDepts = directory.departments.filter((_, i) => i % 10 === rep);
      const retriesBefore = decisionRetries;
      const background = argv.includes('--no-background') ? Promise.resolve({ forms: 0 }) : openMonitoringRound({ temporal: client, db, config }, { year, cutoff: '04-30', deptIds: bgDepts, suffix: `bench-bg${rep}` });
      const lat: number[] = [];
      const pending: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < DECIDE_RATE * DECIDE_SECONDS; i++) {
        const wait = start + (i * 1000) / DECIDE_RATE - performance.now();
        if (wait > 0) await sleep(wait);
        const sent = performance.now() - start;
        pending.push(decide(openTasks.pop()!).then((l) => {
          lat.push(l);
          if (argv.includes('--trace') && l > 300) say(`slow decision at ${(sent / 1000).toFixed(2)} s: ${l.toFixed(0)} ms`);
        }));
      }
      await Promise.all(pending);
      const bg = await background;
      return { p50: pct(lat, 50), p99: pct(lat, 99), openedMeanwhile: bg.forms, retriedAfter503: decisionRetries - retriesBefore };
    });
    results.decideSteady = { rate: DECIDE_RATE, seconds: DECIDE_SECONDS, ...steady };

    // --- 6. decision saturation on the board's tasks -----------------------------------------------
    const saturation = await repeat(`form submission saturation, ${SATURATE_CONCURRENCY} in flight`, async (rep) => {
      const lat: number[] = [];
      const retriesBefore = decisionRetries;
      const budget = Math.floor(openTasks.length / (REPS - rep)); // leave tasks for the later runs
      let taken = 0;
      const end = Date.now() + SATURATE_SECONDS * 1000;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: SATURATE_CONCURRENCY }, async () => {
        while (Date.now() < end && taken < budget && openTasks.length) {
          taken++;
          lat.push(await decide(openTasks.pop()!));
        }
      }));
      const secs = (performance.now() - t0) / 1000;
      return { perSecond: lat.length / secs, p50: pct(lat, 50), p99: pct(lat, 99), decisions: lat.length, retriedAfter503: decisionRetries - retriesBefore };
    });
    results.decideSaturation = { concurrency: SATURATE_CONCURRENCY, ...saturation };

    // --- 7. bulk approval by department heads on the pre-assessments' target reviews ---------------
    // POST /api/tasks/bulk-decide, a page of up to 50 tasks per request, 4 heads at once; each task is
    // its own pre-assessment execution (one Update each), which then concludes (passed, mail to the applicant).
    const bulkFailures: string[] = [];
    const bulk = await repeat('bulk approval of target reviews', async (rep) => {
      const rows = (await db.query<{ id: string; dept_id: string }>(`SELECT id, dept_id FROM tasks WHERE workflow_id = ANY($1) AND status = 'open' AND bulk_approvable`, [submitted[rep]])).rows;
      const pages: Array<{ dept: string; ids: string[] }> = [];
      const byDept = new Map<string, string[]>();
      for (const r of rows) byDept.set(r.dept_id, [...(byDept.get(r.dept_id) ?? []), r.id]);
      for (const [dept, ids] of byDept) for (let i = 0; i < ids.length; i += BULK_PER_REQUEST) pages.push({ dept, ids: ids.slice(i, i + BULK_PER_REQUEST) });
      let decided = 0;
      const failedBefore = bulkFailures.length;
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: BULK_HEADS }, async () => {
        for (let g = pages.shift(); g; g = pages.shift()) {
          const s = performance.now();
          const r = await fetch(`${apiUrl}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `r-${g.dept}`)}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g.ids, outcome: 'approve', comment: '目标明确，批量审核通过。' }) });
          const body = (await r.json()) as { decided: number; failed: number; results?: Array<{ taskId: string; ok: boolean; error?: string }> };
          if (r.status !== 200) throw new Error(`bulk: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
          for (const x of body.results ?? []) if (!x.ok) bulkFailures.push(`${x.taskId}: ${x.error}`);
          decided += body.decided;
          lat.push(performance.now() - s);
        }
      }));
      const answered = (performance.now() - t0) / 1000;
      // refusals (e.g. an Update past the API's deadline on a busy machine) are counted, not fatal
      await waitFor(async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM processes WHERE workflow_id = ANY($1) AND status = 'completed'`, [submitted[rep]])).rows[0].n >= decided, 'the pre-assessments concluded');
      const concluded = (performance.now() - t0) / 1000;
      return { perSecond: decided / answered, concludedPerSecond: decided / concluded, requestP99: pct(lat, 99), decided, refused: bulkFailures.length - failedBefore };
    });
    results.bulk = { perRequest: BULK_PER_REQUEST, heads: BULK_HEADS, ...bulk, refusals: bulkFailures.slice(0, 10) };
    if (bulkFailures.length) say(`bulk approval refused ${bulkFailures.length}: ${bulkFailures.slice(0, 3).join('; ')}`);

    // --- 7b. bulk approval by department reviewers of the monitoring forms' reviews -----------------
    // many reviews live in one batch execution: a page of them is one Update (task.actMany)
    const reviewPages = async (): Promise<Array<{ dept: string; ids: string[] }>> => {
      const rows = (await db.query<{ id: string; dept_id: string }>(`SELECT id, dept_id FROM tasks WHERE type = 'monitoring.review' AND status = 'open' AND bulk_approvable ORDER BY dept_id, workflow_id, id`)).rows;
      const byDept = new Map<string, string[]>();
      for (const r of rows) byDept.set(r.dept_id, [...(byDept.get(r.dept_id) ?? []), r.id]);
      const pages: Array<{ dept: string; ids: string[] }> = [];
      for (const [dept, ids] of byDept) for (let i = 0; i < ids.length; i += BULK_PER_REQUEST) pages.push({ dept, ids: ids.slice(i, i + BULK_PER_REQUEST) });
      return pages;
    };
    const allReviewPages = await reviewPages();
    if (allReviewPages.length >= REPS) {
      const per = Math.floor(allReviewPages.length / REPS);
      results.bulkReviews = await repeat('bulk approval of monitoring form reviews', async (rep) => {
        const pages = allReviewPages.slice(rep * per, (rep + 1) * per);
        let decided = 0;
        let refused = 0;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: BULK_HEADS }, async () => {
          for (let g = pages.shift(); g; g = pages.shift()) {
            const r = await fetch(`${apiUrl}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await tokenOf(auth, `r-${g.dept}`)}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g.ids, outcome: 'approve', comment: '监控表填报完整，批量审核通过。' }) });
            const body = (await r.json()) as { decided: number; failed: number };
            if (r.status !== 200) throw new Error(`bulk reviews: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
            decided += body.decided;
            refused += body.failed;
          }
        }));
        return { perSecond: decided / ((performance.now() - t0) / 1000), decided, refused };
      });
    } else {
      results.bulkReviews = null;
      say(`bulk approval of monitoring reviews: only ${allReviewPages.length} pages of bulk-approvable reviews, skipped`);
    }

    // --- 8. memory, mail, and the longest workflow tasks (from the histories) ---------------------
    const outbox = (await db.query<{ rows: number; mails: number }>(`SELECT count(*)::int AS rows, count(DISTINCT coalesce(digest_key, key))::int AS mails FROM outbox WHERE sent_at IS NOT NULL`)).rows[0];
    results.mail = outbox;
    const openNow = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE status = 'open'`)).rows[0].n;
    results.memoryMiB = { worker: Math.round(rss(workerChild.pid)), workerMax: Math.round(Math.max(workerRssMax, rss(workerChild.pid))), api: Math.round(rss(apiChild.pid)), temporalServer: Math.round(rss(temporal.pid)), loadGenerator: Math.round(rss(process.pid)), openTasks: openNow };
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
    results.machine = { ...(results.machine as object), loadavgAtEnd: loadavg() };

    // --- output: JSON and the section for BENCHMARKS.md -------------------------------------------
    const out = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
    mkdirSync(out, { recursive: true });
    const stamp = `${new Date().toISOString().slice(0, 19).replace(/:/g, '')}${quick ? '-quick' : ''}`;
    writeFileSync(join(out, `${stamp}.json`), JSON.stringify(results, null, 2));
    const md = markdown(results, ceil);
    writeFileSync(join(out, `${stamp}.md`), md);
    process.stdout.write(`\n${md}\n`);
    say(`results: bench/results/${stamp}.json and .md`);
  } finally {
    clearInterval(rssTimer);
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await deps.close();
    await db.close();
    await temporal.stop();
    await fin.stop();
    pg.stop();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const unitId = (u: number): string => `BU${String(u).padStart(5, '0')}`;
const deptId = (d: number): string => `BD${String(d).padStart(3, '0')}`;

const tokens = new Map<string, Promise<string>>();
function tokenOf(auth: ReturnType<typeof createAuth>, user: string): Promise<string> {
  if (!tokens.has(user)) tokens.set(user, auth.issue(user));
  return tokens.get(user)!;
}

async function waitFor(done: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
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
  const all: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let k = next++; k < workflowIds.length; k = next++) {
      const history = await deps.temporal.workflow.getHandle(workflowIds[k]).fetchHistory();
      maxEvents = Math.max(maxEvents, history.events?.length ?? 0);
      maxBytes = Math.max(maxBytes, proto.api.history.v1.History.encode(history).finish().length);
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
  return { executions: workflowIds.length, historyEventsMax: maxEvents, historyBytesMax: maxBytes, workflowTasks: all.length, maxMs: max.ms, maxIn: max.workflowId, maxWasFirst: max.first, firstTaskMaxMs: firstMax, p99Ms: pct(all, 99), over1s: all.filter((d) => d > 1000).length };
}

/** The dated section for BENCHMARKS.md: machine, command, median [min–max] of each figure and its ratio to the ceiling. */
function markdown(r: Record<string, unknown>, ceil: number): string {
  const m = r.machine as { cpus: number; model: string; memGiB: number; node: string; postgres: string; loadavgAtStart: number[]; loadavgAtEnd: number[] };
  const s = (x: Spread, unit = ''): string => `${fmt(x.median)}${unit} [${fmt(x.min)}–${fmt(x.max)}]`;
  const thr = (x: Spread): string => `${(x.median / ceil).toFixed(2)}×`;
  const lat = (x: Spread): string => `${((x.median * ceil) / 1000).toFixed(1)} turns`;
  const g = <T,>(k: string): T => r[k] as T;
  const open = g<Record<string, Spread>>('open');
  const sub = g<Record<string, Spread>>('submitPreAssessments');
  const list = g<{ atWork: Record<string, Spread>; saturation: Record<string, Spread> }>('list');
  const st = g<Record<string, Spread>>('decideSteady');
  const sat = g<Record<string, Spread>>('decideSaturation');
  const bulk = g<Record<string, Spread>>('bulk');
  const br = g<Record<string, Spread> | null>('bulkReviews');
  const mem = g<Record<string, number>>('memoryMiB');
  type Wft = { maxMs: number; firstTaskMaxMs: number; p99Ms: number; over1s: number; workflowTasks: number; historyEventsMax: number; historyBytesMax: number };
  const wft = g<{ boards: Wft; departmentsAndRounds: Wft; warnings: Wft; preAssessments: Wft; workerWarnings: number }>('workflowTasks');
  const hist = (x: Wft): string => `largest history ${fmt(x.historyEventsMax)} events, ${fmt(Math.round(x.historyBytesMax / 1024))} KiB`;
  const c = g<Record<string, Spread>>('ceiling');
  const rows: string[][] = [
    ['trivial-workflow ceiling (32 clients start a workflow that returns at once, await it)', s(c.workflowsPerSecond, ' wf/s'), '1×'],
    [`open a real monitoring round: ${fmt(open.forms.median)} forms per run (${fmt(open.warned.median)} warned at open), until every form is in its unit's inbox, every warned project suspended on the finance ledger and its verification open`, s(open.formsPerSecond, ' forms/s'), thr(open.formsPerSecond)],
    ['the same, seconds per run', s(open.seconds, ' s'), ''],
    ['warning trigger → suspension on the finance ledger while the round opens, p99 (max)', `${s(open.suspensionP99Ms, ' ms')} (${fmt(open.suspensionMaxMs.max)} ms)`, lat(open.suspensionP99Ms)],
    [`submit pre-assessments over HTTP (${BULK_PER_REP} per run, ${SUBMIT_CLIENTS} preparers), until their target reviews are in the inbox`, s(sub.applicationsPerSecond, ' /s'), thr(sub.applicationsPerSecond)],
    ['inbox list, 50 officers at work, p99', s(list.atWork.p99, ' ms'), lat(list.atWork.p99)],
    ['inbox list saturation, 50 without pause', s(list.saturation.perSecond, ' req/s'), thr(list.saturation.perSecond)],
    [`monitoring forms submitted at ${DECIDE_RATE}/s while another round opens, p50`, s(st.p50, ' ms'), lat(st.p50)],
    [`monitoring forms submitted at ${DECIDE_RATE}/s while another round opens, p99`, s(st.p99, ' ms'), lat(st.p99)],
    [`form submission saturation, ${SATURATE_CONCURRENCY} in flight`, s(sat.perSecond, ' /s'), thr(sat.perSecond)],
    ['the same, p99', s(sat.p99, ' ms'), lat(sat.p99)],
    ['form submissions retried after a 503 (no answer within the API\'s 5 s call deadline), per run: while a round opens / at saturation', `${s(st.retriedAfter503)} / ${s(sat.retriedAfter503)}`, ''],
    [`bulk approval of real pre-assessment target reviews (${BULK_HEADS} department heads at once, ${BULK_PER_REQUEST} per request), answered`, s(bulk.perSecond, ' /s'), thr(bulk.perSecond)],
    ['the same, until every approved pre-assessment concluded', s(bulk.concludedPerSecond, ' /s'), thr(bulk.concludedPerSecond)],
    ['the same, tasks refused per run (e.g. an Update past its deadline)', s(bulk.refused), ''],
    ...(br
      ? [
          [`bulk approval of monitoring form reviews (${BULK_HEADS} department reviewers at once, ${BULK_PER_REQUEST} per request; many reviews per execution)`, s(br.perSecond, ' /s'), thr(br.perSecond)],
          ['the same, refused per run', s(br.refused), ''],
        ]
      : []),
  ];
  return [
    `## ${String(r.date).slice(0, 16).replace('T', ' ')} UTC — \`${String(r.command)}\``,
    '',
    `The finance stand-in's ${r.quick ? 'quick' : 'province'} data set (monitoring: project expenditure only), pre-assessments on ${fmt(r.projects as number)} bench projects; ${String(r.reps)} runs per phase, median [min–max]; ` +
      `machine: ${m.cpus}× ${m.model}, ${m.memGiB} GB, Node ${m.node}, ${m.postgres}, Temporal CLI dev server (SQLite WAL); ` +
      `load average ${m.loadavgAtStart.map((x) => x.toFixed(1)).join('/')} at the start, ${m.loadavgAtEnd.map((x) => x.toFixed(1)).join('/')} at the end. ` +
      'Ratio: a throughput ÷ the ceiling\'s median; a latency × the ceiling (how many trivial workflows the ceiling completes meanwhile).',
    '',
    '| measure | median [min–max] | ratio to the ceiling |',
    '| --- | --- | --- |',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
    '',
    `Longest workflow task (WorkflowTaskStarted → Completed in the histories): monitoring batches ${fmt(wft.boards.maxMs)} ms (the first, which opens a batch's forms, at most ${fmt(wft.boards.firstTaskMaxMs)} ms; p99 ${fmt(wft.boards.p99Ms)} ms of ${fmt(wft.boards.workflowTasks)}; ${wft.boards.over1s} over 1 s; ${hist(wft.boards)}), ` +
      `departments and rounds ${fmt(wft.departmentsAndRounds.maxMs)} ms (p99 ${fmt(wft.departmentsAndRounds.p99Ms)} ms; ${hist(wft.departmentsAndRounds)}), ` +
      `warnings (a sample) ${fmt(wft.warnings.maxMs)} ms (p99 ${fmt(wft.warnings.p99Ms)} ms; ${hist(wft.warnings)}), ` +
      `pre-assessments (a sample) ${fmt(wft.preAssessments.maxMs)} ms (p99 ${fmt(wft.preAssessments.p99Ms)} ms of ${fmt(wft.preAssessments.workflowTasks)}; ${hist(wft.preAssessments)}); the worker logged ${wft.workerWarnings} warnings about workflow tasks. ` +
      `RSS at the end: worker ${mem.worker} MiB (max ${mem.workerMax}) with ${fmt(mem.openTasks)} open tasks, API ${mem.api} MiB, Temporal ${mem.temporalServer} MiB.`,
    '',
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
