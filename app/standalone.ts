// Runs one part (API or worker) as a process of its own, as production does: configuration checked,
// Temporal awaited with a clear line instead of a stack trace, dependencies built, clean stop on signals.
import { ConfigError, loadConfig } from '../config';
import { waitForTemporal } from '../scripts/temporal';
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
  await waitForTemporal(connectionOptions(config.temporal), config.temporal.namespace, { timeoutMs: 300_000, log: { info: (m) => log.info(m), warn: (m) => log.warn(m) } });
  const deps = await buildDeps(config, { log });
  const part = await start(deps);
  const stop = async (): Promise<void> => {
    await part.stop();
    await deps.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await part.done;
}
