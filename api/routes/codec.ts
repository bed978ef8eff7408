// The codec endpoint of the Temporal UI and CLI (Temporal's remote codec protocol): payloads the
// product deflated (app/codec.ts) are shown as their JSON. Deflate is no secret (anyone holding a
// payload can inflate it), so the endpoint needs no login; the browser reaches it from the Temporal
// UI's origin only (CORS), with the dev server started with --ui-codec-endpoint pointing here.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { DeflateCodec } from '../../app/codec';
import type { Api } from '../http';

const base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Payloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string().max(200), base64).optional(), data: base64.optional() })).max(1000),
});
type Wire = z.infer<typeof Payloads>['payloads'][number];

const toPayload = (p: Wire) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): Wire => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecRoutes<Ctx>(api: Api<Ctx>): void {
  const codec = new DeflateCodec();
  for (const [action, run] of [['decode', (ps: Wire[]) => codec.decode(ps.map(toPayload))], ['encode', (ps: Wire[]) => codec.encode(ps.map(toPayload))]] as const) {
    api.route({
      method: 'post',
      path: `/api/codec/${action}`,
      summary: `Temporal's remote codec: ${action === 'decode' ? 'inflates the payloads jixiao deflated, for the Temporal UI and CLI' : 'deflates payloads as jixiao writes them'}`,
      tags: ['temporal'],
      auth: false,
      body: Payloads,
      response: Payloads,
      handler: async ({ body }) => ({ payloads: (await run(body.payloads)).map(toWire) }),
    });
  }
}

/** CORS for the codec endpoint: the Temporal UI's origins may call it (with its X-Namespace header). */
export function codecCors(origins: string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  };
}
