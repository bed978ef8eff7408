// Waiting until a Temporal server answers and has a namespace (npm start, the standalone API and
// worker, the tests against TEMPORAL_TEST_ADDRESS).
import { Connection } from '@temporalio/client';
import type { TemporalConnectionOptions } from '../../app/temporalConnection';
import { defaultLog, errText, sleep, type Log } from './util';

/** An address string, or full options (TLS, API key) for an external server. */
export type TemporalTarget = string | TemporalConnectionOptions;
export const toOptions = (t: TemporalTarget): TemporalConnectionOptions => (typeof t === 'string' ? { address: t } : t);

/**
 * Waits until the server at `target` answers and has `namespace`. Logs one line while waiting
 * (no stack traces); throws a one-line Error after `timeoutMs` or when `signal` aborts.
 */
export async function waitForTemporal(
  target: TemporalTarget,
  namespace: string,
  opts: { timeoutMs?: number; log?: Log; signal?: AbortSignal } = {},
): Promise<void> {
  const { timeoutMs = 30_000, log = defaultLog, signal } = opts;
  const options = toOptions(target);
  const start = Date.now();
  let lastError = 'no answer';
  let lastLogged = 0;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
    let connection: Connection | undefined;
    try {
      // No retry interceptor: one quick try per loop, so this loop owns the pacing.
      const remaining = Math.max(250, timeoutMs - (Date.now() - start));
      connection = await Connection.connect({ ...options, connectTimeout: Math.min(2_000, remaining), interceptors: [] });
      await connection.withDeadline(Date.now() + 5_000, () =>
        connection!.workflowService.describeNamespace({ namespace }),
      );
      if (attempt > 0) log.info(`Temporal at ${options.address} is up (${((Date.now() - start) / 1000).toFixed(1)} s)`);
      return;
    } catch (err) {
      const code = (err as { code?: number }).code;
      lastError = code === 5 ? `namespace "${namespace}" does not exist` : errText(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    const elapsed = Date.now() - start;
    if (elapsed >= timeoutMs) {
      throw new Error(
        `Temporal at ${options.address} (namespace ${namespace}) did not answer within ${Math.round(timeoutMs / 1000)} s: ${lastError}`,
      );
    }
    if (attempt === 0 || Date.now() - lastLogged > 10_000) {
      // The first miss right after spawning a server is expected: say so at most every 10 s.
      if (attempt > 0 || !signal) log.info(`waiting for Temporal at ${options.address}… (${lastError})`);
      lastLogged = Date.now();
    }
    await sleep(Math.min(250 * 2 ** Math.min(attempt, 3), 2_000));
  }
}
