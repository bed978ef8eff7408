// Runs one part (API or worker) as a process of its own, as production does: configuration checked,
// Temporal awaited with a clear line instead of a stack trace, dependencies built, clean stop on signals.
import { ConfigError, loadConfig } from '../config';
import { waitForTemporal } from '../scripts/temporal/wait';
import { buildDeps, createLogger, type Deps } from './deps';
import { connectionOptions } from './temporalConnection';

export interface Running {
  stop(): Promise<void>;
  /** Resolves when the part ends by itself (the worker); the process then exits. */
  done?: Promise<void>;
}

export async function runStandalone(name: string, start: (deps: Deps) => Promise<Running>): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config, name);
  let deps: Deps | undefined;
  let part: Running;
  try {
    await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 300_000, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
    deps = await buildDeps(config, { log });
    part = await start(deps);
  } catch (e) {
    // a clear line (Temporal not there, port taken, …), exit 1: the process manager decides what next
    log.fatal(`${name} did not start: ${(e as Error).message}`);
    await deps?.close().catch(() => undefined);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    await part.stop();
    await deps?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // A part that ends by itself (the worker after a fatal error) takes the process with it, exit 1,
  // instead of leaving a process that looks alive and does nothing.
  const ended = await part.done?.then(
    () => 'ended',
    (e: unknown) => `failed: ${(e as Error)?.message ?? String(e)}`,
  );
  if (ended !== undefined && !stopping) {
    log.fatal(`${name} ${ended}: exiting`);
    await deps?.close().catch(() => undefined);
    process.exit(1);
  }
}
