// `npm start`: the whole system in one terminal on embedded defaults — Temporal dev server, mail
// catcher, finance stand-in (its own process), worker and API with the web inbox. Ctrl-C stops it
// all in reverse order (the worker drains). Data stays in ./data for the next start.
//
// It supervises its parts: a port already taken stops the start before anything runs (naming the
// port and the variable to change; it never works against a process it did not start); a part
// that dies is restarted with a growing pause, a few times, and then everything stops with a
// non-zero exit; the processes it starts stop with it even when it is killed with SIGKILL (the
// Temporal server through a guard on a pipe, the finance stand-in through its IPC channel); while
// Temporal is unreachable the API answers 503 with Retry-After (app/temporalHealth.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { buildDeps, createLogger, type Deps } from '../app/deps';
import { DEMO_USERS } from '../app/seed';
import { startApi, type RunningApi } from '../api/server';
import { startWorker } from '../worker/worker';
import { connectionOptions } from '../app/temporalConnection';
import { startDevServer } from './temporal/devServer';
import { assertPortFree } from './temporal/ports';
import { REPO_ROOT } from './temporal/util';
import { waitForTemporal } from './temporal/wait';
import { startMailCatcher, type MailCatcher } from './mailCatcher';
import { supervise, type ExitInfo, type PartInstance } from './supervise';

type Stop = () => Promise<void>;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }

  // 0. Every port we are about to listen on must be free: never carry on against a process we did not start.
  const busy = await busyPorts(config);
  if (busy.length) {
    process.stderr.write(`jixiao cannot start:\n${busy.map((b) => `  ${b}\n`).join('')}Nothing was started.\n`);
    process.exit(1);
  }

  const log = createLogger(config);
  const say = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
  const stops: Array<[string, Stop]> = [];
  let stopping = false;

  const shutdown = async (code: number): Promise<never> => {
    if (stopping) process.exit(code);
    stopping = true;
    log.info('stopping… (Ctrl-C again to force)');
    for (const [name, stop] of stops.reverse()) {
      await stop().catch((e: unknown) => log.warn({ err: e }, `stopping ${name} failed`));
    }
    log.info(code === 0 ? 'stopped' : `stopped (exit code ${code})`);
    process.exit(code);
  };
  const giveUp = (message: string) => {
    if (stopping) return;
    log.fatal(`${message}: stopping everything`);
    void shutdown(1);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  watchLauncher(() => {
    log.error('the tsx process that runs `npm start` is gone: stopping everything');
    void shutdown(1);
  });
  log.info(`starting jixiao (pid ${process.pid})`);

  try {
    // 1. Temporal
    let temporalUi: string | null = null;
    if (config.temporal.external) {
      log.info(`using Temporal at ${config.temporal.address} (namespace ${config.temporal.namespace})`);
      await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 120_000, log: say });
    } else {
      const temporal = await supervise({
        name: 'Temporal dev server',
        log: say,
        onGiveUp: giveUp,
        // the SQLite file stays: a restarted server has every workflow again
        start: () =>
          startDevServer({
            dbFile: join(config.dataDir, 'temporal.db'),
            port: config.temporal.port,
            uiPort: config.temporal.uiPort,
            namespace: config.temporal.namespace,
            codecEndpoint: `${config.api.publicUrl}/api/codec`,
            log: say,
          }),
        onRestarted: (s) => log.info({ part: 'temporal', pid: s.pid }, 'Temporal dev server running'),
      });
      log.info({ part: 'temporal', pid: temporal.current()?.pid }, 'Temporal dev server running');
      stops.push(['Temporal', () => temporal.stop()]);
      temporalUi = `http://localhost:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows`;
    }

    // 2. Mail catcher (in this process: it goes when we go)
    let mailUi: string | null = null;
    if (config.mail.catcher) {
      const mail: MailCatcher = await startMailCatcher({ smtpPort: config.mail.port, webPort: config.mail.webPort, dir: join(config.dataDir, 'mail'), log: say });
      stops.push(['mail catcher', () => mail.stop()]);
      mailUi = `http://localhost:${config.mail.webPort}`;
    }

    // 3. Finance stand-in, as its own process
    if (config.finance.embedded) {
      const finance = await supervise({
        name: 'finance stand-in',
        log: say,
        onGiveUp: giveUp,
        start: () => startFinanceProcess(config, say),
        onRestarted: (f) => log.info({ part: 'finance', pid: f.pid }, 'finance stand-in running'),
      });
      log.info({ part: 'finance', pid: finance.current()?.pid }, 'finance stand-in running');
      stops.push(['finance stand-in', () => finance.stop()]);
    }

    // 4. Worker and API
    const deps: Deps = await buildDeps(config, { log });
    stops.push(['database and clients', () => deps.close()]);
    const worker = await supervise({ name: 'worker', log: say, onGiveUp: giveUp, start: () => startWorkerPart(deps) });
    stops.push(['worker', () => worker.stop()]);
    const api: RunningApi = await startApi(deps);
    stops.push(['API', () => api.close()]);

    banner(config, { temporalUi, mailUi });
  } catch (e) {
    log.fatal((e as Error).message);
    await shutdown(1);
  }
}

