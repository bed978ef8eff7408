// `npm start` supervises its parts (issue 14, item 8), on the real thing: `npm start` with its own
// Temporal dev server, mail catcher, finance stand-in, worker and API on free ports and a temporary
// data directory, whose parts are killed with SIGKILL.
//
// - A start whose finance port is held by another process (an orphaned stand-in from an earlier run)
//   stops at once with the port and the variable to change, exit code 1, and never talks to it.
// - Temporal killed: requests that need it are answered 503 with Retry-After at once (the inbox
//   still answers); the restart refuses a port someone else took meanwhile and tries again later;
//   once Temporal is back, applications are accepted again and the earlier ones are still there.
// - The finance stand-in killed: started again.
// - The main process killed with SIGKILL: the Temporal server, the finance stand-in and the mail
//   catcher are gone within seconds; no orphan keeps a port.
//
// Heavy (one full start; 1–2 minutes): `npm run test:faults`, not part of `npm test`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from '../../scripts/temporal';
import { application } from '../helpers/fixtures';

interface Run {
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** The JSON log lines. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];
const pids = new Set<number>();
const dataDir = mkdtempSync(join(tmpdir(), 'jixiao-npm-start-'));

async function distinctPorts(n: number): Promise<number[]> {
  const s = new Set<number>();
  while (s.size < n) s.add(await freePort());
  return [...s];
}
const [apiPort, financePort, temporalPort, temporalUiPort, smtpPort, mailWebPort] = await distinctPorts(6);

const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_ADDRESS|FINANCE_URL|DATABASE_URL|FINANCE_DATABASE_URL|PUBLIC_URL|SMTP_HOST|MAIL_CATCHER|NODE_OPTIONS)$/.test(k)),
  ),
  API_PORT: String(apiPort),
  FINANCE_PORT: String(financePort),
  TEMPORAL_PORT: String(temporalPort),
  TEMPORAL_UI_PORT: String(temporalUiPort),
  SMTP_PORT: String(smtpPort),
  MAIL_WEB_PORT: String(mailWebPort),
  JIXIAO_DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  CI: '1',
};
const api = `http://127.0.0.1:${apiPort}`;

function npmStart(): Run {
  // detached: a process group of its own, so that whatever happens the test can clean up after itself
  const proc = spawn('npm', ['start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const run: Run = {
    proc,
    stdout: [],
    stderr: [],
    logs: [],
    exited: new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  const lines = (into: string[], parse: boolean) => {
    let rest = '';
    return (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        into.push(line);
        if (parse && line.startsWith('{')) {
          try {
            run.logs.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            /* not a log line */
          }
        }
        if (process.env.FAULTS_VERBOSE) process.stderr.write(`[npm start] ${line}\n`);
      }
    };
  };
  proc.stdout?.on('data', lines(run.stdout, true));
  proc.stderr?.on('data', lines(run.stderr, false));
  runs.push(run);
  return run;
}

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Pids of the processes whose command line has `args` in a row (e.g. our Temporal server's `--port N`). */
function processesWith(...args: string[]): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((_, j) => args.every((a, k) => cmd[j + k] === a))) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
const temporalServers = () => processesWith('--port', String(temporalPort));

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** A process that is not ours holding a port: accepts connections and drops them. */
async function squat(port: number): Promise<Server> {
  return until(
    `port ${port} to be free for the squatter`,
    () =>
      new Promise<Server | false>((resolve) => {
        const srv = createServer((socket) => socket.destroy());
        srv.once('error', () => resolve(false));
        srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(srv));
      }),
    5_000,
    20,
  );
}

const pidOf = (run: Run, part: string): number | undefined =>
  run.logs.filter((l) => l.part === part && typeof l.pid === 'number').map((l) => l.pid as number).at(-1);

const ppidOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);

/**
 * The processes of the running `npm start`, found from outside (not from its logs): the finance
 * stand-in (finance/main.ts with our FINANCE_PORT), the main process (its parent: API, worker, mail
 * catcher) and our Temporal server (by its port), if they are there.
 */
function partsOf(): { main?: number; temporal?: number; finance?: number } {
  const [finance] = processesWith(join(REPO_ROOT, 'finance', 'main.ts')).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`FINANCE_PORT=${financePort}`);
    } catch {
      return false;
    }
  });
  const main = finance ? ppidOf(finance) : undefined;
  const [temporal] = temporalServers();
  for (const p of [main, temporal, finance]) if (p) pids.add(p);
  return { main, temporal, finance };
}

