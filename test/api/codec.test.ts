// Temporal keeps every activity input and Update answer in the history: payloads of 2 KiB or more
// are stored deflated (app/codec.ts), and the Temporal UI reads them through the API's codec endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { application } from '../helpers/fixtures';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { DEFLATE_ENCODING, DeflateCodec } from '../../app/codec';

let sys: TestSystem;
let preparer: Http;
const code = `CODEC-${Date.now()}`;
let workflowId = '';

type WirePayload = { metadata: Record<string, string>; data: string };
const b64 = (u: Uint8Array | null | undefined): string => Buffer.from(u ?? new Uint8Array()).toString('base64');
const text = (b: string): string => Buffer.from(b, 'base64').toString('utf8');

/** Every payload of an execution's history, as the Temporal UI sends them to the codec. */
async function historyPayloads(client: Client, id: string): Promise<WirePayload[]> {
  const history = await client.workflow.getHandle(id).fetchHistory();
  const out: WirePayload[] = [];
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    const o = x as { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
    if (o.metadata && typeof o.metadata === 'object' && o.metadata.encoding instanceof Uint8Array) {
      out.push({ metadata: Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [k, b64(v)])), data: b64(o.data) });
      return;
    }
    for (const v of Object.values(x)) walk(v);
  };
  walk(history.events);
  return out;
}

beforeAll(async () => {
  sys = await startSystem();
  preparer = await sys.as('u0101-preparer');
  const r = await preparer.post('/api/pre-assessments', application({ projectCode: code }));
  expect(r.status).toBe(201);
  workflowId = r.body.workflowId;
  await eventually(async () => (await preparer.get(`/api/processes?process=preAssessment`)).body.find?.((p: { workflowId: string }) => p.workflowId === workflowId), 'the application in the process list');
});
afterAll(async () => sys?.stop());

describe('payloads in Temporal', () => {
  it("an application's inbox rows are stored deflated, and the codec endpoint gives them back as the JSON the board wrote", async () => {
    const payloads = await eventually(async () => {
      const all = await historyPayloads(sys.deps.temporal, workflowId);
      return all.some((p) => text(p.metadata.encoding) === DEFLATE_ENCODING) ? all : undefined;
    }, 'a deflated payload in the history');
    const deflated = payloads.filter((p) => text(p.metadata.encoding) === DEFLATE_ENCODING);
    // small payloads stay as they were: plain JSON, readable without the codec
    expect(payloads.some((p) => text(p.metadata.encoding) === 'json/plain')).toBe(true);
    expect(deflated.every((p) => !text(p.data).includes(code))).toBe(true);

    const r = await fetch(`${sys.url}/api/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': sys.config.temporal.namespace }, body: JSON.stringify({ payloads: deflated }) });
    expect(r.status).toBe(200);
    const decoded = ((await r.json()) as { payloads: WirePayload[] }).payloads;
    expect(decoded).toHaveLength(deflated.length);
    expect(decoded.every((p) => text(p.metadata.encoding) === 'json/plain')).toBe(true);
    expect(decoded.some((p) => text(p.data).includes(code))).toBe(true);
  });

  it('the codec deflates 2 KiB or more, keeps smaller payloads and reads plain ones as they are (histories from before)', async () => {
    const on = new DeflateCodec();
    const json = (v: unknown) => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(JSON.stringify(v)) });
    const big = json({ rows: Array.from({ length: 100 }, (_, i) => ({ id: `task-${i}`, title: '绩效运行监控表' })) });
    const small = json({ id: 'task-1' });
    const [packed, kept] = await on.encode([big, small]);
    expect(text(b64(packed.metadata?.encoding))).toBe(DEFLATE_ENCODING);
    expect(packed.data!.length).toBeLessThan(big.data.length / 4);
    expect(kept).toBe(small);
    const [back, plain] = await on.decode([packed, big]);
    expect(Buffer.from(back.data!).equals(Buffer.from(big.data))).toBe(true);
    expect(plain).toBe(big);
    // TEMPORAL_COMPRESS_PAYLOADS=0: written plain, still read either way
    const off = new DeflateCodec(false);
    expect((await off.encode([big]))[0]).toBe(big);
    expect(Buffer.from((await off.decode([packed]))[0].data!).equals(Buffer.from(big.data))).toBe(true);
  });

  it('the codec endpoint refuses what is not base64 with the field, and answers the Temporal UI’s origin only', async () => {
    const bad = await fetch(`${sys.url}/api/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payloads: [{ metadata: { encoding: '***' }, data: '' }] }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('payloads');
    const ui = `http://localhost:${sys.config.temporal.uiPort}`;
    const pre = await fetch(`${sys.url}/api/codec/decode`, { method: 'OPTIONS', headers: { origin: ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(ui);
    const other = await fetch(`${sys.url}/api/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
