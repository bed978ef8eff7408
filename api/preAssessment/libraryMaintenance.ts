// Finance keeps the indicator library (指标库维护, 000/003/004): adds common and industry indicators
// (core or not), revises one into a new version (the old version stays readable) and retires one
// (refused for new applications with the field named, still readable for old ones). Only finance's
// performance division and its leads; every change audited here (who, when, what, why) as well as in
// the finance system's own change trail.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AddIndicatorRequest, ReviseIndicatorRequest, type FinanceClient, type Indicator } from '../../contracts/finance/finance.zod';
import type { Db } from '../../db';
import { FinanceError } from '../../finance/errors';
import type { User } from '../auth';
import { HttpError, type Api } from '../http';

const FINANCE_ROLES = ['finance_performance', 'division_head', 'finance_director'];
const Code = z.object({ code: z.string().min(1).max(50) });

function financeOnly(u: User): void {
  if (!u.roles.some((r) => FINANCE_ROLES.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'only finance’s performance division keeps the indicator library');
}

/** The finance system's refusal as the request's: its field named under body (or the path's code). */
function asHttp(e: unknown): never {
  if (!(e instanceof FinanceError) || e.retryable) throw e;
  const f = e.extra.field;
  const field = f === 'code' ? 'code' : f ? `body.${f}` : undefined;
  const status = e.code === 'NOT_FOUND' ? 404 : e.code === 'BUSINESS_RULE' ? 409 : 400;
  throw new HttpError(status, e.extra.rule ?? e.code, field ? `${field}: ${e.message}` : e.message, field);
}

async function audit(db: Db, u: User, action: 'added' | 'revised' | 'retired', reason: string, i: Indicator, before: Indicator | null): Promise<void> {
  await db.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6::jsonb) ON CONFLICT (key) DO NOTHING`, [
    `indicatorLibrary:${i.code}:v${i.version ?? 1}:${action}`,
    u.id,
    u.name,
    `indicatorLibrary.${action}`,
    reason,
    JSON.stringify({ code: i.code, version: i.version ?? 1, before, after: i }),
  ]);
}

export function libraryMaintenanceRoutes(api: Api<User>, db: Db, finance: FinanceClient): void {
  const key = (h: string | undefined, u: User): string => `jixiao:${u.id}:${h ?? randomUUID()}`;

  api.route({
    method: 'post',
    path: '/api/indicator-library',
    summary: 'Add a common or industry indicator to the indicator library (finance); Idempotency-Key makes a retry harmless',
    tags: ['preAssessment'],
    auth: true,
    status: 201,
    body: AddIndicatorRequest.omit({ idempotencyKey: true, by: true }),
    handler: async ({ body, ctx, req }) => {
      financeOnly(ctx);
      const added = await finance.addIndicator({ ...body, by: ctx.id, idempotencyKey: key(req.header('idempotency-key'), ctx) }).catch(asHttp);
      await audit(db, ctx, 'added', body.reason, added, null);
      return added;
    },
  });

  api.route({
    method: 'post',
    path: '/api/indicator-library/:code/versions',
    summary: 'A new version of an indicator (finance): the fields given change, the old version stays readable',
    tags: ['preAssessment'],
    auth: true,
    status: 201,
    params: Code,
    body: ReviseIndicatorRequest.omit({ idempotencyKey: true, by: true, code: true }),
    handler: async ({ params, body, ctx, req }) => {
      financeOnly(ctx);
      const before = await finance.getIndicator({ code: params.code }).catch(asHttp);
      const revised = await finance.reviseIndicator({ ...body, code: params.code, by: ctx.id, idempotencyKey: key(req.header('idempotency-key'), ctx) }).catch(asHttp);
      await audit(db, ctx, 'revised', body.reason, revised, before);
      return revised;
    },
  });

  api.route({
    method: 'post',
    path: '/api/indicator-library/:code/retire',
    summary: 'Retire an indicator (finance): refused for new applications, readable for old ones',
    tags: ['preAssessment'],
    auth: true,
    params: Code,
    body: z.object({ reason: z.string().trim().min(1).max(2000) }),
    handler: async ({ params, body, ctx, req }) => {
      financeOnly(ctx);
      const before = await finance.getIndicator({ code: params.code }).catch(asHttp);
      const retired = await finance.retireIndicator({ code: params.code, reason: body.reason, by: ctx.id, idempotencyKey: key(req.header('idempotency-key'), ctx) }).catch(asHttp);
      await audit(db, ctx, 'retired', body.reason, retired, before);
      return retired;
    },
  });

  api.route({
    method: 'get',
    path: '/api/indicator-library/:code',
    summary: 'One indicator, retired or not, at its current version or the one asked for (an old application’s)',
    tags: ['preAssessment'],
    auth: true,
    params: Code,
    query: z.object({ version: z.coerce.number().int().positive().optional() }),
    handler: async ({ params, query }) => finance.getIndicator({ code: params.code, version: query.version }).catch(asHttp),
  });

  api.route({
    method: 'get',
    path: '/api/indicator-library/:code/changes',
    summary: "An indicator's changes: who, when, what (before and after) and why",
    tags: ['preAssessment'],
    auth: true,
    params: Code,
    handler: async ({ params }) => finance.listIndicatorChanges({ code: params.code }).catch(asHttp),
  });
}
