// All configuration, validated once at start-up. A wrong value stops the start with the variable's name.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { regionProfile, type RegionProfile } from './regions';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const host = z.string().refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), 'expected a host name or an IP address, e.g. 0.0.0.0 for every interface');

/** Signs demo tokens in development only: it is in the source, so anyone can forge tokens with it. */
export const DEV_JWT_SECRET = 'jixiao-dev-secret-change-me-please';
/** Outside development a JWT_SECRET needs at least this many bytes (HS256: a 256-bit key). */
export const MIN_SECRET_BYTES = 32;

const EnvSchema = z.object({
  JIXIAO_DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.url().optional(),
  FINANCE_DATABASE_URL: z.url().optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('jixiao'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TASK_QUEUE: z.string().min(1).default('jixiao'),
  /** Payloads of 2 KiB or more deflated (app/codec.ts); 0: written plain, still read either way. */
  TEMPORAL_COMPRESS_PAYLOADS: bool.default(true),
  /** Origins of a Temporal UI of your own (comma list) that may call the API's codec endpoint. */
  TEMPORAL_UI_ORIGIN: z.string().default(''),
  /** The task queues this worker process polls: `all`, or a comma list of `main` and processes' own queues (e.g. `warning`). */
  WORKER_QUEUES: z
    .string()
    .regex(/^(all|[a-zA-Z]+(,[a-zA-Z]+)*)$/, 'all, or a comma list such as main,warning')
    .default('all'),
  /** Where the workflow bundle is built: `child`, a short-lived process (the worker never holds webpack's memory), or `inline`. */
  WORKFLOW_BUNDLE: z.enum(['child', 'inline']).default('child'),
  API_PORT: port.default(3000),
  API_HOST: host.default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  FINANCE_PORT: port.default(3100),
  FINANCE_URL: z.url().optional(),
  FINANCE_DEMO_SCALE: z.enum(['demo', 'province']).default('demo'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: port.default(1025),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  MAIL_FROM: z.string().default('jixiao 绩效 <noreply@jixiao.local>'),
  MAIL_CATCHER: bool.optional(),
  MAIL_WEB_PORT: port.default(1080),
  JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_JWKS_URL: z.url().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  DEMO_USERS: bool.default(true),
  REGION: z.string().default('inner-mongolia'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  RECONCILE_EVERY_MINUTES: z.coerce.number().min(0).max(1440).default(15),
}).superRefine((e, ctx) => {
  // without both, a token the identity provider issued to any other application would pass
  if (e.OIDC_JWKS_URL) {
    for (const k of ['OIDC_ISSUER', 'OIDC_AUDIENCE'] as const) {
      if (!e[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'required when OIDC_JWKS_URL is set' });
    }
  }
  // outside development a token forged with the secret from the source must not open the API
  const outside = outsideDevelopment(e);
  if (outside) {
    const secret = e.JWT_SECRET;
    const why = `outside development (${outside})`;
    if (secret === undefined) {
      // with OIDC only the identity provider's tokens are accepted: the secret signs nothing
      if (!e.OIDC_JWKS_URL) ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: `required ${why}: at least ${MIN_SECRET_BYTES} random bytes (or OIDC_JWKS_URL)` });
    } else if (secret === DEV_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: `${why} the development secret from the source is refused: anyone could sign tokens with it` });
    } else if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: `at least ${MIN_SECRET_BYTES} bytes ${why}` });
    }
  }
});

/** Why this is not development (NODE_ENV other than development/test, or no demo users), or null. */
function outsideDevelopment(e: { NODE_ENV?: string; DEMO_USERS: boolean }): string | null {
  if (e.NODE_ENV && e.NODE_ENV !== 'development' && e.NODE_ENV !== 'test') return `NODE_ENV=${e.NODE_ENV}`;
  if (!e.DEMO_USERS) return 'DEMO_USERS=false';
  return null;
}

