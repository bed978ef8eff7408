// `npx tsx scripts/warningCpu.ts [--n 300] [--batches 3] [--warmup 30] [--mode round|hand] [--cpu-prof DIR]`:
// the worker's CPU per new warning (issues 16/19). Starts the real parts, each in a process of its
// own — PostgreSQL, a Temporal dev server on SQLite, the finance stand-in (in this process), the
// product's worker on the warning's own queue (scripts/warningCpuWorker.ts, WORKER_QUEUES=warning,
// as a lane worker) — then starts N warnings at once on the stand-in's projects and waits until each
// one's verification task is open in the inbox and the worker is quiet again. Reported per warning:
// the worker's CPU (process.cpuUsage, less its idle rate over the same time; by thread as well), the
// Temporal server's and PostgreSQL's. `--mode round` (default) starts them as a monitoring batch does
// before 2026-12-04 (a start with the raiser's suspension in the input: no local activity); `--mode raise`
// as it does since (update-with-start, the answer's rows written by the raiser); `--mode hand` as the API's
// manual route does (signalWithStart, the warning suspends by local activity). `--batches` measures
// that many batches of N on one worker, after a warm-up batch; `--cpu-prof DIR` profiles the worker's
// threads over each batch (DIR/batch-<b>/<thread>.cpuprofile; summarise with scripts/cpuProfileTop.ts);
// `--node-arg X` (repeatable) passes a Node option to the worker, e.g. `--require` of an experiment's patch;
// `--workflows FILE` has it bundle another entry (e.g. the earlier `export *` of every process, to compare);
// `--save-history FILE` writes one warning's history (its first workflow tasks) for scripts/warningReplayCpu.ts.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startFinanceService } from '../finance/main';
import { HttpFinanceClient } from '../finance/client';
import { startPostgres } from './postgres';
import { startDevServer } from './temporal/devServer';
import { freePort } from './temporal/ports';
import { postmasterPid, treeCpuSeconds } from '../bench/cpu';
import { WARNING_TASKS } from '../contracts/warning/names';
import { raiseWarning } from '../activities/warning/raise';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, warningTaskQueue, warningWorkflowId, type WarningInput, type WarningTrigger } from '../contracts/warning/trigger.zod';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    batches: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '30' },
    mode: { type: 'string', default: 'round' },
    'cpu-prof': { type: 'string' },
    /** Node options for the worker (e.g. --require FILE, in its workflow threads too), for experiments. */
    'node-arg': { type: 'string', multiple: true, default: [] },
    /** Another workflow bundle entry for the worker (default: the registry's, worker/processes.ts). */
    workflows: { type: 'string' },
    /** Writes the history of the last batch's first warning here (for scripts/warningReplayCpu.ts). */
    'save-history': { type: 'string' },
  },
});
const N = Number(args.n);
const BATCHES = Number(args.batches);
const WARMUP = Number(args.warmup);
const MODE = args.mode as 'round' | 'raise' | 'hand';
if (!['round', 'raise', 'hand'].includes(MODE)) throw new Error('--mode round, raise or hand');
const YEAR = 2026;
const REGION = 'inner-mongolia';
/** Warnings started at a time (a batch's children start concurrently too). */
const IN_FLIGHT = 50;

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = pino({ level: 'warn' }, pino.destination(2));

const dir = mkdtempSync(join(tmpdir(), 'jixiao-warning-cpu-'));
const closers: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
const stopAll = async (): Promise<void> => {
  for (const c of closers.reverse()) await Promise.resolve(c()).catch((e: unknown) => say(`closing: ${String(e)}`));
};

interface WorkerCpu {
  cpu: NodeJS.CpuUsage;
  threads: Record<string, number>;
}