/** Cleans up after a failed expectation: the run's whole process group, and its Temporal server. */
async function stopRun(run: Run | undefined): Promise<void> {
  if (!run || run.proc.exitCode !== null || run.proc.signalCode !== null || !run.proc.pid) return;
  try {
    process.kill(-run.proc.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  for (const pid of temporalServers()) process.kill(pid, 'SIGKILL');
  await run.exited;
}

async function started(run: Run): Promise<void> {
  await until('the banner', () => run.stdout.some((l) => l.includes('jixiao 绩效 is running')) || run.proc.exitCode !== null, 240_000, 250);
  expect(run.proc.exitCode, run.stderr.slice(-20).join('\n')).toBe(null);
}

afterAll(async () => {
  for (const run of runs) {
    if (run.proc.exitCode === null && run.proc.signalCode === null && run.proc.pid) {
      try {
        process.kill(-run.proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  for (const pid of [...pids, ...temporalServers()]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function loginAs(userId: string): Promise<Record<string, string>> {
  const login = await fetch(`${api}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  const { token } = (await login.json()) as { token: string };
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** A unit preparer submits a new project application (this needs Temporal: it starts the process). */
async function submit(headers: Record<string, string>, timeoutMs = 30_000) {
  const app = application();
  const t0 = Date.now();
  const r = await fetch(`${api}/api/pre-assessments`, { method: 'POST', headers, body: JSON.stringify(app), signal: AbortSignal.timeout(timeoutMs) });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { error?: { code: string; message: string }; route?: string }, ms: Date.now() - t0, projectCode: app.projectCode };
}

const msgs = (run: Run) => run.logs.map((l) => String(l.msg));

describe('npm start supervises its parts', () => {
  it('refuses to start while another process holds the finance port, naming the port and FINANCE_PORT, and never talks to it', async () => {
    // an orphaned finance stand-in from an earlier run, as far as anyone can tell from outside
    const asked: string[] = [];
    const orphan = createHttpServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end('{"openapi":"3.1.0"}');
    });
    await new Promise<void>((resolve) => orphan.listen(financePort, '127.0.0.1', resolve));
    try {
      const run = npmStart();
      const { code } = await Promise.race([run.exited, new Promise<{ code: string }>((r) => setTimeout(() => r({ code: 'still running after 90 s' }), 90_000))]);
      expect(code).toBe(1);
      const stderr = run.stderr.join('\n');
      expect(stderr).toContain(`port ${financePort} (finance stand-in) is in use by another process: stop that process, or set FINANCE_PORT=<free port>`);
      expect(stderr).toContain('Nothing was started.');
      expect(asked).toEqual([]);
      expect(temporalServers()).toEqual([]);
      for (const port of [apiPort, temporalPort, smtpPort, mailWebPort]) expect(await portOpen(port), `port ${port}`).toBe(false);
    } finally {
      await new Promise((resolve) => orphan.close(resolve));
      await stopRun(runs.at(-1));
    }
  });

  let run: Run;
  let headers: Record<string, string>;

  it('answers 503 with Retry-After at once while Temporal is away, restarts it (not on a port someone else took) and takes applications again', async () => {
    run = npmStart();
    await started(run);
    const { temporal } = partsOf();
    if (!temporal) throw new Error('no Temporal server on our port');
    headers = await loginAs('u0101-preparer');
    const before = await submit(headers);
    expect(before.status).toBe(201);

    // Temporal dies; someone else takes its port before the restart
    process.kill(temporal, 'SIGKILL');
    const killedAt = Date.now();
    await until('the Temporal server to be gone', () => !alive(temporal), 5_000, 20);
    const squatter = await squat(temporalPort);
    try {
      const refused = await until(
        'a 503 for an application',
        async () => {
          const r = await submit(headers, 2_000).catch(() => undefined); // one sent just as it died may wait for its deadline
          return r?.status === 503 ? r : undefined;
        },
        30_000,
        50,
      );
      expect(Date.now() - killedAt, 'ms from the kill to the first 503').toBeLessThan(3_000);
      expect(refused.ms, 'ms the 503 took').toBeLessThan(1_000);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body.error?.code).toBe('TEMPORAL_UNAVAILABLE');
      expect(refused.body.error?.message).toContain('Temporal');
      const again = await submit(headers, 2_000);
      expect([again.status, again.ms < 1_000]).toEqual([503, true]);

      // what needs only the database goes on: the inbox answers
      expect((await fetch(`${api}/api/tasks`, { headers })).status).toBe(200);
      expect(await (await fetch(`${api}/healthz`)).json()).toMatchObject({ ok: true, temporal: 'unreachable' });

      // the restart does not take the squatter for Temporal: it says so and tries again later
      await until('the refused restart', () => msgs(run).some((m) => m.startsWith(`Temporal dev server did not start again: port ${temporalPort} is in use`)), 20_000);
      expect(msgs(run)).toContain('Temporal dev server killed by SIGKILL; restarting it in 1 s (restart 1 of at most 5)');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    const restarted = await until('Temporal restarted', () => (pidOf(run, 'temporal') !== temporal ? pidOf(run, 'temporal') : undefined), 30_000);
    pids.add(restarted);
    expect(msgs(run)).toContain(`Temporal dev server restarted (pid ${restarted})`);
    const accepted = await until('an application accepted again', async () => {
      const r = await submit(headers, 10_000).catch(() => undefined);
      return r?.status === 201 ? r : undefined;
    }, 30_000, 500);
    expect(accepted.body.route).toBe('key');
    // the server kept its SQLite file: the application from before the crash is still there
    // (its status is read from Temporal once the process has reached the inbox)
    await until('the earlier application', () => fetch(`${api}/api/pre-assessments/${before.projectCode}`, { headers }).then((r) => r.status === 200), 30_000, 250);
  });

  it('starts the finance stand-in again after it was killed', async () => {
    const { finance } = partsOf();
    if (!finance) throw new Error('no finance stand-in on our port');
    process.kill(finance, 'SIGKILL');
    const again = await until('the finance stand-in restarted', () => partsOf().finance !== finance && partsOf().finance, 60_000, 200);
    await until('the finance stand-in to answer', () => fetch(`http://127.0.0.1:${financePort}/openapi.json`).then((r) => r.ok, () => false), 60_000, 200);
    expect(alive(again)).toBe(true);
    expect(msgs(run)).toContain('finance stand-in killed by SIGKILL; restarting it in 1 s (restart 1 of at most 5)');
  });

  it('Ctrl-C stops every part, cleanly', async () => {
    expect(run.proc.exitCode, 'npm start still running').toBe(null);
    const parts = Object.values(partsOf()).filter((p) => p !== undefined);
    const from = run.logs.length;
    process.kill(-run.proc.pid!, 'SIGINT'); // the terminal sends it to the whole foreground group
    await until('every part to be gone', () => !parts.some(alive) && temporalServers().length === 0, 30_000, 50);
    await run.exited;
    const during = msgs(run).slice(from);
    expect(during).toContain('stopped'); // not 'stopped (exit code 1)', nor killed halfway
    expect(during.filter((m) => /unexpectedly|restarting it|giving up|failed/.test(m))).toEqual([]); // a part stopped by us is not "restarted"
  });

  it('killed with SIGKILL, it leaves nothing behind: Temporal, the finance stand-in and the mail catcher are gone within seconds', async () => {
    for (const r of runs) await stopRun(r); // whatever an earlier test left
    run = npmStart(); // the same data: no first-time setup this time
    await started(run);
    const { main, temporal, finance } = partsOf();
    if (!main || !temporal || !finance) throw new Error(`parts missing: ${JSON.stringify({ main, temporal, finance })}`);
    expect([main, temporal, finance].every(alive)).toBe(true);
    process.kill(main, 'SIGKILL');
    const killed = Date.now();
    await until('every part to be gone', () => ![main, temporal, finance].some(alive) && temporalServers().length === 0, 15_000, 50);
    expect(Date.now() - killed, 'ms until every part was gone').toBeLessThan(8_000);
    for (const port of [apiPort, financePort, temporalPort, temporalUiPort, smtpPort, mailWebPort]) expect(await portOpen(port), `port ${port}`).toBe(false);
    expect((await run.exited).code).not.toBe(0);
  });
});
