// The test run's Temporal server: @temporalio/testing's local dev server
// (TestWorkflowEnvironment.createLocal) on an existing CLI, in memory, on a port it picks, with
// jixiao's namespace and search attributes. What the SDK does not do, done here: it leaves its
// server running when we die by SIGKILL (a guard process kills it then, scripts/temporal/guard.ts),
// and a failed start (a port taken in the meantime; the SDK waits only 5 s) is tried again.
//
//   tsx test/helpers/testServer.ts <cli>   starts one, prints `<address> <pid>`, runs until killed
//                                          (test/infra.test.ts kills it with SIGKILL).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { CLI_TO_SDK_TYPE } from '../../contracts/searchAttributes';
import { findChildPid, spawnGuard } from '../../scripts/temporal/guard';
import { freePort } from '../../scripts/temporal/ports';
import { SEARCH_ATTRIBUTES } from '../../scripts/temporal/searchAttributes';
import type { Log } from '../../scripts/temporal/util';

export interface TestServer {
  address: string;
  uiUrl: string;
  /** The server process (0 if it could not be found: then no guard either). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts the dev server with `cli`; up to 3 tries, each with a new UI port. */
export async function startTestServer(cli: string, namespace: string, log: Log): Promise<TestServer> {
  // The SDK's native runtime would otherwise listen for SIGINT/SIGTERM in vitest's own process.
  try {
    Runtime.install({ shutdownSignals: [] });
  } catch {
    /* installed already (watch mode runs the global setup again) */
  }
  const searchAttributes = Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => defineSearchAttributeKey(name, CLI_TO_SDK_TYPE[type]));
  for (let attempt = 1; ; attempt++) {
    const uiPort = await freePort();
    const t0 = Date.now();
    let env: TestWorkflowEnvironment;
    try {
      env = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: cli },
          ip: '127.0.0.1',
          namespace,
          ui: true,
          uiPort,
          searchAttributes,
          log: { format: 'pretty', level: 'error' },
        },
      });
    } catch (err) {
      const message = (err as Error).message.split('\n')[0];
      if (attempt >= 3) throw new Error(`the Temporal test server did not start (3 tries): ${message}`);
      log.warn(`the Temporal test server did not start (${message.slice(0, 300)}), trying again`);
      continue;
    }
    // The SDK kills its server with SIGKILL on teardown, but nothing kills it when we die that way.
    const pid = (await findChildPid(['start-dev', `--port ${env.address.split(':').pop()}`])) ?? 0;
    const guard = pid ? spawnGuard(pid) : undefined;
    if (!guard) log.warn('no guard for the Temporal test server (its pid was not found): it outlives a SIGKILL of vitest');
    log.info(`Temporal test server at ${env.address} (pid ${pid || '?'}), namespace ${namespace} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return {
      address: env.address,
      uiUrl: `http://127.0.0.1:${uiPort}`,
      pid,
      stop: async () => {
        await env.teardown();
        guard?.kill('SIGKILL');
      },
    };
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet: Log = { info: () => undefined, warn: (m) => process.stderr.write(`${m}\n`) };
  const server = await startTestServer(process.argv[2], 'guard-test', quiet);
  process.stdout.write(`${server.address} ${server.pid}\n`);
  setInterval(() => undefined, 60_000);
}
