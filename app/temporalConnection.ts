// Connection options for Temporal, shared by the client (`Connection.connect`) and the worker
// (`NativeConnection.connect`): address, TLS (plain or mTLS from cert/key files), API key, metadata.
import { readFileSync } from 'node:fs';
import type { Config } from '../config/index';

/** TLS settings accepted by both @temporalio/client and @temporalio/worker. */
export interface TemporalTlsConfig {
  serverNameOverride?: string;
  serverRootCACertificate?: Uint8Array;
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

/**
 * The subset of options both `ConnectionOptions` (client) and `NativeConnectionOptions` (worker)
 * accept with the same meaning, so one value can be passed to either.
 */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TemporalTlsConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

export type TemporalConnectionConfig = Pick<
  Config['temporal'],
  'address' | 'apiKey' | 'tls' | 'tlsCert' | 'tlsKey'
>;

/**
 * Build connection options from `config.temporal`.
 * - `TEMPORAL_TLS_CERT` + `TEMPORAL_TLS_KEY` (file paths): mTLS with that client certificate.
 * - `TEMPORAL_TLS=true` or an API key: TLS with the system's trusted roots.
 * - otherwise plain text (the embedded dev server).
 */
export function connectionOptions(
  temporal: TemporalConnectionConfig,
  extra: { metadata?: Record<string, string> } = {},
): TemporalConnectionOptions {
  const opts: TemporalConnectionOptions = { address: temporal.address };
  if (!!temporal.tlsCert !== !!temporal.tlsKey) {
    throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (client certificate and its key)');
  }
  if (temporal.tlsCert && temporal.tlsKey) {
    opts.tls = {
      clientCertPair: { crt: readPem(temporal.tlsCert, 'TEMPORAL_TLS_CERT'), key: readPem(temporal.tlsKey, 'TEMPORAL_TLS_KEY') },
    };
  } else if (temporal.tls || temporal.apiKey) {
    opts.tls = true;
  }
  if (temporal.apiKey) opts.apiKey = temporal.apiKey;
  if (extra.metadata && Object.keys(extra.metadata).length > 0) opts.metadata = { ...extra.metadata };
  return opts;
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
