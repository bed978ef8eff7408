// The worker of scripts/warningCpu.ts, a process of its own so that the CPU it reads is the worker's
// only: the product's worker (worker/worker.ts), configured from the environment as worker/main.ts is
// (the driver sets WORKER_QUEUES=warning: the warning's own queue, as a lane worker). `ready` on IPC
// once it polls; `cpu` is answered with process.cpuUsage() (every thread of the process) and the CPU
// of each of its threads by name (/proc/self/task, Linux), so the driver reads it before and after;
// `{ profile: 'start' }` starts V8's CPU profiler on the main thread and on every worker thread (the
// SDK's workflow threads, through the inspector's NodeWorker domain), `{ profile: 'stop', dir }`
// writes one .cpuprofile per thread into dir and answers with the files.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildDeps, openProductDb } from '../app/deps';
import { startWorker } from '../worker/worker';
import { closeWhenParentGoes } from '../bench/child';

const TICK_MS = 10; // USER_HZ 100 on Linux

/** CPU ms by thread name (the workflow threads, the SDK core's tokio threads, V8's helpers), summed per name. */
function threadCpuMs(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const s = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const key = tid === String(process.pid) ? 'main' : name;
      out[key] = (out[key] ?? 0) + (Number(f[11]) + Number(f[12])) * TICK_MS;
    }
  } catch {
    // not Linux: the process's total only
  }
  return out;
}

/** The main thread's and each worker thread's profiler, one inspector session. */
function profilers() {
  const session = new Session();
  session.connect();
  const threads = new Map<string, string>(); // inspector session id → a name for the file
  const pending = new Map<string, (r: unknown) => void>();
  let id = 0;
  session.on('NodeWorker.attachedToWorker', (m) => threads.set(m.params.sessionId, `thread-${m.params.workerInfo.workerId}`));
  session.on('NodeWorker.receivedMessageFromWorker', (m) => {
    const msg = JSON.parse(m.params.message) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(`${m.params.sessionId}:${msg.id}`)?.(msg.result);
  });
  const post = (method: string, params: object = {}): Promise<unknown> => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  const toWorker = (sessionId: string, method: string): Promise<unknown> => {
    const n = ++id;
    const answered = new Promise((resolve) => pending.set(`${sessionId}:${n}`, resolve));
    void post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: n, method }) });
    return answered;
  };
  const attached = post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  return {
    async start(): Promise<void> {
      await attached;
      await post('Profiler.enable');
      await post('Profiler.start');
      for (const sid of threads.keys()) {
        await toWorker(sid, 'Profiler.enable');
        await toWorker(sid, 'Profiler.start');
      }
    },
    async stop(dir: string): Promise<string[]> {
      const files: string[] = [];
      const write = (name: string, r: unknown): void => {
        const file = join(dir, `${name}.cpuprofile`);
        writeFileSync(file, JSON.stringify((r as { profile: unknown }).profile));
        files.push(file);
      };
      write('main', await post('Profiler.stop'));
      for (const [sid, name] of threads) write(name, await toWorker(sid, 'Profiler.stop'));
      return files;
    },
  };
}

const config = loadConfig();
const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const db = await openProductDb(config, log);
const deps = await buildDeps(config, { log, db });
// another bundle entry, to compare one with another (scripts/warningCpu.ts --workflows)
const worker = await startWorker(deps, process.env.WARNING_CPU_WORKFLOWS ? { workflowsPath: process.env.WARNING_CPU_WORKFLOWS } : {});
process.send?.('ready');
const profiler = profilers();
process.on('message', (m: unknown) => {
  if (m === 'cpu') process.send?.({ cpu: process.cpuUsage(), threads: threadCpuMs() });
  const p = typeof m === 'object' && m && 'profile' in m ? (m as { profile: 'start' | 'stop'; dir?: string }) : null;
  if (p?.profile === 'start') void profiler.start().then(() => process.send?.({ profiling: true }));
  if (p?.profile === 'stop') void profiler.stop(p.dir ?? '.').then((files) => process.send?.({ profiles: files }));
});
closeWhenParentGoes(async () => {
  await worker.shutdown();
  await deps.close();
  await db.close();
});
