// Payloads of 2 KiB or more travel and are stored deflated: a board's projection batches, a batch's
// projects, an Update's answer with its inbox rows. Temporal keeps every activity input in the
// history, and its work grows with the bytes (a quick round, 2026-12-03: the batches' histories 9.0 →
// 1.1 MiB, the server's CPU per form −20%). Smaller payloads, and any payload without this encoding,
// pass through unchanged, so histories written before (or by a client without the codec) decode.
// The Temporal UI reads them through the API's codec endpoint (api/codec.ts).
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import protoModule from '@temporalio/proto';

const { Payload: PayloadProto } = protoModule.temporal.api.common.v1;
export const DEFLATE_ENCODING = 'binary/deflate';
const MIN_BYTES = 2048;
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class DeflateCodec implements PayloadCodec {
  /** compress: false decodes only (a client that must write plain payloads for another tool). */
  constructor(private readonly compress = true) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (!this.compress) return payloads;
    return Promise.all(
      payloads.map(async (p) => {
        if (!p.data || p.data.length < MIN_BYTES) return p;
        // level 1: most of the gain (JSON of forms and rows) for a fraction of the CPU
        const packed = await deflate(PayloadProto.encode(p).finish(), { level: 1 });
        return { metadata: { encoding: utf8.encode(DEFLATE_ENCODING) }, data: packed };
      }),
    );
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (p) => {
        const enc = p.metadata?.encoding;
        if (!enc || !p.data || fromUtf8.decode(enc) !== DEFLATE_ENCODING) return p;
        return PayloadProto.decode(await inflate(p.data)) as Payload;
      }),
    );
  }
}

/** The data converter of every jixiao client and worker. */
export const dataConverter = (compress = true): DataConverter => ({ payloadCodecs: [new DeflateCodec(compress)] });
