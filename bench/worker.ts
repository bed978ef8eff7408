// The benchmark's worker, a process of its own (bench/run.ts spawns it): the product's worker with
// the benchmark's workflows (bench/workflows.ts: the product's plus the stand-in board batch and a
// trivial workflow). Configuration from the environment, as worker/main.ts; `ready` on IPC once it polls.
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startWorker, WORKFLOWS_PATH } from '../worker/worker';
import { closeWhenParentGoes } from './child';

const config = loadConfig();
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const db = await openProductDb(config, log);
const deps = await buildDeps(config, { log, db });
// every registered process's workflows (the registry's entry) and the bench's own
const entry = join(dirname(WORKFLOWS_PATH), 'bench-workflows.ts');
writeFileSync(entry, `export * from ${JSON.stringify(WORKFLOWS_PATH)};\nexport * from ${JSON.stringify(fileURLToPath(new URL('./workflows.ts', import.meta.url)))};\n`);
// experiments: workflow task slots, workflow threads and cached executions of the main queue's worker from the environment
const slots = Number(process.env.BENCH_WFT_SLOTS) || undefined;
const threads = Number(process.env.BENCH_WF_THREADS) || undefined;
const cached = Number(process.env.BENCH_MAX_CACHED) || undefined;
const worker = await startWorker(deps, { workflowsPath: entry, ...(slots ? { maxConcurrentWorkflowTaskExecutions: slots } : {}), ...(threads ? { workflowThreadPoolSize: threads } : {}), ...(cached ? { maxCachedWorkflows: cached } : {}) });
process.send?.('ready');
// where the RSS goes, on request: the main thread's heap and each workflow thread's (Node's diagnostic report)
process.on('message', (m: unknown) => {
  if (m !== 'memory') return;
  const mem = process.memoryUsage();
  const report = process.report.getReport() as unknown as { javascriptHeap: { totalMemory: number; usedMemory: number }; workers?: Array<{ javascriptHeap: { totalMemory: number; usedMemory: number } }> };
  const mib = (b: number): number => Math.round(b / 2 ** 20);
  process.send?.({ memory: { rss: mib(mem.rss), mainHeap: { total: mib(mem.heapTotal), used: mib(mem.heapUsed) }, external: mib(mem.external), arrayBuffers: mib(mem.arrayBuffers), threads: (report.workers ?? []).map((w) => ({ total: mib(w.javascriptHeap.totalMemory), used: mib(w.javascriptHeap.usedMemory) })) } });
});
closeWhenParentGoes(async () => {
  await worker.shutdown();
  await deps.close();
  await db.close();
});
