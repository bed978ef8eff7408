// `npx tsx bench/validators.ts [--n 1000] [--repeats 3] [--only a,b]`: the workflow-side validator
// (contracts/jsonSchema.ts) against compiled alternatives, on what made it necessary: worker memory
// per cached workflow execution (the SDK evaluates a bundle's modules for every execution).
//
// Each candidate is a workflow bundle (bench/validators/<name>.ts) whose `hold` workflow validates a
// PreAssessmentInput and a TaskAction once and then waits for a signal. For each candidate and
// repeat, a fresh Node process (--expose-gc) runs a real worker (debugMode: the SDK's reusable-VM
// workflow creator on the main thread, so gc() and heapUsed see the workflows) with a cache larger
// than N, starts N executions, waits until all are cached and idle, and compares heap used and RSS
// after gc with the same after a warm-up. `parity` runs the cases of bench/validators/cases.ts
// through each bundle on an ordinary (threaded) worker and compares the verdicts and the filled-in
// defaults with zod's. Temporal: TEMPORAL_ADDRESS (namespace TEMPORAL_NAMESPACE, default "default"),
// else a dev server in memory. Results: stdout and bench/results/<time>-validators.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalCli, freePort, startDevServer } from '../scripts/temporal';
import { ajvStandalone, generateValidatorModules } from './validators/generate';
import { CASES, HOLD_INPUT } from './validators/cases';
import type { HoldInput, ParityCase, Verdict } from './validators/holder';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HERE = fileURLToPath(new URL('./validators/', import.meta.url));
const argv = process.argv.slice(2);
const opt = (flag: string): string | undefined => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
const say = (m: string): void => void process.stdout.write(`[validators] ${m}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const WARM = 50;

interface Variant {
  name: string;
  /** column of the parity table */
  col: string;
  label: string;
  entry: string;
  preload?: string[];
  /** false: bundle and parity only */
  memory: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'none', col: 'none', label: 'no validation (baseline)', entry: `${HERE}none.ts`, memory: true },
  { name: 'handWritten', col: 'hand', label: '(a) contracts/jsonSchema.ts', entry: `${HERE}handWritten.ts`, memory: true },
  { name: 'ajv', col: 'ajv', label: '(b) ajv standalone code', entry: `${HERE}ajv.ts`, memory: true },
  { name: 'cfworker', col: 'cfworker', label: '(c) @cfworker/json-schema', entry: `${HERE}cfworker.ts`, memory: true },
  { name: 'zod', col: 'zod', label: 'zod contracts (reference)', entry: `${HERE}zod.ts`, memory: true },
  // The SDK's preloadModules: modules evaluated once in the reusable V8 context and shared by all
  // executions, deep-frozen (an advanced option: the module may keep no per-workflow state). zod
  // cannot be preloaded: it memoizes on its schema objects (parity only, to show it).
  { name: 'handWritten+preload', col: 'hand+pre', label: '(a), its modules preloaded', entry: `${HERE}handWritten.ts`, preload: [`${ROOT}contracts/jsonSchema.ts`, `${HERE}schemas.generated.ts`], memory: true },
  { name: 'zod+preload', col: 'zod+pre', label: 'zod, the contracts preloaded', entry: `${HERE}zod.ts`, preload: ['zod', `${ROOT}contracts/humanTask/tasks.zod.ts`, `${ROOT}contracts/preAssessment/application.zod.ts`], memory: false },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)}`;

// --- child: one measurement ---------------------------------------------------------------------

async function child(): Promise<void> {
  const name = opt('--child')!;
  const codePath = opt('--bundle')!;
  const address = opt('--address')!;
  const namespace = opt('--namespace')!;
  const n = Number(opt('--n'));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const taskQueue = `validators-${name}-${process.pid}-${Date.now()}`;
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace });
  const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { codePath }, debugMode: true, maxCachedWorkflows: n + WARM + 50, maxConcurrentWorkflowTaskExecutions: 20 });

  const startMany = async (from: number, count: number): Promise<void> => {
    let next = from;
    const end = from + count;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < end) {
          const i = next++;
          await client.workflow.start('hold', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [HOLD_INPUT satisfies HoldInput], workflowExecutionTimeout: '15m' });
        }
      }),
    );
  };
  const settled = async (expected: number): Promise<void> => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const s = worker.getStatus();
      if (s.numCachedWorkflows >= expected && s.numInFlightWorkflowActivations === 0) return;
      if (Date.now() > deadline) throw new Error(`${name}: ${s.numCachedWorkflows} of ${expected} executions cached after 5 min (did validation fail?)`);
      await sleep(100);
    }
  };
  const measure = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await sleep(50);
    }
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss };
  };

  const result = await worker.runUntil(async () => {
    await startMany(0, WARM);
    await settled(WARM);
    const before = await measure();
    const t0 = Date.now();
    await startMany(WARM, n);
    await settled(WARM + n);
    const seconds = (Date.now() - t0) / 1000;
    const after = await measure();
    return { name, n, heapPerExecution: (after.heapUsed - before.heapUsed) / n, rssPerExecution: (after.rss - before.rss) / n, heapBefore: before.heapUsed, heapAfter: after.heapUsed, rssBefore: before.rss, rssAfter: after.rss, executionsPerSecond: n / seconds };
  });
  await clientConnection.close();
  await connection.close();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

