// Starts the finance stand-in for a test: in-memory PGlite, seeded, on a free port, with a client.
import pino from 'pino';
import { openDb } from '../../db/index';
import { HttpFinanceClient } from '../../finance/client';
import type { FaultSettings } from '../../finance/faults';
import { startFinanceService, type FinanceService, type StartFinanceOptions } from '../../finance/main';

export interface StandIn extends FinanceService {
  client: HttpFinanceClient;
  /** Raw HTTP against the stand-in, for what the typed client would never send. */
  http(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }>;
  setFaults(f: Partial<FaultSettings>): Promise<void>;
}

export const YEAR = 2026;

export async function startStandIn(opts: Partial<StartFinanceOptions> & { timeoutMs?: number } = {}): Promise<StandIn> {
  const db = await openDb({ schema: 'finance' });
  const svc = await startFinanceService({ port: 0, db, year: YEAR, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }), ...opts });
  const http: StandIn['http'] = async (method, path, body) => {
    const r = await fetch(svc.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text so the assertion shows it
    }
    return { status: r.status, headers: r.headers, body: parsed };
  };
  return {
    ...svc,
    client: new HttpFinanceClient({ baseUrl: svc.url, timeoutMs: opts.timeoutMs ?? 5_000 }),
    http,
    async setFaults(f) {
      const r = await http('PUT', '/admin/faults', f);
      if (r.status !== 200) throw new Error(`set faults: ${r.status} ${JSON.stringify(r.body)}`);
    },
    async stop() {
      await svc.stop();
      await db.close();
    },
  };
}
