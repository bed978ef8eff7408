// Builds the real system for a test file: a fresh in-memory database, a worker on its own task
// queue against the run's Temporal server, the HTTP app on a free port, mail to the run's catcher.
import { inject } from 'vitest';
import pino from 'pino';
import type { ProcessManifest } from '../../contracts/manifest.zod';
import { loadProcessRoutes } from '../../api/processes';
import { testTemporal, uniqueTaskQueue } from './temporal';
import { loadConfig, type Config } from '../../config';
import { buildDeps, openProductDb, type Deps } from '../../app/deps';
import { startWorker, type RunningWorker } from '../../worker/worker';
import { startApi, type RunningApi } from '../../api/server';
import type { StartFinanceOptions } from '../../finance/main';
import { startStandIn, type StandIn } from '../finance/standIn';

export interface TestSystem {
  config: Config;
  deps: Deps;
  worker: RunningWorker;
  api: RunningApi;
  url: string;
  /** Logs in as a demo user and returns an authorised fetch helper. */
  as(userId: string): Promise<Http>;
  stop(): Promise<void>;
}

export interface Http {
  token: string;
  get<T = any>(path: string): Promise<Res<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Res<T>>;
  put<T = any>(path: string, body?: unknown): Promise<Res<T>>;
  del<T = any>(path: string): Promise<Res<T>>;
}
export interface Res<T> {
  status: number;
  body: T;
}

export interface SystemOptions {
  /** The processes it runs, in the worker and the API (default: the registry's). */
  processes?: readonly ProcessManifest[];
}

export async function startSystem(env: Record<string, string> = {}, { processes }: SystemOptions = {}): Promise<TestSystem> {
  const { address, namespace } = testTemporal();
  const config = loadConfig({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TASK_QUEUE: uniqueTaskQueue('system'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(inject('smtpPort')),
    LOG_LEVEL: 'warn',
    // one worker per test file: bundling in-process saves the child's start (production bundles in a child, worker/bundle.ts)
    WORKFLOW_BUNDLE: 'inline',
    ...env,
  } as NodeJS.ProcessEnv);
  // no finance stand-in runs unless a test starts one and passes FINANCE_URL: then no project library entries
  if (!env.FINANCE_URL) config.region.preAssessment.projectLibrary = false;
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  // in memory: no data directory
  const db = await openProductDb({ ...config, db: { url: config.db.url, dataDir: '' } }, log);
  const deps = await buildDeps(config, { log, db });
  const api = await startApi(deps, 0, '127.0.0.1', { processes: processes && (await loadProcessRoutes(processes)) });
  config.api.publicUrl = api.url; // before the worker: its mails link to this API
  const worker = await startWorker(deps, {}, { processes });
  const url = api.url;
  const sys: TestSystem = {
    config,
    deps,
    worker,
    api,
    url,
    async as(userId) {
      const r = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      if (r.status !== 200) throw new Error(`login ${userId}: ${r.status} ${await r.text()}`);
      const { token } = (await r.json()) as { token: string };
      return client(url, token);
    },
    async stop() {
      await api.close();
      await sys.worker.shutdown(); // the current one: a test may have replaced it (restart)
      await deps.close();
      await db.close();
    },
  };
  return sys;
}

/** A test file's system beside the finance stand-in, as the files that record replay histories start it. */
export interface RecordingEnv {
  fin: StandIn;
  sys: TestSystem;
  /** This run records histories (the file's flag is set): payloads are written plain. */
  recording: boolean;
  /** Stops the system, then the stand-in (either may be missing when the set-up failed half-way). */
  stop(): Promise<void>;
}

export interface RecordingEnvOptions {
  /** The region profile (REGION). */
  region: string;
  /** The environment variable that makes this file record histories (e.g. RECORD_MONITORING). */
  recordFlag: string;
  /** The finance stand-in's options (its scale, seed, year). */
  standIn?: Partial<StartFinanceOptions>;
  /** More of the system's environment. */
  env?: Record<string, string>;
  processes?: SystemOptions['processes'];
}

/**
 * The finance stand-in, then the system against it (FINANCE_URL); with the file's record flag set,
 * Temporal payloads are written plain (TEMPORAL_COMPRESS_PAYLOADS=0), so a recorded history replays
 * with the payload codec or without it.
 */
export async function recordingEnv({ region, recordFlag, standIn, env = {}, processes }: RecordingEnvOptions): Promise<RecordingEnv> {
  const recording = !!process.env[recordFlag];
  const out: Partial<RecordingEnv> = { recording };
  const stop = async () => {
    await out.sys?.stop();
    await out.fin?.stop();
  };
  try {
    out.fin = await startStandIn(standIn);
    out.sys = await startSystem({ FINANCE_URL: out.fin.url, REGION: region, ...(recording ? { TEMPORAL_COMPRESS_PAYLOADS: '0' } : {}), ...env }, { processes });
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { fin: out.fin, sys: out.sys, recording, stop };
}

export function client(url: string, token: string): Http {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<any>> => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed };
  };
  return {
    token,
    get: (p) => call('GET', p),
    post: (p, b, h) => call('POST', p, b ?? {}, h),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
  };
}

/** Polls until fn returns a truthy value (the inbox is a projection: eventually consistent). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
