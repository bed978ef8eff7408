// `npx tsx scripts/warningReplayCpu.ts HISTORY.json [--times 300] [--rounds 5] [--workflows ENTRY ...]`:
// the workflow side of a new execution's CPU, without a server: replays one recorded history (e.g. a
// warning's first workflow tasks, scripts/warningCpu.ts --save-history) `--times` times through a
// replay worker with the product's bundle (its entry, worker/processes.ts, and the modules it
// preloads, worker/preload.ts), and prints this process's CPU per replay (every thread: the workflow
// thread, the SDK's core, the main thread). A replay creates the execution, runs its activations and
// disposes of it as a live worker does. With `--workflows` (repeatable; `registry` is the product's
// entry) each round replays with every entry in turn, a fresh replay worker each after a warm-up, so
// entries (or versions of a workflow) compare on a busy machine: each round's figures are taken
// under the same load. Prints each round and each entry's median.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { dataConverter } from '../app/codec';
import { preloadableModules } from '../worker/preload';
import { workflowsEntry } from '../worker/processes';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { times: { type: 'string', default: '300' }, rounds: { type: 'string', default: '5' }, workflows: { type: 'string', multiple: true, default: ['registry'] } },
});
if (!positionals[0]) throw new Error('usage: warningReplayCpu.ts HISTORY.json [--times 300] [--rounds 5] [--workflows ENTRY ...]');
const history = historyFromJSON(JSON.parse(readFileSync(positionals[0], 'utf8')));
const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? 'replay';
const times = Number(args.times);
const WARMUP = 30; // the replay worker's start, V8's compilation of the bundle's functions
Runtime.install({ logger: new DefaultLogger('WARN') });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const entries: Array<{ name: string; bundle: WorkflowBundleWithSourceMap; perReplay: number[] }> = [];
for (const name of args.workflows ?? ['registry']) {
  const workflowsPath = name === 'registry' ? workflowsEntry() : resolve(name);
  entries.push({ name, bundle: await bundleWorkflowCode({ workflowsPath, preloadModules: preloadableModules(workflowsPath), logger: quiet }), perReplay: [] });
}

// the product worker's sink (worker/worker.ts), which a replay does not call: without it every replay logs an error
const SINKS = { faults: { point: { fn: () => undefined, callDuringReplay: false } } };

/** Replays the history WARMUP + times times with one replay worker; the CPU ms per replay after the warm-up. */
async function round(bundle: WorkflowBundleWithSourceMap): Promise<number> {
  let ms = 0;
  // a replay is done when the next one is asked for: the CPU is read between the warm-up and the last
  async function* histories(): AsyncGenerator<{ history: typeof history; workflowId: string }> {
    for (let i = 0; i < WARMUP; i++) yield { history, workflowId };
    const c0 = process.cpuUsage();
    for (let i = 0; i < times; i++) yield { history, workflowId };
    const c = process.cpuUsage(c0);
    ms = (c.user + c.system) / 1000 / times;
  }
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'cpu', dataConverter: dataConverter(), sinks: SINKS }, histories())) {
    if (r.error) throw r.error;
  }
  return ms;
}

for (let r = 0; r < Number(args.rounds); r++) {
  const line: string[] = [];
  for (const e of entries) {
    const ms = await round(e.bundle);
    e.perReplay.push(ms);
    line.push(`${e.name} ${ms.toFixed(2)}`);
  }
  process.stdout.write(`round ${r + 1}: ms CPU per replay: ${line.join(', ')}\n`);
}
for (const e of entries) {
  const s = [...e.perReplay].sort((a, b) => a - b);
  process.stdout.write(`${e.name}: median ${s[Math.floor(s.length / 2)].toFixed(2)} ms [${s[0].toFixed(2)}–${s[s.length - 1].toFixed(2)}] per replay of ${positionals[0]} (${times} a round)\n`);
}
