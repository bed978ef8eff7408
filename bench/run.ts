// `npm run bench [-- --quick] [-- --projects N --batch N]`: the human-task primitive and the inbox
// under a province-sized load, on this machine, with the real parts: a Temporal dev server on SQLite
// (WAL), PGlite on disk, the worker and the API in this process, an SMTP sink for the mail.
// Phases: open tasks in bulk (many per workflow execution), list the inbox with 50 concurrent users,
// decide at a steady 20/s while another batch opens, then saturate decisions.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { createAuth } from '../api/auth';
import { startApi } from '../api/server';
import { startWorker } from '../worker/worker';
import { startDevServer } from '../scripts/temporal/devServer';
import { freePort } from '../scripts/temporal/ports';
import type { TaskSpecInput } from '../contracts/humanTask/tasks.zod';
import type { benchBatch } from './workflows';
import { postgresBin, startPostgres, type LocalPostgres } from '../scripts/postgres';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFinanceService } from '../finance/main';
import { HttpFinanceClient } from '../finance/client';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const num = (flag: string, dflt: number): number => {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const PROJECTS = num('--projects', quick ? 3000 : 30000);
const PROJECTS_PER_UNIT = 15;
// One workflow execution per department (its units' forms: ~300 tasks) by default; `--per unit` for 15.
const PER: 'department' | 'unit' = argv.includes('--per') && argv[argv.indexOf('--per') + 1] === 'unit' ? 'unit' : 'department';
const UNITS_PER_DEPT = 20;
const LIST_USERS = 50;
const LIST_SECONDS = quick ? 10 : 20;
const DECIDE_RATE = 20;
const DECIDE_SECONDS = quick ? 15 : 30;
const SATURATE_SECONDS = quick ? 10 : 20;
const SATURATE_CONCURRENCY = 50;
const BACKGROUND_STARTS_PER_SECOND = 8; // a round keeps opening units' forms while officers decide
// PostgreSQL (production's database) when the machine has it, else the embedded PGlite.
const DB_MODE = argv.includes('--pglite') || !postgresBin() ? 'pglite' : 'postgres';

const log = pino({ level: 'warn' });
const say = (m: string): void => void process.stdout.write(`[bench] ${m}\n`);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const ms = (n: number): string => `${n.toFixed(1)} ms`;
const rss = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jixiao-bench-'));
  const results: Record<string, unknown> = { date: new Date().toISOString(), projects: PROJECTS, per: PER, quick, machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version } };

  // --- the real parts --------------------------------------------------------------------------
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _session, cb) => { s.resume(); s.on('end', () => cb()); } });
  const smtpPort = await freePort();
  await new Promise<void>((r) => sink.listen(smtpPort, '127.0.0.1', () => r()));
  const tport = await freePort();
  const temporal = await startDevServer({ dbFile: argv.includes('--temporal-memory') ? undefined : join(argv.includes('--temporal-shm') ? mkdtempSync('/dev/shm/jixiao-') : dir, 'temporal.db'), port: tport, uiPort: await freePort(), namespace: 'bench', headless: true, log: { info: () => undefined, warn: say } });
  const pg: LocalPostgres | null = DB_MODE === 'postgres' ? startPostgres(dir, await freePort()) : null;
  const apiPort = await freePort();
  const env = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'bench', TASK_QUEUE: 'bench', JIXIAO_DATA_DIR: dir, SMTP_PORT: String(smtpPort), LOG_LEVEL: 'warn', API_PORT: String(apiPort), ...(pg ? { DATABASE_URL: pg.url } : {}) };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  results.database = DB_MODE;
  const db = await openProductDb(config, log);
  const deps = await buildDeps(config, { log, db });
  const worker = await startWorker(deps, { workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)) });
  // With PostgreSQL the API runs in its own process, as in production; PGlite lives in one process only.
  let apiChild: ChildProcess | null = null;
  let api: { url: string; close(): Promise<void> };
  if (pg) {
    apiChild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../api/main.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    api = { url: `http://127.0.0.1:${apiPort}`, close: async () => void apiChild?.kill('SIGTERM') };
    for (let i = 0; !(await fetch(`${api.url}/healthz`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('the API did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  } else api = await startApi(deps, apiPort, '127.0.0.1');
  say(`database: ${DB_MODE}; API ${pg ? 'in its own process' : 'in this process'}`);
  const auth = createAuth(db, config.auth);

  try {
    const units = Math.ceil(PROJECTS / PROJECTS_PER_UNIT);
    const depts = Math.ceil(units / UNITS_PER_DEPT);
    await seedOrgs(db, depts, units);
    say(`${PROJECTS} projects, ${units} units in ${depts} departments, one workflow execution per ${PER} (${PER === 'unit' ? PROJECTS_PER_UNIT : PROJECTS_PER_UNIT * UNITS_PER_DEPT} tasks)`);

    // --- 0. the finance stand-in with the province data set --------------------------------------
    if (!argv.includes('--no-finance')) {
      const f0 = performance.now();
      const fin = await startFinanceService({ port: 0, url: pg?.url, dataDir: pg ? undefined : join(dir, 'finance'), scale: quick ? { departments: 10, units: 200, projects: 3000, transfers: 2, countiesPerTransfer: 10, years: 1, libraryShare: 0.05 } : 'province', log });
      const loadSeconds = (performance.now() - f0) / 1000;
      const client = new HttpFinanceClient({ baseUrl: fin.url, timeoutMs: 60_000 });
      const year = new Date().getFullYear();
      const s0 = performance.now();
      let rows = 0;
      let pages = 0;
      let laggards = 0;
      for (let cursor: string | undefined; ; ) {
        const page = await client.listExecution({ year, asOf: `${year}-07-31`, limit: 1000, ...(cursor ? { cursor } : {}) });
        rows += page.items.length;
        pages++;
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      for (let cursor: string | undefined; ; ) {
        const page = await client.listExecution({ year, asOf: `${year}-07-31`, limit: 1000, maxRateBp: 3000, ...(cursor ? { cursor } : {}) });
        laggards += page.items.length;
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
      }
      const scanSeconds = (performance.now() - s0) / 1000;
      results.finance = { startAndLoadSeconds: loadSeconds, executionRows: rows, pages, laggardsAtOrBelow30Pct: laggards, scanSeconds };
      say(`finance stand-in: loaded and listening in ${loadSeconds.toFixed(1)} s; execution of ${rows} projects read in ${pages} pages + laggard scan (${laggards}) in ${scanSeconds.toFixed(1)} s`);
      await fin.stop();
    }

    // --- 1. open a round's tasks ---------------------------------------------------------------
    const open1 = await openRound(deps, 'r1', PROJECTS, units);
    results.open = open1;
    say(`opened ${PROJECTS} tasks in ${open1.seconds.toFixed(1)} s: ${open1.tasksPerSecond.toFixed(0)} tasks/s (${open1.workflowsPerSecond.toFixed(1)} workflows/s)`);

    // --- 2. the inbox under 50 concurrent users --------------------------------------------------
    const tokens = await Promise.all(
      Array.from({ length: LIST_USERS }, (_, i) => {
        const id = i < 40 ? `p-${unitId(1 + ((i * 37) % units))}` : i < 48 ? `r-${deptId(1 + (i % depts))}` : 'perf-officer';
        return auth.issue(id);
      }),
    );
    const queries = ['', '&sort=priority', '&overdue=true', '&q=project', '&mine=visible', '&sort=created&order=desc', '&process=bench'];
    const listOnce = async (token: string, n: number): Promise<number> => {
      const t0 = performance.now();
      const r = await fetch(`${api.url}/api/tasks?limit=50${queries[n % queries.length]}`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`list: HTTP ${r.status}`);
      return performance.now() - t0;
    };
    // (a) 50 officers at work: each lists, reads for 0.5–1.5 s, lists again
    const lat: number[] = [];
    let until = Date.now() + LIST_SECONDS * 1000;
    await Promise.all(
      tokens.map(async (token, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / tokens.length));
        for (let n = i; Date.now() < until; n++) {
          lat.push(await listOnce(token, n));
          await new Promise((r) => setTimeout(r, 500 + ((n * 7919) % 1000)));
        }
      }),
    );
    // (b) saturation: the same 50, no think time
    const sat: number[] = [];
    until = Date.now() + LIST_SECONDS * 1000;
    await Promise.all(tokens.map(async (token, i) => {
      for (let n = i; Date.now() < until; n++) sat.push(await listOnce(token, n));
    }));
    results.list = {
      users: LIST_USERS,
      seconds: LIST_SECONDS,
      atWork: { requests: lat.length, perSecond: lat.length / LIST_SECONDS, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99) },
      saturation: { requests: sat.length, perSecond: sat.length / LIST_SECONDS, p50: pct(sat, 50), p99: pct(sat, 99) },
    };
    say(`inbox list, ${LIST_USERS} users at work (${(lat.length / LIST_SECONDS).toFixed(0)} req/s): p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}`);
    say(`inbox list saturation, ${LIST_USERS} users without pause: ${(sat.length / LIST_SECONDS).toFixed(0)} req/s, p50 ${ms(pct(sat, 50))}, p99 ${ms(pct(sat, 99))}`);

    // --- 3. decisions at a steady 20/s while another round opens --------------------------------
    const open = (await db.query<{ id: string; unit_id: string }>(`SELECT id, unit_id FROM tasks WHERE status = 'open' AND process = 'bench' ORDER BY random()`)).rows;
    const tokenOf = new Map<string, Promise<string>>();
    const unitToken = (u: string): Promise<string> => {
      if (!tokenOf.has(u)) tokenOf.set(u, auth.issue(`p-${u}`));
      return tokenOf.get(u)!;
    };
    const decide = async (t: { id: string; unit_id: string }): Promise<number> => {
      const token = await unitToken(t.unit_id);
      const t0 = performance.now();
      const r = await fetch(`${api.url}/api/tasks/${encodeURIComponent(t.id)}/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'decide', outcome: 'approve', form: {} }),
      });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`decide: HTTP ${r.status} ${body}`);
      return performance.now() - t0;
    };
    const background = argv.includes('--no-background') ? Promise.resolve({ tasks: 0 }) : openRound(deps, 'r2', Math.round(PROJECTS / 10), units, BACKGROUND_STARTS_PER_SECOND);
    const dlat: number[] = [];
    const pending: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < DECIDE_RATE * DECIDE_SECONDS; i++) {
      const due = start + (i * 1000) / DECIDE_RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now() - start;
      pending.push(decide(open.pop()!).then((l) => {
        dlat.push(l);
        if (argv.includes('--trace') && l > 300) say(`slow decision at ${(sent / 1000).toFixed(2)} s: ${l.toFixed(0)} ms`);
      }));
    }
    await Promise.all(pending);
    const bg = await background;
    results.decideSteady = { rate: DECIDE_RATE, seconds: DECIDE_SECONDS, decisions: dlat.length, p50: pct(dlat, 50), p95: pct(dlat, 95), p99: pct(dlat, 99), whileOpening: bg };
    say(`decisions at ${DECIDE_RATE}/s while ${bg.tasks} more tasks opened: p50 ${ms(pct(dlat, 50))}, p99 ${ms(pct(dlat, 99))}`);

    // --- 4. saturation ---------------------------------------------------------------------------
    const slat: number[] = [];
    const sEnd = Date.now() + SATURATE_SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SATURATE_CONCURRENCY }, async () => {
        while (Date.now() < sEnd && open.length) slat.push(await decide(open.pop()!));
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    results.decideSaturation = { concurrency: SATURATE_CONCURRENCY, decisions: slat.length, perSecond: slat.length / secs, p50: pct(slat, 50), p99: pct(slat, 99) };
    say(`saturation, ${SATURATE_CONCURRENCY} in flight: ${(slat.length / secs).toFixed(1)} decisions/s (p50 ${ms(pct(slat, 50))}, p99 ${ms(pct(slat, 99))})`);

    // --- 5. bulk approval by leads: one Update per unit's batch ------------------------------------
    const byUnit = new Map<string, string[]>();
    for (const t of open.splice(0)) byUnit.set(t.unit_id, [...(byUnit.get(t.unit_id) ?? []), t.id]);
    const bulkUnits = [...byUnit.entries()];
    let bulkDone = 0;
    const b0 = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let g = bulkUnits.shift(); g; g = bulkUnits.shift()) {
        const r = await fetch(`${api.url}/api/tasks/bulk-decide`, { method: 'POST', headers: { authorization: `Bearer ${await unitToken(g[0])}`, 'content-type': 'application/json' }, body: JSON.stringify({ taskIds: g[1], outcome: 'approve' }) });
        const body = (await r.json()) as { decided: number; failed: number };
        if (r.status !== 200 || body.failed) throw new Error(`bulk: HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
        bulkDone += body.decided;
      }
    }));
    const bSecs = (performance.now() - b0) / 1000;
    results.bulk = { decisions: bulkDone, seconds: bSecs, perSecond: bulkDone / bSecs };
    say(`bulk approval by unit heads: ${bulkDone} decisions in ${bSecs.toFixed(1)} s = ${(bulkDone / bSecs).toFixed(0)} decisions/s`);

    const outbox = (await db.query<{ rows: number; mails: number }>(`SELECT count(*)::int AS rows, count(DISTINCT coalesce(digest_key, key))::int AS mails FROM outbox WHERE sent_at IS NOT NULL`)).rows[0];
    results.mail = outbox;
    results.memoryMiB = { workerProcess: Math.round(rss(process.pid)), apiProcess: apiChild?.pid ? Math.round(rss(apiChild.pid)) : null, temporalServer: Math.round(rss(temporal.pid)) };
    say(`mail: ${outbox.rows} notifications sent as ${outbox.mails} mails; RSS ${JSON.stringify(results.memoryMiB)} MiB`);

    const out = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `${new Date().toISOString().slice(0, 19).replace(/:/g, '')}-${DB_MODE}${quick ? '-quick' : ''}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    say(`results: ${file}`);
  } finally {
    await api.close();
    await worker.shutdown();
    await deps.close();
    await db.close();
    await temporal.stop();
    pg?.stop();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const unitId = (u: number): string => `BU${String(u).padStart(5, '0')}`;
const deptId = (d: number): string => `BD${String(d).padStart(3, '0')}`;

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
  await db.query(
    `INSERT INTO users (id, name, email, org_id, roles, groups) SELECT 'r-' || id, '审核人 ' || id, 'r-' || id || '@bench.local', id, ARRAY['competent_reviewer'], ARRAY['competent_reviewer@' || id]
     FROM orgs WHERE kind = 'department' AND id LIKE 'BD%' ON CONFLICT DO NOTHING`,
  );
}

/** Starts one workflow per department (or unit), each asking for all its projects' forms at once; waits until the inbox shows them all. */
async function openRound(deps: Awaited<ReturnType<typeof buildDeps>>, round: string, projects: number, units: number, startsPerSecond?: number) {
  const batches: TaskSpecInput[][] = [];
  for (let p = 0; p < projects; p++) {
    const u = 1 + (p % units);
    const b = (batches[(PER === 'unit' ? u : Math.ceil(u / UNITS_PER_DEPT)) - 1] ??= []);
    const dueInMs = p % 20 === 0 ? 1000 : (15 + (p % 10)) * 86_400_000; // 5% come due at once: overdue
    b.push({
      key: `form-${round}-${p}`,
      type: 'preAssessment.targetReview',
      title: `运行监控表 ${round} project ${p}`,
      project: { id: `P${round}-${p}`, name: `project ${p}`, code: `C${p}`, deptId: deptId(Math.ceil(u / UNITS_PER_DEPT)), unitId: unitId(u) },
      candidateGroups: [`unit_preparer@${unitId(u)}`],
      dueInMs,
      remindBeforeMs: dueInMs > 2 * 86_400_000 ? [2 * 86_400_000] : [],
      priority: p % 4,
      bulkApprovable: true,
    });
  }
  const before = (await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE process = 'bench'`)).rows[0].n;
  const t0 = performance.now();
  const queue = batches.map((b, i) => [b, i] as const).filter(([b]) => b);
  // paced: one start every 1/startsPerSecond s (a round keeps opening forms); else as fast as 32 clients go
  const t00 = performance.now();
  let seq = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (startsPerSecond) {
          const due = t00 + (seq++ * 1000) / startsPerSecond;
          await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        }
        await deps.temporal.workflow.start<typeof benchBatch>('benchBatch', { taskQueue: deps.config.temporal.taskQueue, workflowId: `bench:${round}:${job[1]}`, args: [job[0]] });
      }
    }),
  );
  const started = performance.now();
  for (;;) {
    const n = (await deps.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE process = 'bench'`)).rows[0].n - before;
    if (n >= projects) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - t0) / 1000;
  return { tasks: projects, workflows: queue.length || batches.filter(Boolean).length, seconds, startSeconds: (started - t0) / 1000, tasksPerSecond: projects / seconds, workflowsPerSecond: batches.filter(Boolean).length / seconds };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
