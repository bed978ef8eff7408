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