/** The ports this start would listen on that something else holds, each with the variable to change. */
async function busyPorts(config: Config): Promise<string[]> {
  const wanted: Array<[number, string, string]> = [[config.api.port, 'API and web inbox', 'API_PORT']];
  if (!config.temporal.external) {
    wanted.push([config.temporal.port, 'Temporal dev server', 'TEMPORAL_PORT (or TEMPORAL_ADDRESS=host:port to use a running Temporal)']);
    wanted.push([config.temporal.uiPort, 'Temporal Web UI', 'TEMPORAL_UI_PORT']);
  }
  if (config.mail.catcher) {
    wanted.push([config.mail.port, 'mail catcher SMTP', 'SMTP_PORT']);
    wanted.push([config.mail.webPort, 'mail catcher web', 'MAIL_WEB_PORT']);
  }
  if (config.finance.embedded) wanted.push([config.finance.port, 'finance stand-in', 'FINANCE_PORT (or FINANCE_URL=… to use a running finance service)']);
  const out: string[] = [];
  const seen = new Map<number, string>();
  for (const [port, what, variable] of wanted) {
    const twice = seen.get(port);
    if (twice) {
      out.push(`port ${port} is configured for both the ${twice} and the ${what}: set ${variable.split(' ')[0]}=<another port>`);
      continue;
    }
    seen.set(port, what);
    try {
      await assertPortFree(port);
    } catch {
      out.push(`port ${port} (${what}) is in use by another process: stop that process, or set ${variable.replace(/^(\w+)/, '$1=<free port>')}`);
    }
  }
  return out;
}

/**
 * When `npm start` runs us through the tsx command line, that tsx process is our parent, and it
 * does not take us down if it is killed: watch it, and stop when it is gone.
 */
function watchLauncher(onGone: () => void): void {
  const ppid = process.ppid;
  let cmdline: string[];
  try {
    cmdline = readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0');
  } catch {
    return; // not Linux, or no /proc
  }
  if (!cmdline.some((a) => /(^|[\\/])tsx([\\/]dist[\\/]cli\.m?js)?$/.test(a))) return;
  const timer = setInterval(() => {
    try {
      process.kill(ppid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') return;
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
}

function banner(config: Config, urls: { temporalUi: string | null; mailUi: string | null }): void {
  const users = DEMO_USERS.map((u) => `    ${u.id.padEnd(16)} ${u.name}  ${u.roles.join(', ')} @ ${u.org}`).join('\n');
  const lines = [
    '',
    '  jixiao 绩效 is running',
    '',
    `  Web inbox (收件箱)    ${config.api.publicUrl}/`,
    `  API (OpenAPI)         ${config.api.publicUrl}/openapi.json`,
    `  Finance stand-in      ${config.finance.url}/openapi.json`,
    ...(urls.temporalUi ? [`  Temporal Web UI       ${urls.temporalUi}`] : []),
    ...(urls.mailUi ? [`  Mail catcher          ${urls.mailUi}`] : []),
    `  Region profile        ${config.region.name} (${config.region.id})`,
    `  Data                  ${config.dataDir}`,
    '',
    ...(config.auth.demoUsers ? ['  Log in as a demo user (pick one on the login page):', users, ''] : []),
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** The in-process worker as a supervised part: it "exits" when its run ends without shutdown(). */
async function startWorkerPart(deps: Deps): Promise<PartInstance> {
  const worker = await startWorker(deps);
  const exited: Promise<ExitInfo> = worker.done.then(
    () => ({ code: 0, signal: null }),
    (error: unknown) => ({ code: null, signal: null, error }),
  );
  return { exited, stop: () => worker.shutdown().catch(() => undefined) };
}

/**
 * The finance stand-in as a child process with an IPC channel: it reports ready over the channel
 * (so we never mistake another process on the port for it) and exits when the channel closes.
 */
async function startFinanceProcess(config: Config, log: { info: (m: string) => void }): Promise<PartInstance> {
  await assertPortFree(config.finance.port, `port ${config.finance.port} (finance stand-in) is in use by another process: stop it, or set FINANCE_PORT=<free port>`);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'finance', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, FINANCE_PORT: String(config.finance.port), JIXIAO_DATA_DIR: config.dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error }); // never ran: no exit event
    });
  });
  const ready = new Promise<void>((resolve) => {
    child.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') resolve();
    });
  });
  log.info(`starting the finance stand-in on port ${config.finance.port}…`);
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited,
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 120_000))),
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await stopChild(child, exited);
    throw new Error(`the finance stand-in did not report ready within 120 s`);
  }
  if (outcome !== 'ready') {
    const how = outcome.error ? (outcome.error as Error).message : outcome.signal ? `signal ${outcome.signal}` : `code ${outcome.code}`;
    throw new Error(`the finance stand-in exited (${how}) before it was ready; see its message above`);
  }
  return { pid: child.pid, exited, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

void main();
