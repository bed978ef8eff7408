// The HTTP app, built from its parts so tests build it against a real Temporal server and database.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from '../db';
import type { TemporalHealth } from '../app/temporalHealth';
import { createAuth, type User } from './auth';
import { createApi, errorHandler, HttpError, openApiDocument } from './http';
import { directoryRoutes } from './routes/directory';
import { oversightRoutes } from './routes/oversight';
import { codecCors, codecRoutes } from './routes/codec';
import { PROCESS_ROUTES, processInfo, type ProcessRoutes } from './processes';
import { hasPart, processFile } from '../app/processPaths';
import { taskCatalog } from '../contracts/registry.zod';
import { inboxRoutes } from './inbox';
import { temporalCallDeadlines, temporalUnavailableHandler } from './temporalGuard';
import { profileValues } from '../config/provenance';

const require = createRequire(import.meta.url);
const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'web');

export interface AppDeps {
  config: Config;
  db: Db;
  temporal: Client;
  log: Logger;
  /** Whether Temporal answers (startApi watches it); without it, calls still get deadlines and 503s. */
  temporalHealth?: TemporalHealth;
  /** The processes' routes (default: every process of the registry). */
  processes?: ProcessRoutes[];
}

export function createApp({ config, db, temporal, log, temporalHealth, processes = PROCESS_ROUTES }: AppDeps): express.Express {
  const auth = createAuth(db, config.auth);
  const api = createApi<User>((req) => auth.authenticate(req));
  directoryRoutes(api, { db, auth, demoUsers: config.auth.demoUsers });
  const decisions = inboxRoutes(api, { db, temporal, catalog: taskCatalog(processes.map((p) => p.process)), publicUrl: config.api.publicUrl, log: log.child({ component: 'decision-queue' }) });
  for (const p of processes) p.routes(api, { db, temporal, config });
  const info = processInfo(processes.map((p) => p.process));
  api.route({
    method: 'get',
    path: '/api/process-types',
    summary: 'The processes: labels, stages and conclusions (zh/en), their task types and web module',
    tags: ['processes'],
    auth: true,
    handler: async () => info,
  });
  oversightRoutes(api, { db });
  codecRoutes(api);
  const doc = openApiDocument(api.registry, {
    title: 'jixiao 绩效 API',
    version: '0.1.0',
    description: 'Budget performance management: the officers’ inbox and the processes. Errors are {error: {code, message, field}}.',
  });

  const app = express();
  // the queued decisions' dispatcher: startApi starts it (and stops it); a test's app starts it on its first queued decision
  app.locals.decisions = decisions;
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  // the Temporal UI (its own origin) reads deflated payloads through the codec endpoint
  app.use('/api/codec', codecCors([`http://localhost:${config.temporal.uiPort}`, `http://127.0.0.1:${config.temporal.uiPort}`, ...config.temporal.uiOrigins]));
  app.use(express.json({ limit: '1mb' }));
  app.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  app.get('/healthz', async (_req, res) => {
    await db.query('SELECT 1');
    res.json({ ok: true, temporal: temporalHealth ? (temporalHealth.reachable ? 'reachable' : 'unreachable') : 'unknown' });
  });
  app.get('/api/config', (_req, res) => {
    res.json({ region: { id: config.region.id, name: config.region.name }, temporalUiUrl: config.temporal.external ? null : `http://localhost:${config.temporal.uiPort}`, mailUrl: config.mail.catcher ? `http://localhost:${config.mail.webPort}` : null });
  });
  // the region profile's values, each with its seed and phrase or "default (ours)" (config/provenance.ts); ?section=preAssessment for one process's part
  app.get('/api/profile', (req, res) => {
    const section = typeof req.query.section === 'string' ? req.query.section : undefined;
    res.json({ region: { id: config.region.id, name: config.region.name }, values: profileValues(config.region, section) });
  });
  app.use('/api', temporalCallDeadlines(temporal, temporalHealth));
  app.use(api.router);
  app.use('/api', (req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.originalUrl}`)));
  // a process whose modules live under a root of their own (a test's toy) has its web module there
  for (const { process: p } of processes) if (p.root && hasPart(p, 'web')) app.use(`/${p.name}`, express.static(dirname(processFile(p, 'web')), { maxAge: 0 }));
  // charts for every process's pages (ECharts, what Chinese government dashboards use): <script src="/vendor/echarts.min.js">
  app.get('/vendor/echarts.min.js', (_req, res) => res.sendFile(require.resolve('echarts/dist/echarts.min.js')));
  app.use(express.static(WEB_DIR, { index: 'index.html', maxAge: 0 }));
  app.use((req, _res, next) => next(new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.originalUrl}`)));
  app.use(temporalUnavailableHandler(temporalHealth, log));
  app.use(errorHandler(log));
  return app;
}
