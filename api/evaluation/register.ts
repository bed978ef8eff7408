// The agency register (第三方机构库) and the expert library (专家库), kept by finance: agencies with
// their staff, declared conflicts, commissions and credit record (peer-review final scores written
// by the peer review workflow, finance's own entries), the next selection for a department and unit
// by credit; experts with their fields and declared conflicts, and the seeded draw with recusal
// previewed before a commission. Every change is audited (who, when, what, why).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Id } from '../../contracts/common.zod';
import { drawExperts, type Expert } from '../../contracts/evaluation/experts';
import { selectAgencies, creditOf, qualityScore, type CreditRule, type RegisterAgency } from '../../contracts/evaluation/register';
import type { Db, Queryable } from '../../db';
import { require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';

const FINANCE_ROLES = ['finance_performance', 'division_head', 'finance_director'];
const isFinance = (u: User): boolean => u.roles.some((r) => FINANCE_ROLES.includes(r));
function requireFinance(u: User): void {
  if (!isFinance(u)) throw new HttpError(403, 'FORBIDDEN', 'only finance’s performance division keeps the agency register and the expert library');
}
const Reason = z.string().trim().min(1, 'say why the register changes').max(2000);

export async function auditRegister(q: Queryable, u: Pick<User, 'id' | 'name'>, action: string, reason: string | null, detail: Record<string, unknown>): Promise<void> {
  await q.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6::jsonb)`, [`evaluation:${randomUUID()}`, u.id, u.name, action, reason, JSON.stringify(detail)]);
}

interface AgencyRow {
  id: string;
  name: string;
  staff: Array<{ name: string; qualification?: string }>;
  conflicts: string[];
  active: boolean;
  version: number;
  peer: string[] | null;
  points: string[] | null;
  commissions: string;
}

/** The register's agencies with their credit record folded in. */
export async function loadAgencies(db: Queryable, ids?: string[]): Promise<Array<RegisterAgency & { staff: AgencyRow['staff']; version: number }>> {
  const { rows } = await db.query<AgencyRow>(
    `SELECT a.id, a.name, a.staff, a.conflicts, a.active, a.version,
            (SELECT array_agg(c.score::text ORDER BY c.recorded_at) FROM evaluation_agency_credit c WHERE c.agency_id = a.id AND c.kind = 'peerReview') AS peer,
            (SELECT array_agg(c.score::text ORDER BY c.recorded_at) FROM evaluation_agency_credit c WHERE c.agency_id = a.id AND c.kind = 'finance') AS points,
            (SELECT count(*) FROM evaluation_agency_commissions m WHERE m.agency_id = a.id)::text AS commissions
       FROM evaluation_agencies a ${ids ? 'WHERE a.id = ANY($1::text[])' : ''} ORDER BY a.id`,
    ids ? [ids] : [],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, staff: r.staff, conflicts: r.conflicts, active: r.active, version: r.version, peerReviewScores: (r.peer ?? []).map(Number), financePoints: (r.points ?? []).map(Number), commissions: Number(r.commissions) }));
}

export async function loadExperts(db: Queryable): Promise<Array<Expert & { name: string; active: boolean }>> {
  const { rows } = await db.query<{ id: string; name: string; fields: string[]; conflicts: string[]; active: boolean }>(`SELECT id, name, fields, conflicts, active FROM evaluation_experts ORDER BY id`);
  return rows;
}

/** Records a commission of a key evaluation (once per ref), audited. */
export async function recordCommission(db: Db, u: Pick<User, 'id' | 'name'>, c: { ref: string; agencyId: string; workflowId: string; subject: unknown }): Promise<void> {
  await db.tx(async (q) => {
    const { rows } = await q.query<{ ref: string }>(
      `INSERT INTO evaluation_agency_commissions (ref, agency_id, workflow_id, subject, commissioned_by, commissioned_at) VALUES ($1, $2, $3, $4::jsonb, $5, now()) ON CONFLICT (ref) DO NOTHING RETURNING ref`,
      [c.ref, c.agencyId, c.workflowId, JSON.stringify(c.subject), u.id],
    );
    if (rows.length) await auditRegister(q, u, 'evaluation.agencyCommissioned', null, { agencyId: c.agencyId, ref: c.ref, workflowId: c.workflowId });
  });
}

export function registerRoutes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, config } = deps;
  const rule = (): CreditRule => config.region.evaluation.agencyCredit ?? { initialCredit: 80, minCredit: 60 };

  api.route({
    method: 'get',
    path: '/api/evaluations/agencies',
    summary: 'The agency register: staff, declared conflicts, commissions, quality score from peer reviews and credit',
    tags: ['evaluation'],
    auth: true,
    handler: async ({ ctx }) => {
      require(ctx, 'process.read');
      const r = rule();
      return (await loadAgencies(db)).map((a) => ({ id: a.id, name: a.name, staff: a.staff, conflicts: a.conflicts, active: a.active, version: a.version, commissions: a.commissions, quality: qualityScore(a), credit: creditOf(a, r), peerReviews: a.peerReviewScores.length }));
    },
  });

  api.route({
    method: 'put',
    path: '/api/evaluations/agencies/:id',
    summary: 'Enter or change an agency in the register (an org of kind agency in the directory)',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ id: Id }),
    body: z.object({
      name: z.string().trim().min(1).max(200),
      staff: z.array(z.object({ name: z.string().trim().min(1).max(100), qualification: z.string().max(200).optional() })).max(200).default([]),
      conflicts: z.array(Id).max(500).default([]),
      active: z.boolean().default(true),
      reason: Reason,
    }),
    handler: async ({ params, body, ctx }) => {
      requireFinance(ctx);
      const { rows: org } = await db.query<{ kind: string }>(`SELECT kind FROM orgs WHERE id = $1`, [params.id]);
      if (org[0]?.kind !== 'agency') throw new HttpError(400, 'VALIDATION', `id: ${params.id} is not an agency of the directory`, 'id');
      const saved = await db.tx(async (q) => {
        const { rows } = await q.query<{ version: number }>(
          `INSERT INTO evaluation_agencies (id, name, staff, conflicts, active, updated_by, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6, now())
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, staff = EXCLUDED.staff, conflicts = EXCLUDED.conflicts, active = EXCLUDED.active,
             updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at, version = evaluation_agencies.version + 1
           RETURNING version`,
          [params.id, body.name, JSON.stringify(body.staff), body.conflicts, body.active, ctx.id],
        );
        await auditRegister(q, ctx, 'evaluation.agencySaved', body.reason, { agencyId: params.id, name: body.name, staff: body.staff.length, conflicts: body.conflicts, active: body.active, version: rows[0].version });
        return rows[0];
      });
      return { id: params.id, version: saved.version };
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/agencies/:id/credit',
    summary: 'Add finance’s entry to an agency’s credit record (points added or taken, with the reason)',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ id: Id }),
    body: z.object({ points: z.number().min(-100).max(100).refine((x) => x !== 0, 'points must not be 0'), ref: z.string().trim().min(1).max(200), reason: Reason }),
    status: 201,
    handler: async ({ params, body, ctx }) => {
      requireFinance(ctx);
      const [a] = await loadAgencies(db, [params.id]);
      if (!a) throw new HttpError(404, 'NOT_FOUND', `agency ${params.id} is not in the register`, 'id');
      await db.tx(async (q) => {
        await q.query(`INSERT INTO evaluation_agency_credit (key, agency_id, kind, ref, score, reason, recorded_by, recorded_at) VALUES ($1, $2, 'finance', $3, $4, $5, $6, now())`, [`finance:${randomUUID()}`, params.id, body.ref, body.points, body.reason, ctx.id]);
        await auditRegister(q, ctx, 'evaluation.agencyCredit', body.reason, { agencyId: params.id, points: body.points, ref: body.ref });
      });
      const [after] = await loadAgencies(db, [params.id]);
      return { id: params.id, credit: creditOf(after, rule()) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/agencies/selection',
    summary: 'The next selection of agencies for a department (and unit): no declared conflict, credit at the profile’s minimum or above, best credit first',
    tags: ['evaluation'],
    auth: true,
    query: z.object({ deptId: Id, unitId: Id.optional() }),
    handler: async ({ query, ctx }) => {
      requireFinance(ctx);
      return selectAgencies(await loadAgencies(db), query, rule());
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/experts',
    summary: 'The expert library: fields and declared conflicts',
    tags: ['evaluation'],
    auth: true,
    query: z.object({ field: z.string().min(1).max(50).optional() }),
    handler: async ({ query, ctx }) => {
      requireFinance(ctx);
      const all = await loadExperts(db);
      return query.field ? all.filter((e) => e.fields.includes(query.field as string)) : all;
    },
  });

  api.route({
    method: 'put',
    path: '/api/evaluations/experts/:id',
    summary: 'Enter or change an expert in the library',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ id: Id }),
    body: z.object({
      name: z.string().trim().min(1).max(100),
      fields: z.array(z.string().trim().min(1).max(50)).min(1, 'an expert has at least one field').max(20),
      conflicts: z.array(Id).max(500).default([]),
      active: z.boolean().default(true),
      reason: Reason,
    }),
    handler: async ({ params, body, ctx }) => {
      requireFinance(ctx);
      const saved = await db.tx(async (q) => {
        const { rows } = await q.query<{ version: number }>(
          `INSERT INTO evaluation_experts (id, name, fields, conflicts, active, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, fields = EXCLUDED.fields, conflicts = EXCLUDED.conflicts, active = EXCLUDED.active,
             updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at, version = evaluation_experts.version + 1
           RETURNING version`,
          [params.id, body.name, body.fields, body.conflicts, body.active, ctx.id],
        );
        await auditRegister(q, ctx, 'evaluation.expertSaved', body.reason, { expertId: params.id, fields: body.fields, conflicts: body.conflicts, active: body.active, version: rows[0].version });
        return rows[0];
      });
      return { id: params.id, version: saved.version };
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/experts/draw',
    summary: 'Preview the seeded random draw of N experts of the fields for a department and unit, with recusal of declared conflicts (the commission draws the same with the same seed)',
    tags: ['evaluation'],
    auth: true,
    body: z.object({ n: z.number().int().min(1).max(20), fields: z.array(z.string().min(1).max(50)).max(20).default([]), deptId: Id, unitId: Id.optional(), seed: z.number().int().min(0).max(4294967295).optional() }),
    handler: async ({ body, ctx }) => {
      requireFinance(ctx);
      const seed = body.seed ?? Math.floor(Math.random() * 4294967296);
      const library = (await loadExperts(db)).filter((e) => e.active);
      return drawExperts(library, { n: body.n, fields: body.fields, deptId: body.deptId, unitId: body.unitId }, seed);
    },
  });
}
