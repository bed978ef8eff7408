// Fault injection for the stand-in, switchable at run time through PUT /admin/faults.
// Faults hit /v1 only. Half the injected 5xx and every timeout strike *after* the request was
// applied, the nasty case where the caller cannot know it succeeded: only idempotency saves it.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { IsoDateTime } from '../contracts/common.zod';
import type { ErrorBody } from '../contracts/finance/finance.zod';

export const FaultSettings = z.strictObject({
  /** Added to every request. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of requests answered 5xx. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of requests that hang past the client's timeout (then the connection is dropped). */
  timeoutRate: z.number().min(0).max(1).default(0),
  /** Refuse everything with 503 until then. */
  maintenanceUntil: IsoDateTime.nullable().default(null),
  hangMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Switch faults off by themselves after this many injected (null: no limit); makes a test deterministic. */
  maxFaults: z.number().int().positive().nullable().default(null),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export interface FaultCounts {
  errorsBefore: number;
  errorsAfter: number;
  timeouts: number;
  maintenance: number;
}

const unavailable = (message: string): ErrorBody => ({ error: { code: 'UNAVAILABLE', message } });

export class Faults {
  settings: FaultSettings = FaultSettings.parse({});
  counts: FaultCounts = { errorsBefore: 0, errorsAfter: 0, timeouts: 0, maintenance: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private injected = 0;

  constructor(private readonly random: () => number = Math.random) {}

  set(s: FaultSettings): void {
    this.settings = s;
    this.injected = 0;
  }

  /** Clears pending hangs (on shutdown). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private count(kind: keyof FaultCounts): void {
    this.counts[kind]++;
    if (this.settings.maxFaults !== null && ++this.injected >= this.settings.maxFaults) this.set(FaultSettings.parse({}));
  }

  middleware = async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const s = this.settings;
    if (s.maintenanceUntil && Date.parse(s.maintenanceUntil) > Date.now()) {
      this.count('maintenance');
      const retryAfter = Math.ceil((Date.parse(s.maintenanceUntil) - Date.now()) / 1000);
      res.status(503).set('Retry-After', String(retryAfter)).json(unavailable(`maintenance until ${s.maintenanceUntil}`));
      return;
    }
    if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs));
    const roll = this.random();
    if (roll < s.errorRate) {
      if (this.random() < 0.5) {
        this.count('errorsBefore');
        res.status(this.random() < 0.5 ? 500 : 503).json(unavailable('injected fault'));
        return;
      }
      this.count('errorsAfter');
      const send = res.json.bind(res);
      res.json = () => {
        res.status(500);
        return send(unavailable('injected fault after processing'));
      };
    } else if (roll < s.errorRate + s.timeoutRate) {
      this.count('timeouts');
      res.json = () => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          res.socket?.destroy();
        }, s.hangMs);
        this.timers.add(t);
        return res;
      };
    }
    next();
  };
}
