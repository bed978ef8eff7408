// vitest globalSetup: one Temporal server and one mail catcher for the whole run, shared by all
// test files (each worker connects to them), stopped by the teardown whatever the tests did.
//
// The server is @temporalio/testing's local dev server (TestWorkflowEnvironment.createLocal) run
// from the CLI that scripts/temporal/install.ts finds or installs: in memory, on a port it picks,
// with jixiao's namespace and search attributes. What the SDK does not do, done here: it leaves its
// server running when vitest dies by SIGKILL (a guard process kills it then), and a failed start
// (a port taken in the meantime, a slow machine: it waits 5 s) is tried again.
//
//   TEMPORAL_TEST_ADDRESS=host:port  reuse that server instead (namespace TEMPORAL_TEST_NAMESPACE,
//                                    default "default"); search attributes are still ensured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { CLI_TO_SDK_TYPE } from '../contracts/searchAttributes';
import { startMailCatcher } from '../scripts/mailCatcher';
import { findChildPid, spawnGuard } from '../scripts/temporal/guard';
import { ensureTemporalCli, ensureTimeSkippingServer } from '../scripts/temporal/install';
import { freePort } from '../scripts/temporal/ports';
import { ensureSearchAttributes, SEARCH_ATTRIBUTES } from '../scripts/temporal/searchAttributes';
import type { Log } from '../scripts/temporal/util';
import { waitForTemporal } from '../scripts/temporal/wait';

const log: Log = {
  info: (msg) => process.stderr.write(`[globalSetup] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[globalSetup] ${msg}\n`),
};

interface TestServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** The run's dev server, through @temporalio/testing; up to 3 tries (each with a new UI port). */
async function startTestServer(cli: string, namespace: string): Promise<TestServer> {
  // The SDK's native runtime would otherwise listen for SIGINT/SIGTERM in vitest's own process.
  try {
    Runtime.install({ shutdownSignals: [] });
  } catch {
    /* installed already (watch mode re-runs this setup) */
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
    const pid = await findChildPid(['start-dev', `--port ${env.address.split(':').pop()}`]);
    const guard = pid ? spawnGuard(pid) : undefined;
    if (!guard) log.warn('no guard for the Temporal test server (its pid was not found): it outlives a SIGKILL of vitest');
    log.info(`Temporal test server at ${env.address} (pid ${pid ?? '?'}), namespace ${namespace} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return {
      address: env.address,
      uiUrl: `http://127.0.0.1:${uiPort}`,
      stop: async () => {
        await env.teardown();
        guard?.kill('SIGKILL');
      },
    };
  }
}

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  let mailDir: string | undefined;
  const teardown = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => log.warn(`teardown: ${err.message}`));
    }
    stops.length = 0;
    if (mailDir) rmSync(mailDir, { recursive: true, force: true });
  };

  try {
    // Installs happen here, once, not in the (parallel) workers. The CLI first; the time-skipping
    // server is optional: a failure only matters to the tests that use it.
    const external = process.env.TEMPORAL_TEST_ADDRESS;
    const cli = external ? undefined : ensureTemporalCli({ log });
    cli?.catch(() => undefined); // awaited below
    const testServer = ensureTimeSkippingServer({ log }).catch((err: Error) => {
      log.warn(`time-skipping test server unavailable: ${err.message}`);
      return '';
    });

    let temporalAddress: string;
    let temporalNamespace: string;
    let temporalUiUrl = '';
    if (external) {
      temporalAddress = external;
      temporalNamespace = process.env.TEMPORAL_TEST_NAMESPACE || 'default';
      await waitForTemporal(temporalAddress, temporalNamespace, { timeoutMs: 30_000, log });
      await ensureSearchAttributes(temporalAddress, temporalNamespace, { log });
    } else {
      const server = await startTestServer(await cli!, 'jixiao-test');
      stops.push(server.stop);
      temporalAddress = server.address;
      temporalNamespace = 'jixiao-test';
      temporalUiUrl = server.uiUrl;
    }

    mailDir = mkdtempSync(join(tmpdir(), 'jixiao-mail-'));
    // Port 0: the kernel picks, so no race with the ports of other processes.
    const mail = await startMailCatcher({ smtpPort: 0, webPort: 0, dir: mailDir, log });
    stops.push(mail.stop);

    project.provide('temporalAddress', temporalAddress);
    project.provide('temporalNamespace', temporalNamespace);
    project.provide('temporalUiUrl', temporalUiUrl);
    project.provide('temporalTestServer', await testServer);
    project.provide('mailWebUrl', mail.webUrl);
    project.provide('smtpPort', mail.smtpPort);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
