// `npm start`: the whole system in one terminal on embedded defaults — Temporal dev server, mail
// catcher, finance stand-in (its own process), worker and API with the web inbox. Ctrl-C stops it
// all in reverse order (the worker drains). Data stays in ./data for the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { buildDeps, createLogger, type Deps } from '../app/deps';
import { DEMO_USERS } from '../app/seed';
import { startApi, type RunningApi } from '../api/server';
import { startWorker, type RunningWorker } from '../worker/worker';
import { connectionOptions } from '../app/temporalConnection';
import { startDevServer, waitForTemporal, REPO_ROOT, type DevServer } from './temporal';
import { startMailCatcher, type MailCatcher } from './mailCatcher';

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
  const log = createLogger(config);
  const say = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m) };
  const stops: Array<[string, Stop]> = [];
  let stopping = false;

  const shutdown = async (code: number): Promise<never> => {
    if (stopping) process.exit(code);
    stopping = true;
    log.info('stopping… (Ctrl-C again to force)');
    for (const [name, stop] of stops.reverse()) {
      await stop().catch((e: unknown) => log.warn({ err: e }, `stopping ${name} failed`));
    }
    log.info('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // 1. Temporal
    let temporalUi: string | null = null;
    if (config.temporal.external) {
      log.info(`using Temporal at ${config.temporal.address} (namespace ${config.temporal.namespace})`);
      await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 120_000, log: say });
    } else {
      const server: DevServer = await startDevServer({
        dbFile: join(config.dataDir, 'temporal.db'),
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        log: say,
      });
      stops.push(['Temporal', () => server.stop()]);
      temporalUi = `http://localhost:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows`;
    }

    // 2. Mail catcher
    let mailUi: string | null = null;
    if (config.mail.catcher) {
      const mail: MailCatcher = await startMailCatcher({ smtpPort: config.mail.port, webPort: config.mail.webPort, dir: join(config.dataDir, 'mail'), log: say });
      stops.push(['mail catcher', () => mail.stop()]);
      mailUi = `http://localhost:${config.mail.webPort}`;
    }

    // 3. Finance stand-in, as its own process
    if (config.finance.embedded) {
      const child = await startFinanceProcess(config, say);
      stops.push(['finance stand-in', () => stopChild(child)]);
    }

    // 4. Worker and API
    const deps: Deps = await buildDeps(config, { log });
    stops.push(['database and clients', () => deps.close()]);
    const worker: RunningWorker = await startWorker(deps);
    stops.push(['worker', () => worker.shutdown()]);
    worker.done.catch((e: unknown) => {
      log.fatal({ err: e }, 'worker failed');
      void shutdown(1);
    });
    const api: RunningApi = await startApi(deps);
    stops.push(['API', () => api.close()]);

    banner(config, { temporalUi, mailUi });
  } catch (e) {
    log.fatal((e as Error).message);
    await shutdown(1);
  }
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

async function startFinanceProcess(config: Config, log: { info: (m: string) => void }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'finance', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, FINANCE_PORT: String(config.finance.port), JIXIAO_DATA_DIR: config.dataDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  log.info(`starting the finance stand-in on port ${config.finance.port}…`);
  for (;;) {
    const ok = await fetch(`${config.finance.url}/openapi.json`).then((r) => r.ok, () => false);
    if (ok) return child;
    const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 300))]);
    if (code !== 'wait') throw new Error(`the finance stand-in exited (code ${code}); see its message above`);
    if (Date.now() > deadline) throw new Error(`the finance stand-in did not answer at ${config.finance.url} within 120 s`);
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

void main();