function runChild(v: Variant, bundle: string, address: string, namespace: string, n: number): Promise<Record<string, number> & { name: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', v.name, '--bundle', bundle, '--address', address, '--namespace', namespace, '--n', String(n)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)));
      else reject(new Error(`${v.name}: measurement process exited with ${code}\n${out.slice(-2000)}`));
    });
  });
}

// --- parent ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const n = Number(opt('--n') ?? 1000);
  const repeats = Number(opt('--repeats') ?? 3);
  const only = opt('--only')?.split(',');
  const variants = VARIANTS.filter((v) => !only || only.includes(v.name));
  const started = new Date();
  const tmp = mkdtempSync(join(tmpdir(), 'jixiao-validators-'));
  const stops: Array<() => Promise<void>> = [async () => rmSync(tmp, { recursive: true, force: true })];
  const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m: string) => say(`bundler: ${m}`), error: (m: string) => say(`bundler: ${m}`), log: () => undefined };
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  try {
    const changed = generateValidatorModules();
    say(changed.length ? `regenerated ${changed.join(', ')}` : 'bench/validators/*.generated.ts are current');

    // ajv's code exactly as it emits it (CommonJS, `require("ajv/dist/runtime/ucs2length")`) next
    // to a plain entry, outside the repo: does the SDK's bundler take the require as it is?
    const raw = ajvStandalone({ unicode: true, esm: false });
    writeFileSync(join(tmp, 'ajvRaw.cjs'), raw);
    writeFileSync(join(tmp, 'ajvRaw.ts'), `import * as compiled from './ajvRaw.cjs';\nimport { fromAjv } from '${HERE}ajvAdapter';\nimport { makeWorkflows } from '${HERE}holder';\nexport const { hold, parity } = makeWorkflows(fromAjv(compiled));\n`);
    const all: Variant[] = [...variants, ...(only && !only.includes('ajvRaw') ? [] : [{ name: 'ajvRaw', col: 'ajvCjs', label: 'ajv standalone, CommonJS as emitted', entry: join(tmp, 'ajvRaw.ts'), memory: false }])];
    say(`ajv's CommonJS output requires: ${(raw.match(/require\([^)]*\)/g) ?? []).filter((x, i, a) => a.indexOf(x) === i).join(', ') || 'nothing'}`);

    const bundles = new Map<string, { path: string; bytes: number }>();
    for (const v of all) {
      const { code } = await bundleWorkflowCode({
        workflowsPath: v.entry,
        preloadModules: v.preload,
        logger: quiet,
        // the entry in tmp resolves packages from the repo
        webpackConfigHook: (c) => ({ ...c, resolve: { ...c.resolve, modules: [...(c.resolve?.modules ?? ['node_modules']), join(ROOT, 'node_modules')] } }),
      });
      const path = join(tmp, `${v.name}.bundle.js`);
      writeFileSync(path, code);
      bundles.set(v.name, { path, bytes: Buffer.byteLength(code) });
      say(`bundled ${v.name}: ${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB`);
    }

    let address = process.env.TEMPORAL_ADDRESS;
    const namespace = address ? process.env.TEMPORAL_NAMESPACE || 'default' : 'validators';
    if (!address) {
      await ensureTemporalCli({ log: { info: () => undefined, warn: say } });
      const server = await startDevServer({ port: await freePort(), uiPort: await freePort(), namespace, headless: true, log: { info: () => undefined, warn: say } });
      stops.push(server.stop);
      address = server.address;
    }
    say(`Temporal at ${address}, namespace ${namespace}`);

    // parity: the cases through every bundle on an ordinary worker
    const connection = await NativeConnection.connect({ address });
    const clientConnection = await Connection.connect({ address });
    stops.push(async () => void (await clientConnection.close()), async () => void (await connection.close()));
    const client = new Client({ connection: clientConnection, namespace });
    const cases: ParityCase[] = CASES.map(({ schema, value }) => ({ schema, value }));
    const verdicts: Record<string, Verdict[]> = {};
    for (const v of all) {
      const taskQueue = `validators-parity-${v.name}-${process.pid}`;
      const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { codePath: bundles.get(v.name)!.path } });
      verdicts[v.name] = await worker.runUntil(client.workflow.execute<(c: ParityCase[]) => Promise<Verdict[]>>('parity', { taskQueue, workflowId: `${taskQueue}-${Date.now()}`, args: [cases], workflowExecutionTimeout: '1m' }));
    }
    const reference = verdicts.zod ?? (await (await import('./validators/zod')).parity(cases));
    const parity: Record<string, { verdicts: string; values: string; differ: string[] }> = {};
    for (const v of all) {
      const r = verdicts[v.name];
      const comparable = CASES.map((c, i) => ({ c, i })).filter(({ c }) => !c.zodOnly);
      const verdictDiff = comparable.filter(({ i }) => r[i].ok !== reference[i].ok);
      const accepted = comparable.filter(({ i }) => r[i].ok && reference[i].ok);
      const valueDiff = accepted.filter(({ i }) => !isDeepStrictEqual((r[i] as { value: unknown }).value, (reference[i] as { value: unknown }).value));
      parity[v.name] = {
        verdicts: `${comparable.length - verdictDiff.length}/${comparable.length}`,
        values: `${accepted.length - valueDiff.length}/${accepted.length}`,
        differ: [...verdictDiff.map(({ c, i }) => `${c.name}: ${r[i].ok ? 'accepts' : `refuses${/^threw/.test((r[i] as { error: string }).error) ? ` (${(r[i] as { error: string }).error})` : ''}`}`), ...valueDiff.map(({ c }) => `${c.name}: value (defaults) differs`)],
      };
    }
    say('parity with zod (cases zod checks in code excluded: amount 0, no output indicator):');
    say(`  ${'case'.padEnd(62)} ${all.map((v) => v.col.padStart(9)).join(' ')}`);
    CASES.forEach((c, i) => {
      const cell = (name: string) => {
        const x = verdicts[name]?.[i];
        if (!x) return '-';
        const value = x.ok && reference[i].ok && !isDeepStrictEqual(x.value, (reference[i] as { value: unknown }).value) ? ' ≠val' : '';
        return `${x.ok ? 'ok' : 'no'}${x.ok !== reference[i].ok ? '!' : ''}${value}`;
      };
      say(`  ${`${c.name}${c.zodOnly ? ' [zod only]' : ''}`.slice(0, 62).padEnd(62)} ${all.map((v) => cell(v.name).padStart(9)).join(' ')}`);
    });
    for (const v of all.filter((x) => x.name !== 'none')) say(`  ${v.name}: verdicts ${parity[v.name].verdicts}, values with defaults ${parity[v.name].values}${parity[v.name].differ.length ? `; differs: ${parity[v.name].differ.join('; ')}` : ''}`);

    // memory: a fresh process per candidate and repeat, candidates interleaved
    const runs: Record<string, Array<Record<string, number>>> = {};
    const measured = variants.filter((v) => v.memory);
    for (let rep = 0; rep < repeats; rep++) {
      for (let k = 0; k < measured.length; k++) {
        const v = measured[(k + rep) % measured.length];
        const r = await runChild(v, bundles.get(v.name)!.path, address, namespace, n);
        (runs[v.name] ??= []).push(r);
        say(`run ${rep + 1}/${repeats} ${v.name}: heap ${kb(r.heapPerExecution)} KiB, RSS ${kb(r.rssPerExecution)} KiB per execution (${r.executionsPerSecond.toFixed(0)} executions/s)`);
      }
    }
    const summary = Object.fromEntries(
      measured.map((v) => {
        const heap = runs[v.name].map((r) => r.heapPerExecution);
        const rss = runs[v.name].map((r) => r.rssPerExecution);
        return [v.name, { label: v.label, bundleKiB: Math.round(bundles.get(v.name)!.bytes / 1024), heapKiB: { median: median(heap) / 1024, min: Math.min(...heap) / 1024, max: Math.max(...heap) / 1024 }, rssKiB: { median: median(rss) / 1024, min: Math.min(...rss) / 1024, max: Math.max(...rss) / 1024 }, parity: parity[v.name] }];
      }),
    );
    const base = summary.none?.heapKiB.median;
    say(`per cached execution, N=${n}, ${repeats} runs each (median [min–max]):`);
    for (const [name, s] of Object.entries(summary)) {
      const f = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(1)} [${x.min.toFixed(1)}–${x.max.toFixed(1)}]`;
      say(`  ${name.padEnd(20)} heap ${f(s.heapKiB)} KiB${base !== undefined && name !== 'none' ? ` (+${(s.heapKiB.median - base).toFixed(1)} over none)` : ''}, RSS ${f(s.rssKiB)} KiB, bundle ${s.bundleKiB} KiB`);
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `${started.toISOString().replace(/[:.]/g, '-')}-validators.json`);
    writeFileSync(file, JSON.stringify({ date: started.toISOString(), n, repeats, machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, summary, runs, parity, cases: CASES.map((c, i) => ({ name: c.name, zodOnly: c.zodOnly, verdicts: Object.fromEntries(all.map((v) => [v.name, verdicts[v.name][i].ok])) })) }, null, 1));
    say(`wrote ${file.slice(ROOT.length)}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e: Error) => say(`stop: ${e.message}`));
  }
}

if (argv.includes('--child')) {
  child().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