export interface Config {
  dataDir: string;
  db: { url?: string; dataDir: string };
  financeDb: { url?: string; dataDir: string };
  temporal: {
    /** Address to connect to; undefined means "start the embedded dev server". */
    external?: string;
    address: string;
    namespace: string;
    apiKey?: string;
    tls: boolean;
    tlsCert?: string;
    tlsKey?: string;
    port: number;
    uiPort: number;
    taskQueue: string;
    /** The queues a worker process polls (`WORKER_QUEUES`): 'all', or 'main' and/or processes' own queues. */
    workerQueues: 'all' | string[];
    /** Where the workflow bundle is built (`WORKFLOW_BUNDLE`): a child process, or in the worker's own. */
    bundle: 'child' | 'inline';
    /** Payloads of 2 KiB or more deflated (TEMPORAL_COMPRESS_PAYLOADS); plain ones are read either way. */
    compressPayloads: boolean;
    /** Origins of other Temporal UIs allowed to call /api/codec (TEMPORAL_UI_ORIGIN). */
    uiOrigins: string[];
  };
  /** host: the address the API listens on (127.0.0.1 unless API_HOST says otherwise). */
  api: { port: number; host: string; publicUrl: string };
  finance: { port: number; url: string; scale: 'demo' | 'province'; embedded: boolean };
  mail: {
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    pass?: string;
    from: string;
    catcher: boolean;
    webPort: number;
  };
  auth: { jwtSecret: string; oidcIssuer?: string; oidcJwksUrl?: string; oidcAudience?: string; demoUsers: boolean };
  region: RegionProfile;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** The worker's drift check: the inbox compared with Temporal and corrected this often (0: off). */
  reconcile: { everyMs: number };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let region: RegionProfile;
  try {
    region = regionProfile(e.REGION);
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  REGION: ${(err as Error).message}`);
  }
  const dataDir = resolve(e.JIXIAO_DATA_DIR);
  const smtpLocal = e.SMTP_HOST === '127.0.0.1' || e.SMTP_HOST === 'localhost';
  return {
    dataDir,
    db: { url: e.DATABASE_URL, dataDir: resolve(dataDir, 'pglite') },
    financeDb: { url: e.FINANCE_DATABASE_URL ?? e.DATABASE_URL, dataDir: resolve(dataDir, 'finance-pglite') },
    temporal: {
      external: e.TEMPORAL_ADDRESS,
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS || !!e.TEMPORAL_API_KEY,
      tlsCert: e.TEMPORAL_TLS_CERT,
      tlsKey: e.TEMPORAL_TLS_KEY,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      taskQueue: e.TASK_QUEUE,
      workerQueues: e.WORKER_QUEUES === 'all' ? 'all' : e.WORKER_QUEUES.split(','),
      bundle: e.WORKFLOW_BUNDLE,
      compressPayloads: e.TEMPORAL_COMPRESS_PAYLOADS,
      uiOrigins: e.TEMPORAL_UI_ORIGIN.split(',').map((o) => o.trim()).filter(Boolean),
    },
    api: { port: e.API_PORT, host: e.API_HOST, publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.API_PORT}`).replace(/\/$/, '') },
    finance: {
      port: e.FINANCE_PORT,
      url: (e.FINANCE_URL ?? `http://127.0.0.1:${e.FINANCE_PORT}`).replace(/\/$/, ''),
      scale: e.FINANCE_DEMO_SCALE,
      embedded: !e.FINANCE_URL,
    },
    mail: {
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      user: e.SMTP_USER,
      pass: e.SMTP_PASS,
      from: e.MAIL_FROM,
      catcher: e.MAIL_CATCHER ?? smtpLocal,
      webPort: e.MAIL_WEB_PORT,
    },
    auth: {
      // outside development without a secret only OIDC is possible (checked above): sign nothing known
      jwtSecret: e.JWT_SECRET ?? (outsideDevelopment(e) ? randomBytes(MIN_SECRET_BYTES).toString('base64url') : DEV_JWT_SECRET),
      oidcIssuer: e.OIDC_ISSUER,
      oidcJwksUrl: e.OIDC_JWKS_URL,
      oidcAudience: e.OIDC_AUDIENCE,
      demoUsers: e.DEMO_USERS,
    },
    region,
    logLevel: e.LOG_LEVEL,
    reconcile: { everyMs: e.RECONCILE_EVERY_MINUTES * 60_000 },
  };
}
