// The stand-in's HTTP app: the route table of finance/api.ts bound to the store, plus fault injection
// (/admin/faults), health and the OpenAPI document generated from the same schemas.
import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Db } from '../db/index';
import type { FinanceOp } from '../contracts/finance/finance.zod';
import { routes, type FinanceRoutes } from './api';
import { FinanceValidationError } from './errors';
import { FaultSettings, Faults } from './faults';
import { errorHandler, notFound, rejectNul, validate } from './http';
import { openApiDocument } from './openapi';
import type { Applied } from './store/idempotency';
import * as m from './store/mutations';
import * as r from './store/reads';
import * as library from './store/library';
import * as targets from './store/targets';
import * as indicators from './store/indicators';
import * as cases from './store/cases';

type In<K extends FinanceOp> = z.infer<FinanceRoutes[K]['input']>;
type Out<K extends FinanceOp> = z.infer<FinanceRoutes[K]['output']>;
type Handlers = { [K in FinanceOp]: (db: Db, input: In<K>) => Promise<FinanceRoutes[K]['method'] extends 'post' ? Applied<Out<K>> : Out<K>> };

const handlers: Handlers = {
  listDepartments: (db) => r.listDepartments(db),
  listUnits: r.listUnits,
  listIndustries: (db) => r.listIndustries(db),
  listIndicators: r.listIndicators,
  getIndicator: indicators.getIndicator,
  addIndicator: indicators.addIndicator,
  reviseIndicator: indicators.reviseIndicator,
  retireIndicator: indicators.retireIndicator,
  listIndicatorChanges: indicators.listIndicatorChanges,
  listCases: cases.listCases,
  getCase: cases.getCase,
  addCase: cases.addCase,
  listTransfers: r.listTransfers,
  getProject: (db, i) => r.getProject(db, i.projectId),
  listProjects: r.listProjects,
  getExecution: r.getExecution,
  listExecution: r.listExecution,
  suspendPayments: m.suspendPayments,
  resumePayments: m.resumePayments,
  reclaimFunds: m.reclaimFunds,
  adjustBudget: m.adjustBudget,
  recordPayment: m.recordPayment,
  addToProjectLibrary: library.addToProjectLibrary,
  listProjectLibrary: library.listLibrary,
  recommendNextYearBudget: m.recommendNextYearBudget,
  listRecommendations: r.listRecommendations,
  listLedger: r.listLedger,
  reviseTargets: targets.reviseTargets,
  getTargets: targets.getTargets,
  listTargetVersions: targets.listTargetVersions,
  listTargets: targets.listTargets,
};

/** Path params win over query/body fields of the same name. */
function rawInput(req: Request, method: 'get' | 'post'): Record<string, unknown> {
  const src: unknown = method === 'get' ? req.query : (req.body ?? {});
  if (typeof src !== 'object' || src === null || Array.isArray(src)) throw new FinanceValidationError('body: expected a JSON object', 'body');
  return { ...(src as Record<string, unknown>), ...req.params };
}

export interface FinanceAppDeps {
  db: Db;
  log: Logger;
  faults?: Faults;
}

export function createFinanceApp({ db, log, faults = new Faults() }: FinanceAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(rejectNul);

  app.get('/health', (_req, res) => void res.json({ ok: true }));
  const doc = openApiDocument();
  app.get('/openapi.json', (_req, res) => void res.json(doc));
  app.get('/admin/faults', (_req, res) => void res.json({ settings: faults.settings, counts: faults.counts }));
  app.put('/admin/faults', (req, res) => {
    faults.set(validate(FaultSettings, req.body ?? {}));
    log.info({ faults: faults.settings }, 'finance faults set');
    res.json({ settings: faults.settings, counts: faults.counts });
  });

  app.use('/v1', faults.middleware);
  for (const op of Object.keys(routes) as FinanceOp[]) {
    const route = routes[op];
    const handle = handlers[op] as (db: Db, input: unknown) => Promise<unknown>;
    app[route.method](route.path, async (req, res) => {
      const input = validate(route.input, rawInput(req, route.method));
      const out = await handle(db, input);
      if (route.method === 'post') {
        const { result, replayed } = out as Applied<unknown>;
        res.set('Idempotent-Replayed', String(replayed)).json(result);
      } else {
        res.json(out);
      }
    });
  }

  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
