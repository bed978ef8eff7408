// Is Temporal reachable right now? A small monitor asks the server's gRPC health service about once
// a second, on a connection of its own without the client's retries (the SDK's default retries an
// unreachable server for ~20 s; here a refused connection is known in milliseconds). The API
// consults it so that requests needing Temporal are answered 503 with Retry-After at once while the
// server is away, instead of a 500 after 20 s (api/temporalGuard.ts).
import { Connection, WorkflowUpdateRPCTimeoutOrCancelledError, type ConnectionOptions } from '@temporalio/client';
import type { TemporalConnectionOptions } from './temporalConnection';

export interface TemporalHealth {
  /** False from the moment the server stops answering until it answers again. */
  readonly reachable: boolean;
  /** Why the last check failed, when it did. */
  readonly lastError: string | undefined;
  /** Checks now (also done every intervalMs); resolves with the new state. */
  check(): Promise<boolean>;
  close(): Promise<void>;
}

export interface TemporalHealthOptions {
  /** Between checks; default 1 s. */
  intervalMs?: number;
  /** Deadline of one check; default 2 s. Two slow checks in a row count as unreachable. */
  timeoutMs?: number;
  log?: { info(msg: string): void; warn(msg: string): void };
}

const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;
const CANCELLED = 1;
const RESOURCE_EXHAUSTED = 8;
const FAILED_PRECONDITION = 9;
const ABORTED = 10;
const SERVING = 1;

/** Starts watching the Temporal frontend at `target`; the first check runs at once. */
export function monitorTemporal(target: TemporalConnectionOptions, opts: TemporalHealthOptions = {}): TemporalHealth {
  const intervalMs = opts.intervalMs ?? 1_000;
  const timeoutMs = opts.timeoutMs ?? 2_000;
  // interceptors: [] — no retry interceptor: a check answers for this moment, not for the next 20 s
  const connection = Connection.lazy({ ...(target as ConnectionOptions), interceptors: [] });
  let reachable = true;
  let lastError: string | undefined;
  let slow = 0;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;

  const probe = async (): Promise<{ ok: true } | { ok: false; code?: number; message: string }> => {
    try {
      const res = await connection.withDeadline(Date.now() + timeoutMs, () => connection.healthService.check({}));
      const status = (res as { status?: unknown }).status;
      if (status === SERVING || status === 'SERVING') return { ok: true };
      return { ok: false, message: `health status ${String(status)}` };
    } catch (e) {
      const err = e as { code?: number; details?: string; message?: string };
      return { ok: false, code: err.code, message: err.details || err.message || String(e) };
    }
  };

  const set = (up: boolean, why?: string) => {
    lastError = up ? undefined : why;
    if (up === reachable) return;
    reachable = up;
    if (up) opts.log?.info(`Temporal at ${target.address} answers again`);
    else opts.log?.warn(`Temporal at ${target.address} is unreachable (${why}): requests that need it are answered 503 until it is back`);
  };

  const checkOnce = async (): Promise<boolean> => {
    let r = await probe();
    if (!r.ok && r.code === UNAVAILABLE) {
      // a refused or reset connection is clear, but one blip (a connection the server just closed) is not
      await new Promise((resolve) => setTimeout(resolve, 100));
      r = await probe();
    }
    if (r.ok) {
      slow = 0;
      set(true);
    } else if (r.code === DEADLINE_EXCEEDED && ++slow < 2) {
      lastError = r.message; // one slow answer on a busy machine: not yet
    } else {
      set(false, r.message);
    }
    return reachable;
  };

  const check = (): Promise<boolean> => (running ??= checkOnce().finally(() => (running = undefined)));

  const loop = async () => {
    await check();
    if (!closed) {
      timer = setTimeout(() => void loop(), intervalMs);
      timer.unref();
    }
  };
  void loop();

  return {
    get reachable() {
      return reachable;
    },
    get lastError() {
      return lastError;
    },
    check,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

/**
 * True when `err` (or an error it wraps) says Temporal could not be reached, did not answer in time
 * or could not take the call now: gRPC UNAVAILABLE (refused, reset), DEADLINE_EXCEEDED, CANCELLED,
 * RESOURCE_EXHAUSTED (overloaded), ABORTED, and an Update the server aborted because the workflow
 * task it was in failed under load (FAILED_PRECONDITION, "not ready" / "aborted" / "Workflow Task in
 * failed state", seen as 17 HTTP 500s of 600 form submissions at 2026-12-02 23:49), as the client
 * throws them itself or inside its ServiceError, and an Update whose call timed out. All of these
 * leave the outcome for a retry: the same request again (an Update's id) is answered once.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    const g = e as { code?: unknown; details?: unknown; metadata?: unknown };
    const grpcError = typeof g.details === 'string' && typeof g.metadata === 'object' && g.metadata !== null;
    if (!grpcError) continue;
    if (g.code === UNAVAILABLE || g.code === DEADLINE_EXCEEDED || g.code === CANCELLED || g.code === RESOURCE_EXHAUSTED || g.code === ABORTED) return true;
    // "…due to Workflow Task in failed state": the execution's last workflow task failed (e.g. the
    // server refused a continue-as-new because an Update arrived meanwhile) and is being retried;
    // "no poller seen for task queue recently": a query while no worker polls (being restarted)
    if (g.code === FAILED_PRECONDITION && /not ready|abort|workflow task in failed state|no poller/i.test(String(g.details))) return true;
  }
  return false;
}
