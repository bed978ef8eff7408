// Requests and an unreachable Temporal: every Temporal call a request makes gets a deadline of its
// own (callDeadlineMs from the moment it is made; none hangs for the SDK's ~20 s of retries), and
// while the health monitor says the server is away the deadline is now, so the call fails at once.
// Those failures are answered 503 with Retry-After; requests that need only the database (the inbox,
// the audit trail) go on as usual.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Client, Connection } from '@temporalio/client';
import { isTemporalUnavailable, type TemporalHealth } from '../app/temporalHealth';

/** Seconds a client is told to wait (the dev server restarts in a few seconds). */
export const TEMPORAL_RETRY_AFTER_S = 5;
/** Default deadline of one Temporal call made for a request. */
export const TEMPORAL_CALL_DEADLINE_MS = 5_000;
/**
 * An Update's deadline (a decision sent for a request). Longer than a read's: an Update waits for
 * its workflow task, which a busy worker may start seconds late while a round opens; cut off at 5 s,
 * it was answered 503 though it went on and was applied (40–120 retried per run, BENCHMARKS.md
 * 2026-12-03), and a cancelled call can cut the server's write under it (one shard: the shard is
 * re-acquired and its Updates in flight aborted). Below the 30 s of a browser's patience.
 */
export const TEMPORAL_UPDATE_DEADLINE_MS = 20_000;

export function temporalCallDeadlines(temporal: Client, health: TemporalHealth | undefined, callDeadlineMs = TEMPORAL_CALL_DEADLINE_MS): RequestHandler {
  const storage = (temporal.connection as Partial<Connection>).callContextStorage;
  if (!storage) return (_req, _res, next) => next(); // another ConnectionLike: nothing to hook into
  return (_req, _res, next) => {
    // The client reads `deadline` when it makes each call (a getter: per call, not per request);
    // a deadline set inside the route (connection.withDeadline) still wins.
    const store = {
      ...storage.getStore(),
      get deadline() {
        return health && !health.reachable ? Date.now() : Date.now() + callDeadlineMs;
      },
    };
    storage.run(store, next);
  };
}

/**
 * Runs fn (which sends an Update) with the Update's deadline instead of a read's, per call as the
 * request's own; while the request's deadline says the server is away (it is now), it stays now.
 * Outside a request (no deadline set) every call gets the Update's.
 */
export function withUpdateDeadline<T>(temporal: Client, fn: () => Promise<T>, ms = TEMPORAL_UPDATE_DEADLINE_MS): Promise<T> {
  const storage = (temporal.connection as Partial<Connection>).callContextStorage;
  if (!storage) return fn();
  const outer = storage.getStore();
  const store = {
    ...outer,
    get deadline() {
      const d = outer?.deadline;
      const at = d === undefined ? undefined : typeof d === 'number' ? d : d.getTime();
      return at !== undefined && at <= Date.now() ? at : Date.now() + ms;
    },
  };
  return storage.run(store, fn);
}

export function temporalUnavailableHandler(health: TemporalHealth | undefined, log: { warn(o: object, m: string): void }): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (!isTemporalUnavailable(err) || res.headersSent) {
      next(err);
      return;
    }
    const away = health ? !health.reachable : false;
    // while it is away the monitor has said so once; a timeout while it is up is worth a line each
    if (!away) log.warn({ method: req.method, path: req.path, err }, 'Temporal did not answer in time: answered 503');
    res
      .status(503)
      .set('Retry-After', String(TEMPORAL_RETRY_AFTER_S))
      .json({
        error: {
          code: 'TEMPORAL_UNAVAILABLE',
          message: away
            ? `the workflow engine (Temporal) is not reachable at the moment; retry in ${TEMPORAL_RETRY_AFTER_S} s`
            : `the workflow engine (Temporal) did not answer in time; the request may not have been carried out: retry in ${TEMPORAL_RETRY_AFTER_S} s (with the same Idempotency-Key, a decision is made once)`,
        },
      });
  };
}
