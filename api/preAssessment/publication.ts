// Publication of approved performance targets (001: 同步申报、同步审核、同步批复、同步公开; 004: 通过
// 门户网站向社会主动公开): the finance director records the year's budget approval (预算批复,
// audited); only then do the project library's approved targets of that year appear, without login,
// with department, project, approved amount and targets. Nothing before the approval, nothing that
// did not pass (a failed application never enters the library).
import { z } from 'zod';
import type { FinanceClient, LibraryEntry } from '../../contracts/finance/finance.zod';
import type { Db } from '../../db';
import { HttpError, type Api } from '../http';
import type { User } from '../auth';

export interface PublishedTarget {
  department: string;
  deptId: string;
  project: string;
  approvedFen: number;
  targets: LibraryEntry['targets'];
}

async function approval(db: Db, year: number): Promise<{ approvedAt: string } | null> {
  const { rows } = await db.query<{ approved_at: Date }>('SELECT approved_at FROM budget_approvals WHERE year = $1', [year]);
  return rows[0] ? { approvedAt: new Date(rows[0].approved_at).toISOString() } : null;
}

async function libraryOf(finance: FinanceClient, year: number): Promise<LibraryEntry[]> {
  const out: LibraryEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await finance.listProjectLibrary({ year, cursor, limit: 500 });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export function publicationRoutes(api: Api<User>, db: Db, finance: FinanceClient): void {
  const Year = z.coerce.number().int().min(2000).max(2100);

  api.route({
    method: 'post',
    path: '/api/budget-approvals',
    summary: 'Record the approval of a year’s budget (预算批复): its approved targets are published from now on',
    tags: ['preAssessment'],
    auth: true,
    body: z.object({ year: Year, reason: z.string().trim().min(1).max(2000).optional() }),
    status: 201,
    handler: async ({ body, ctx }) => {
      if (!ctx.roles.includes('finance_director')) throw new HttpError(403, 'FORBIDDEN', 'the finance director records the budget’s approval');
      const r = await db.query(`INSERT INTO budget_approvals (year, approved_by, approved_at, reason) VALUES ($1, $2, now(), $3) ON CONFLICT (year) DO NOTHING RETURNING year`, [body.year, ctx.id, body.reason ?? null]);
      if (!r.rows.length) throw new HttpError(409, 'ALREADY_APPROVED', `the ${body.year} budget is already approved`, 'body.year');
      await db.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, reason, detail) VALUES ($1, now(), $2, $3, 'budget.approved', $4, $5::jsonb)`, [
        `budget.approved:${body.year}`,
        ctx.id,
        ctx.name,
        body.reason ?? null,
        JSON.stringify({ year: body.year }),
      ]);
      return { year: body.year, approved: true };
    },
  });

  api.route({
    method: 'get',
    path: '/api/public/targets',
    summary: 'Published performance targets of a year (no login): department, project, approved amount and targets, once the budget is approved',
    tags: ['preAssessment'],
    auth: false,
    query: z.object({ year: Year }),
    handler: async ({ query }) => {
      const approved = await approval(db, query.year);
      if (!approved) return { year: query.year, approved: false, approvedAt: null, items: [] as PublishedTarget[] };
      const [entries, depts] = await Promise.all([libraryOf(finance, query.year), finance.listDepartments()]);
      const name = new Map(depts.items.map((d) => [d.id, d.name]));
      const items: PublishedTarget[] = entries
        .filter((e) => e.preAssessment.conclusion !== 'fail')
        .map((e) => ({ department: name.get(e.deptId) ?? e.deptId, deptId: e.deptId, project: e.name, approvedFen: e.approvedFen, targets: e.targets }));
      return { year: query.year, approved: true, approvedAt: approved.approvedAt, items };
    },
  });
}
