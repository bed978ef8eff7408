// How a worker's process is started where its memory counts: the Dockerfile, docker-compose.yml,
// `npm run worker` and the README's production lines carry these (test/worker/runtime.test.ts checks
// they do), and `npm run bench` starts its worker with them. Measured at 29,891 open tasks
// (BENCHMARKS.md, 2026-12-06), worker RSS 1,028-1,168 MiB before, each pair of runs back to back:
// - glibc's malloc keeps an arena per thread, up to 8 per core, and the worker's threads (Node's, the
//   workflow threads', the SDK core's tokio pool) left ~100 MiB in arenas of their own: two arenas,
//   no throughput lost;
// - V8 gives each of the worker's five heaps (the main thread's, the workflow threads') two semi-spaces
//   of up to 16 MiB for its young generation: at 4 MiB, ~100 MiB less again (RSS 884-910 MiB with both,
//   933-1,049 with the arenas alone; at 8 MiB, 878-1,031), for a little more of the worker's CPU in
//   scavenges (1.5-1.9 s per 1,000 forms against 1.3-1.6 s; opening within the runs' spread).

/** Environment set before the process starts (glibc reads it once, at start-up). */
export const WORKER_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** Node options of the worker's process (V8's heap sizes: every thread's isolate takes them). */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];
