// vitest globalSetup: one Temporal server and one mail catcher for the whole run, shared by all
// test files (each worker connects to them), stopped by the teardown whatever the tests did.
//
// The server is @temporalio/testing's local dev server run from the CLI that
// scripts/temporal/install.ts finds or installs (test/helpers/testServer.ts).
//
//   TEMPORAL_TEST_ADDRESS=host:port  reuse that server instead (namespace TEMPORAL_TEST_NAMESPACE,
//                                    default "default"); search attributes are still ensured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startMailCatcher } from '../scripts/mailCatcher';
import { ensureTemporalCli, ensureTimeSkippingServer } from '../scripts/temporal/install';
import { ensureSearchAttributes } from '../scripts/temporal/searchAttributes';
import type { Log } from '../scripts/temporal/util';
import { waitForTemporal } from '../scripts/temporal/wait';
import { startTestServer } from './helpers/testServer';

const log: Log = {
  info: (msg) => process.stderr.write(`[globalSetup] ${msg}\n`),
  warn: (msg) => process.stderr.write(`[globalSetup] ${msg}\n`),
};

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
      const server = await startTestServer(await cli!, 'jixiao-test', log);
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
