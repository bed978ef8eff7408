// The indicator library's past cases (案例库, 004: 61 project cases imported into Wuhai's case library):
// past projects with their industry, amount, the indicators they set and the values they achieved,
// and their grade when known, read with filters (industry by code or name, an indicator's library
// code, text) beside the indicator library so a unit drafting targets sees how comparable projects set
// theirs. An application's indicator may cite one (caseId, checked in indicators.ts). Finance adds a
// case from an application concluded in the system (passed, or passed at a reduced amount), with the
// values achieved when known; audited here and kept with who and why in the finance system.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { Grade, type CaseIndicator, type FinanceClient, type PastCase } from '../../contracts/finance/finance.zod';
import { preAssessmentStatusQuery, preAssessmentWorkflowId } from '../../contracts/preAssessment/rules';
import type { Db } from '../../db';
import { FinanceError } from '../../finance/errors';
import type { User } from '../auth';
import { HttpError, type Api } from '../http';
import { industryOf } from './indicators';

const FINANCE_ROLES = ['finance_performance', 'division_head', 'finance_director'];

export interface CaseFilter {
  industry?: string;
  indicator?: string;
  q?: string;
}

/** Every case matching the filter (pages through the finance system). */
export async function readCases(finance: FinanceClient, f: CaseFilter): Promise<PastCase[]> {
  const industry = f.industry ? await industryOf(finance, f.industry) : undefined;
  if (f.industry && !industry) throw new HttpError(400, 'VALIDATION', `query.industry: ${f.industry} is not an industry type of the indicator library`, 'query.industry');
  const out: PastCase[] = [];
  let cursor: string | undefined;
  do {
    const page = await finance.listCases({ industry: industry?.code, indicator: f.indicator, q: f.q, cursor, limit: 500 });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The finance system's refusal as the request's, its field named. */
function asHttp(e: unknown): never {
  if (!(e instanceof FinanceError) || e.retryable) throw e;
  const f = e.extra.field;
  const field = f === 'id' ? 'id' : f ? `body.${f}` : undefined;
  const status = e.code === 'NOT_FOUND' ? 404 : e.code === 'BUSINESS_RULE' ? 409 : 400;
  throw new HttpError(status, e.extra.rule ?? e.code, field ? `${field}: ${e.message}` : e.message, field);
}

const AddFromConcluded = z.object({
  /** The concluded application's project code (项目编码). */
  projectCode: z.string().min(1).max(100),
  /** Values achieved, one per indicator of the approved targets (same order); null: not known. */
  achieved: z.array(z.string().trim().min(1).max(100).nullable()).max(100).default([]),
  score: z.number().min(0).max(100).nullable().default(null),
  grade: Grade.nullable().default(null),
  reason: z.string().trim().min(1).max(2000),
});

export function caseRoutes(api: Api<User>, db: Db, finance: FinanceClient, temporal: Client): void {
  api.route({
    method: 'get',
    path: '/api/case-library',
    summary: 'Past cases of the indicator library (案例库): past projects with the targets they set and achieved, by industry (code or name), indicator code and text',
    tags: ['preAssessment'],
    auth: true,
    query: z.object({
      industry: z.string().min(1).max(50).optional(),
      indicator: z.string().min(1).max(50).regex(/^[A-Za-z0-9_.:-]+$/, 'an indicator library code').optional(),
      q: z.string().trim().min(1).max(100).optional(),
    }),
    handler: async ({ query }) => ({ items: await readCases(finance, query) }),
  });

  api.route({
    method: 'get',
    path: '/api/case-library/:id',
    summary: 'One past case with its indicators, targets and values achieved',
    tags: ['preAssessment'],
    auth: true,
    params: z.object({ id: z.string().min(1).max(50).regex(/^[A-Za-z0-9_.:-]+$/, 'a case id') }),
    handler: async ({ params }) => finance.getCase({ id: params.id }).catch(asHttp),
  });

  api.route({
    method: 'post',
    path: '/api/case-library',
    summary: 'Finance adds a case from an application concluded in the system (passed or passed reduced), with the values achieved when known',
    tags: ['preAssessment'],
    auth: true,
    status: 201,
    body: AddFromConcluded,
    handler: async ({ body, ctx, req }) => {
      if (!ctx.roles.some((r) => FINANCE_ROLES.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'only finance’s performance division keeps the case library');
      const workflowId = preAssessmentWorkflowId(body.projectCode);
      const status = await temporal.workflow
        .getHandle(workflowId)
        .query(preAssessmentStatusQuery)
        .catch((e: unknown) => {
          if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `body.projectCode: application ${body.projectCode} not found`, 'body.projectCode');
          throw e;
        });
      if (status.conclusion !== 'passed' && status.conclusion !== 'passedReduced') {
        throw new HttpError(409, 'NOT_CONCLUDED', `body.projectCode: ${body.projectCode} is ${status.conclusion ?? status.stage}; a case is a project that passed`, 'body.projectCode');
      }
      const a = status.application;
      if (body.achieved.length > a.indicators.length) {
        throw new HttpError(400, 'VALIDATION', `body.achieved: ${body.achieved.length} values for ${a.indicators.length} indicators`, 'body.achieved');
      }
      const industry = await industryOf(finance, a.industry);
      if (!industry) throw new HttpError(409, 'VALIDATION', `body.projectCode: its industry ${a.industry} is not the library's`, 'body.projectCode');
      const indicators: CaseIndicator[] = a.indicators.map((i, n) => ({
        code: i.code ?? null,
        level1: i.kind,
        level2: i.category,
        name: i.name,
        unit: i.unit ?? '',
        direction: i.direction,
        target: i.target,
        achieved: body.achieved[n] ?? null,
        isCore: i.core ?? false,
      }));
      const added = await finance
        .addCase({
          idempotencyKey: `jixiao:${ctx.id}:${req.header('idempotency-key') ?? randomUUID()}`,
          by: ctx.id,
          reason: body.reason,
          sourceRef: workflowId,
          year: a.year,
          deptId: a.deptId,
          unitId: a.unitId,
          name: a.name,
          industry: industry.code,
          amountFen: status.approvedAmountFen ?? a.amountFen,
          score: body.score,
          grade: body.grade,
          indicators,
        })
        .catch(asHttp);
      await db.query(
        `INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, project_id, reason, detail) VALUES ($1, now(), $2, $3, 'caseLibrary.added', $4, $5, $6, $7::jsonb) ON CONFLICT (key) DO NOTHING`,
        [`caseLibrary:${added.id}:added`, ctx.id, ctx.name, workflowId, body.projectCode, body.reason, JSON.stringify({ case: added })],
      );
      return added;
    },
  });
}
