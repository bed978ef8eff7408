// `npx tsx bench/firstTask.ts [--sizes 1,100,300,600] [--reps 3]`: how long the first workflow task of
// a board takes by its size (issue 16, item 3), alone: one board at a time on an otherwise idle
// worker (in this process), a Temporal dev server in memory, PGlite. The first workflow task is where
// a board `ask()`s all its tasks (schema check, state, timers, audit and mail entries for each); its
// duration is read from the history (WorkflowTaskStarted → WorkflowTaskCompleted), beside a trivial
// workflow's as the machine's floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startWorker } from '../worker/worker';
import { startDevServer } from '../scripts/temporal/devServer';
import { freePort } from '../scripts/temporal/ports';
import type { TaskSpecInput } from '../contracts/humanTask/tasks.zod';
import type { benchBatch, benchTrivial } from './workflows';

const argv = process.argv.slice(2);
const arg = (flag: string, dflt: string): string => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : dflt);
const SIZES = arg('--sizes', '1,100,300,600').split(',').map(Number);
const REPS = Number(arg('--reps', '3'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => (t ? Number(String(t.seconds ?? 0)) * 1000 + (t.nanos ?? 0) / 1e6 : NaN);

const dir = mkdtempSync(join(tmpdir(), 'jixiao-first-'));
const log = pino({ level: 'error' });
const temporal = await startDevServer({ port: await freePort(), uiPort: await freePort(), namespace: 'bench', headless: true, log: { info: () => undefined, warn: () => undefined } });
const config = loadConfig({ TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: 'bench', TASK_QUEUE: 'first', JIXIAO_DATA_DIR: dir, LOG_LEVEL: 'error', REGION: 'inner-mongolia' } as NodeJS.ProcessEnv);
const db = await openProductDb(config, log);
const deps = await buildDeps(config, { log, db });
const worker = await startWorker(deps, { workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)) });

/** The first workflow task's duration of an execution, once it is recorded. */
async function firstTask(workflowId: string): Promise<number> {
  for (;;) {
    const h = await deps.temporal.workflow.getHandle(workflowId).fetchHistory();
    const started = new Map<string, number>();
    for (const e of h.events ?? []) {
      if (e.workflowTaskStartedEventAttributes) started.set(String(e.eventId), ms(e.eventTime));
      const done = e.workflowTaskCompletedEventAttributes;
      if (done) return ms(e.eventTime) - (started.get(String(done.startedEventId)) ?? NaN);
    }
    await sleep(50);
  }
}

const spec = (n: number, i: number): TaskSpecInput => ({
  key: `form-${n}-${i}`,
  type: 'preAssessment.targetReview',
  title: `运行监控表 project ${i}`,
  project: { id: `P-${i}`, name: `project ${i}`, code: `C${i}`, deptId: 'BD001', unitId: `BU${String(1 + (i % 20)).padStart(5, '0')}` },
  candidateGroups: [`unit_preparer@BU${String(1 + (i % 20)).padStart(5, '0')}`],
  dueInMs: i % 20 === 0 ? 1000 : 15 * 86_400_000,
  remindBeforeMs: i % 20 === 0 ? [] : [2 * 86_400_000],
  priority: i % 4,
  bulkApprovable: true,
});

try {
  const rows: string[] = [];
  for (const size of [0, ...SIZES]) {
    const runs: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const id = `first:${size}:${rep}`;
      if (size === 0) await deps.temporal.workflow.start<typeof benchTrivial>('benchTrivial', { taskQueue: 'first', workflowId: id, args: [] });
      else await deps.temporal.workflow.start<typeof benchBatch>('benchBatch', { taskQueue: 'first', workflowId: id, args: [Array.from({ length: size }, (_, i) => spec(size, i))] });
      runs.push(await firstTask(id));
      await sleep(1500); // let the board's projection and mail settle before the next
    }
    const s = [...runs].sort((a, b) => a - b);
    rows.push(`| ${size === 0 ? 'trivial workflow' : `board of ${size} tasks`} | ${s[Math.floor(s.length / 2)].toFixed(0)} ms [${s[0].toFixed(0)}–${s[s.length - 1].toFixed(0)}] |`);
    process.stdout.write(`[first] ${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(`\n| execution | first workflow task, median [min–max] of ${REPS} |\n| --- | --- |\n${rows.join('\n')}\n`);
} finally {
  await worker.shutdown();
  await deps.close();
  await db.close();
  await temporal.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
