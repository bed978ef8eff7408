// While Temporal is unreachable the API says so at once: 503 with Retry-After for what needs it
// (submitting an application starts its process in Temporal), the inbox (SQL) keeps answering, and
// once the server is back applications go through again. Before, such a request waited out the
// client's ~20 s of retries and ended as a 500. The real API and worker, against a Temporal dev
// server of this test's own, killed with SIGKILL.
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer, type DevServer, type Log } from '../../scripts/temporal';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const quiet: Log = { info: () => undefined, warn: () => undefined };
let server: DevServer | undefined;
let sys: TestSystem | undefined;

afterAll(async () => {
  await sys?.stop();
  await server?.stop();
});

describe('the API while Temporal is unreachable', () => {
  it('answers 503 with Retry-After at once, keeps the inbox open, and takes applications again when Temporal is back', async () => {
    const port = await freePort();
    const start = () => startDevServer({ port, uiPort: 0, headless: true, namespace: 'jixiao-outage', log: quiet });
    server = await start();
    sys = await startSystem({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'jixiao-outage' });
    const preparer = await sys.as('u0101-preparer');
    expect((await preparer.post('/api/pre-assessments', application())).status).toBe(201);

    process.kill(server.pid, 'SIGKILL');
    await server.exited;
    await new Promise((r) => setTimeout(r, 1_500)); // "within a second or two"

    const t0 = Date.now();
    const r = await fetch(`${sys.url}/api/pre-assessments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${preparer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(application()),
      signal: AbortSignal.timeout(5_000),
    }).catch((e: Error) => e);
    const ms = Date.now() - t0;
    if (r instanceof Error) throw new Error(`no answer within ${ms} ms: ${r.message}`);
    expect(r.status).toBe(503);
    expect(ms, 'ms the answer took').toBeLessThan(1_000);
    expect(r.headers.get('retry-after')).toBe('5');
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('TEMPORAL_UNAVAILABLE');
    expect(body.error.message).toMatch(/Temporal.*not reachable.*retry in 5 s/);

    expect((await preparer.get('/api/tasks')).status).toBe(200);
    expect(await (await fetch(`${sys.url}/healthz`)).json()).toMatchObject({ ok: true, temporal: 'unreachable' });

    server = await start();
    await eventually(async () => (await preparer.post('/api/pre-assessments', application())).status === 201, 'an application accepted again', 30_000);
  });
});