try {
  const pg = startPostgres(dir, await freePort());
  closers.push(() => pg.stop());
  const temporal = await startDevServer({ dbFile: join(dir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), namespace: 'wcpu', headless: true, log: { info: () => undefined, warn: (l) => say(`temporal: ${l}`) } });
  closers.push(() => temporal.stop());
  const fin = await startFinanceService({
    port: 0,
    url: pg.url,
    year: YEAR,
    scale: { departments: 20, units: 200, projects: Math.max(1000, Math.ceil((WARMUP + N * BATCHES) * 1.4)), transfers: 1, countiesPerTransfer: 2, years: 1, libraryShare: 0 },
    log,
  });
  closers.push(() => fin.stop());
  const env: Record<string, string> = {
    FINANCE_URL: fin.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: 'wcpu',
    TASK_QUEUE: 'wcpu',
    DATABASE_URL: pg.url,
    JIXIAO_DATA_DIR: dir,
    REGION,
    LOG_LEVEL: 'warn',
    RECONCILE_EVERY_MINUTES: '0',
    WORKER_QUEUES: 'warning',
  };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  const db = await openProductDb(config, log); // migrated before the worker starts
  closers.push(() => db.close());
  const deps = await buildDeps(config, { log, db });
  closers.push(() => deps.close());

  const profDir = args['cpu-prof'];
  const worker = fork(fileURLToPath(new URL('./warningCpuWorker.ts', import.meta.url)), [], {
    env: { ...process.env, ...env, ...(args.workflows ? { WARNING_CPU_WORKFLOWS: args.workflows } : {}) },
    execArgv: ['--import', 'tsx', ...(args['node-arg'] ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  closers.push(async () => {
    if (worker.exitCode !== null) return;
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started`)));
  });
  /** Sends the worker a request and resolves with its answer, the message that has `key`. */
  const ask = <T>(request: unknown, key: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: unknown): void => {
        if (typeof m === 'object' && m && key in m) {
          worker.off('message', on);
          resolve(m as T);
        }
      };
      worker.on('message', on);
      worker.send(request as string);
    });
  const workerCpu = (): Promise<WorkerCpu> => ask<WorkerCpu>('cpu', 'cpu');
  const cpuMs = (c: WorkerCpu): number => (c.cpu.user + c.cpu.system) / 1000;
  const others = (): Record<string, number> => treeCpuSeconds({ temporal: temporal.pid, postgres: postmasterPid(pg.dataDir) });

  const fc = new HttpFinanceClient({ baseUrl: fin.url });
  const projects: Array<{ id: string; name: string; deptId: string; unitId: string }> = [];
  for (let cursor: string | undefined; projects.length < WARMUP + N * BATCHES; ) {
    const page = await fc.listProjects({ year: YEAR, expenditure: 'project', status: 'active', limit: 1000, ...(cursor ? { cursor } : {}) });
    projects.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (projects.length < WARMUP + N * BATCHES) throw new Error(`the stand-in has ${projects.length} active projects, ${WARMUP + N * BATCHES} needed`);

  const start = async (p: (typeof projects)[number]): Promise<string> => {
    const at = new Date().toISOString();
    const trigger: WarningTrigger = {
      year: YEAR,
      project: { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId },
      source: MODE === 'round' ? 'round' : 'hand',
      ref: MODE === 'round' ? 'monitoring:wcpu' : undefined,
      trace: { rule: { id: 'execution-behind', label: '执行进度落后时间进度 30 个百分点' }, data: { executionRateBp: 1200, timeProgressBp: 5000 }, threshold: 3000, observedAt: at },
      triggeredBy: MODE === 'round' ? 'system' : 'perf-officer',
      triggeredAt: at,
    };
    const workflowId = warningWorkflowId(YEAR, p.id);
    const input: WarningInput = { trigger, profile: config.region.warning, urgeWindowMs: Math.round(config.region.inbox.urgeWindowHours * 3_600_000) };
    const taskQueue = warningTaskQueue(config.temporal.taskQueue);
    if (MODE !== 'hand') input.suspended = { at, ledgerSeq: 1, key: `monitoring:wcpu/suspend-${p.id}` };
    if (MODE === 'round') {
      // as a batch's child did: payments already stopped by the batch, the finance system's answer in the input
      await deps.temporal.workflow.start(WARNING_WORKFLOW, { workflowId, taskQueue, args: [input] });
    } else if (MODE === 'raise') {
      // as a batch's activity does now: update-with-start, and the rows its answer carries written here
      await raiseWarning({ temporal: deps.temporal, db, publicUrl: config.api.publicUrl }, { workflowId, taskQueue, input });
    } else {
      await deps.temporal.workflow.signalWithStart(WARNING_WORKFLOW, { workflowId, taskQueue, args: [input], signal: WARNING_TRIGGER_SIGNAL, signalArgs: [trigger] });
    }
    return workflowId;
  };
  const openVerifications = async (ids: string[]): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE type = $1 AND status = 'open' AND workflow_id = ANY($2)`, [WARNING_TASKS.verify, ids])).rows[0].n);

  /** Starts the warnings of these projects, IN_FLIGHT at a time; resolves when every verification is open. */
  const run = async (batch: typeof projects): Promise<void> => {
    const ids: string[] = [];
    const queue = [...batch];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) ids.push(await start(p));
      }),
    );
    const until = Date.now() + 600_000;
    for (let open = 0; (open = await openVerifications(ids)) < ids.length; ) {
      if (Date.now() > until) throw new Error(`${open} of ${ids.length} verifications open after 10 minutes`);
      await sleep(200);
    }
  };
  /** Waits until the worker uses no more than twice its idle rate over a second (the last workflow tasks done). */
  const quiet = async (idleMsPerS: number): Promise<void> => {
    for (let prev = cpuMs(await workerCpu()), i = 0; i < 60; i++) {
      await sleep(1000);
      const now = cpuMs(await workerCpu());
      if (now - prev <= Math.max(2 * idleMsPerS, 5)) return;
      prev = now;
    }
  };

  say(`mode ${MODE}, ${N} warnings a batch, ${BATCHES} batches after a warm-up of ${WARMUP}; worker pid ${worker.pid}`);
  let next = 0;
  await run(projects.slice(next, (next += WARMUP)));
  // the worker's idle rate (pollers, timers): subtracted from each batch over the batch's time
  const i0 = await workerCpu();
  const it0 = performance.now();
  await sleep(3000);
  const idleMsPerS = (cpuMs(await workerCpu()) - cpuMs(i0)) / ((performance.now() - it0) / 1000);
  say(`worker idle: ${idleMsPerS.toFixed(1)} ms CPU/s`);
  const perWarning: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    if (profDir) await ask({ profile: 'start' }, 'profiling');
    const [c0, o0, t0, r0] = [await workerCpu(), others(), performance.now(), process.cpuUsage()];
    await run(projects.slice(next, (next += N)));
    const openS = (performance.now() - t0) / 1000;
    await quiet(idleMsPerS);
    const [c1, o1, t1, r1] = [await workerCpu(), others(), performance.now(), process.cpuUsage(r0)];
    if (profDir) {
      const into = join(profDir, `batch-${b + 1}`);
      mkdirSync(into, { recursive: true });
      say(`profiles: ${(await ask<{ profiles: string[] }>({ profile: 'stop', dir: into }, 'profiles')).profiles.join(', ')}`);
    }
    const seconds = (t1 - t0) / 1000;
    const ms = (cpuMs(c1) - cpuMs(c0) - idleMsPerS * seconds) / N;
    perWarning.push(ms);
    const threads = Object.entries(c1.threads)
      .map(([k, v]) => [k, (v - (c0.threads[k] ?? 0)) / N] as const)
      .filter(([, v]) => v >= 0.5)
      .sort((a, b2) => b2[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ');
    say(
      `batch ${b + 1}: ${N} verifications open in ${openS.toFixed(1)} s; per warning: worker ${ms.toFixed(1)} ms CPU (${threads}), ` +
        `Temporal ${(((o1.temporal - o0.temporal) * 1000) / N).toFixed(1)} ms, PostgreSQL ${(((o1.postgres - o0.postgres) * 1000) / N).toFixed(1)} ms, ` +
        `this process (the raiser: its starts${MODE === 'raise' ? ' and writes' : ''}, the finance stand-in) ${((r1.user + r1.system) / 1000 / N).toFixed(1)} ms`,
    );
  }
  if (args['save-history']) {
    const history = await deps.temporal.workflow.getHandle(warningWorkflowId(YEAR, projects[next - N].id)).fetchHistory();
    writeFileSync(args['save-history'], historyToJSON(history));
    say(`history of ${warningWorkflowId(YEAR, projects[next - N].id)} written to ${args['save-history']}`);
  }
  const sorted = [...perWarning].sort((a, b) => a - b);
  say(`worker CPU per warning: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms [${sorted[0].toFixed(1)}–${sorted[sorted.length - 1].toFixed(1)}] over ${BATCHES} batches of ${N}`);
} finally {
  await stopAll();
}
