// A move on a task over HTTP as the web inbox makes it (POST /api/tasks/:id/actions): with an
// Idempotency-Key, and after a 503 (the API sheds load: Temporal did not answer within its call
// deadline) the same request again, with the same key, after a growing pause (250 ms doubling, at
// most the Retry-After the API names), so that the decision is made once; the retries are counted.
// The latency counts from the first try.

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Retries {
  /** Requests sent again after a 503. */
  after503: number;
}

export class HttpStatusError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
  }
}

export interface ActOptions {
  apiUrl: string;
  token: string;
  taskId: string;
  body: unknown;
  idempotencyKey: string;
  retries: Retries;
  /** Statuses answered without an error besides 200 (e.g. 403 where a refusal is the point). */
  accept?: number[];
  /** `queued-actions`: the move is queued and answered 202 (api/inbox/queued.ts); default `actions`. */
  route?: 'actions' | 'queued-actions';
  /** Tries in all before a 503 is an error (default 12: about 45 s). */
  attempts?: number;
  signal?: AbortSignal;
}

/** The move's latency from the first try, and the status it was answered with. */
export async function act(o: ActOptions): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const attempts = o.attempts ?? 12;
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    const r = await fetch(`${o.apiUrl}/api/tasks/${encodeURIComponent(o.taskId)}/${o.route ?? 'actions'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', 'idempotency-key': o.idempotencyKey },
      body: JSON.stringify(o.body),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    const body = await r.text();
    if (r.status === (o.route === 'queued-actions' ? 202 : 200) || o.accept?.includes(r.status)) return { ms: performance.now() - t0, status: r.status, body };
    if (r.status !== 503 || attempt >= attempts) throw new HttpStatusError(`task ${o.taskId}${r.status === 503 ? ` after ${attempt} tries` : ''}`, r.status, body);
    o.retries.after503++;
    const retryAfterMs = Number(r.headers.get('retry-after') ?? 5) * 1000 || 5000;
    await sleep(Math.min(retryAfterMs, 250 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2));
  }
}
