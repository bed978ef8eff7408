// A decision's Update waits longer than a read (20 s, not 5 s) while the server is up, and fails at
// once like every call while the health monitor says it is away: the deadline each call reads from
// the client's call context (api/temporalGuard.ts), on the SDK's own Connection.
import { Client, Connection } from '@temporalio/client';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_CALL_DEADLINE_MS, TEMPORAL_UPDATE_DEADLINE_MS, temporalCallDeadlines, withUpdateDeadline } from '../../api/temporalGuard';
import type { TemporalHealth } from '../../app/temporalHealth';

const connection = Connection.lazy({ address: '127.0.0.1:1' });
const client = new Client({ connection });
const storage = connection.callContextStorage;
const deadlineNow = (): number => {
  const d = storage.getStore()?.deadline;
  return d === undefined ? NaN : (typeof d === 'number' ? d : d.getTime()) - Date.now();
};

/** Runs fn inside the API's per-request middleware, as a route does. */
function inRequest<T>(health: Pick<TemporalHealth, 'reachable'>, fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    temporalCallDeadlines(client, health as TemporalHealth)({} as Request, {} as Response, () => void fn().then(resolve, reject));
  });
}

describe('the deadline of a decision sent to Temporal', () => {
  it('a read made for a request gets 5 s; an Update in the same request gets 20 s', async () => {
    const [read, update] = await inRequest({ reachable: true }, async () => [deadlineNow(), await withUpdateDeadline(client, async () => deadlineNow())]);
    expect(read).toBeGreaterThan(TEMPORAL_CALL_DEADLINE_MS - 1_000);
    expect(read).toBeLessThanOrEqual(TEMPORAL_CALL_DEADLINE_MS);
    expect(update).toBeGreaterThan(TEMPORAL_UPDATE_DEADLINE_MS - 1_000);
    expect(update).toBeLessThanOrEqual(TEMPORAL_UPDATE_DEADLINE_MS);
  });

  it('while the server is away the Update fails at once, as a read does (no 20 s wait)', async () => {
    const update = await inRequest({ reachable: false }, () => withUpdateDeadline(client, async () => deadlineNow()));
    expect(update).toBeLessThanOrEqual(0);
  });

  it('outside a request (the dispatcher, a script) the Update gets its own deadline', async () => {
    expect(await withUpdateDeadline(client, async () => deadlineNow(), 7_000)).toBeGreaterThan(6_000);
  });
});
