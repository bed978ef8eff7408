// The Temporal server for development and tests, as a command and as one import for the rest of
// the repo. The parts live in scripts/temporal/: install.ts (the CLI and the time-skipping test
// server, from PyPI or built with Go, under a file lock), devServer.ts (`temporal server
// start-dev` for npm start: own process group, exit reported, graceful stop), guard.ts (no server
// outlives us, not even after a SIGKILL), wait.ts, searchAttributes.ts, ports.ts. The test run's
// server is started by @temporalio/testing (test/globalSetup.ts), with the CLI from install.ts.
//
//   tsx scripts/temporal.ts          runs the dev server in the foreground (Ctrl-C stops it);
//                                    with TEMPORAL_ADDRESS set it only checks that server instead.
//   tsx scripts/temporal.ts install  installs the CLI and the time-skipping test server, then exits.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from './temporal/devServer';
import { ensureTemporalCli, ensureTimeSkippingServer } from './temporal/install';
import { ensureSearchAttributes } from './temporal/searchAttributes';
import { defaultLog } from './temporal/util';
import { waitForTemporal } from './temporal/wait';

export { startDevServer, type DevServer, type DevServerOptions } from './temporal/devServer';
export { findChildPid, spawnGuard } from './temporal/guard';
export { ensureTemporalCli, ensureTimeSkippingServer } from './temporal/install';
export { assertPortFree, freePort } from './temporal/ports';
export { ensureSearchAttributes, SEARCH_ATTRIBUTES } from './temporal/searchAttributes';
export { REPO_ROOT, type Log } from './temporal/util';
export { waitForTemporal, type TemporalTarget } from './temporal/wait';

async function main() {
  if (process.argv[2] === 'install') {
    // CI / first setup: install both executables, start nothing.
    defaultLog.info(`CLI: ${await ensureTemporalCli()}`);
    defaultLog.info(`time-skipping test server: ${await ensureTimeSkippingServer()}`);
    return;
  }
  const { loadConfig } = await import('../config/index');
  const { connectionOptions } = await import('../app/temporalConnection');
  const config = loadConfig();
  const t = config.temporal;
  if (t.external) {
    const target = connectionOptions(t);
    await waitForTemporal(target, t.namespace, { timeoutMs: 30_000 });
    await ensureSearchAttributes(target, t.namespace);
    defaultLog.info(`Temporal at ${t.address} answers, namespace ${t.namespace}, search attributes in place (TEMPORAL_ADDRESS is set: not starting a server)`);
    return;
  }
  const server = await startDevServer({
    dbFile: join(config.dataDir, 'temporal.db'),
    port: t.port,
    uiPort: t.uiPort,
    namespace: t.namespace,
    codecEndpoint: `${config.api.publicUrl}/api/codec`,
  });
  defaultLog.info('running in the foreground; Ctrl-C stops it');
  const shutdown = (sig: string) => {
    defaultLog.info(`${sig}: stopping…`);
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: Error) => {
    process.stderr.write(`[temporal] ${err.message}\n`);
    process.exit(1);
  });
}
