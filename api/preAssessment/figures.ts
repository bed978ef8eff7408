// The figures finance reports on pre-assessment and target review (000: 核减预算; 001; 004: 一次性审核
// 通过率不足50%), per budget year and department, from the processes projection: applications
// concluded, passed the first time, the first-pass rate, amounts requested, approved and cut (a
// failed, delayed or cancelled application's whole request counts as cut). JSON, CSV and xlsx.
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { Db } from '../../db';
import { require, type User } from '../auth';
import type { Api } from '../http';

export interface DeptFigures {
  deptId: string;
  deptName: string;
  assessed: number;
  passedFirstTime: number;
  /** passedFirstTime / assessed, 0..1 (null: none assessed). */
  firstPassRate: number | null;
  requestedFen: number;
  approvedFen: number;
  cutFen: number;
}

const DECIDED = ['passed', 'passedReduced', 'failed', 'delayed', 'cancelled'];

export async function figures(db: Db, year: number): Promise<DeptFigures[]> {
  const { rows } = await db.query<{ dept_id: string; dept_name: string | null; assessed: number; first: number; requested: string; approved: string }>(
    `SELECT dept_id, (SELECT name FROM orgs o WHERE o.id = p.dept_id) AS dept_name,
            count(*)::int AS assessed,
            count(*) FILTER (WHERE summary->>'conclusion' IN ('passed', 'passedReduced') AND (summary->>'revision')::int = 0)::int AS first,
            coalesce(sum((summary->>'amountFen')::bigint), 0)::text AS requested,
            coalesce(sum(CASE WHEN summary->>'conclusion' IN ('passed', 'passedReduced') THEN (summary->>'approvedAmountFen')::bigint ELSE 0 END), 0)::text AS approved
       FROM processes p
      WHERE process = 'preAssessment' AND status = 'completed' AND (summary->>'year')::int = $1 AND summary->>'conclusion' = ANY($2::text[])
      GROUP BY dept_id ORDER BY dept_id`,
    [year, DECIDED],
  );
  return rows.map((r) => {
    const requestedFen = Number(r.requested);
    const approvedFen = Number(r.approved);
    return { deptId: r.dept_id, deptName: r.dept_name ?? r.dept_id, assessed: r.assessed, passedFirstTime: r.first, firstPassRate: r.assessed ? r.first / r.assessed : null, requestedFen, approvedFen, cutFen: requestedFen - approvedFen };
  });
}

const COLS: Array<[keyof DeptFigures, string]> = [
  ['deptId', '部门'],
  ['deptName', '部门名称'],
  ['assessed', '评审项目数'],
  ['passedFirstTime', '一次通过数'],
  ['firstPassRate', '一次性审核通过率'],
  ['requestedFen', '申请金额（元）'],
  ['approvedFen', '核定金额（元）'],
  ['cutFen', '核减金额（元）'],
];
const cell = (k: keyof DeptFigures, v: DeptFigures[keyof DeptFigures]): string | number => {
  if (v === null) return '';
  if (k.endsWith('Fen')) return (v as number) / 100;
  if (k === 'firstPassRate') return Math.round((v as number) * 10000) / 100;
  return v as string | number;
};

export function figureRoutes(api: Api<User>, db: Db): void {
  api.route({
    method: 'get',
    path: '/api/pre-assessment-figures',
    summary: 'Pre-assessment figures per department for a budget year: assessed, first-pass rate, requested, approved and cut (json, csv or xlsx)',
    tags: ['preAssessment'],
    auth: true,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100), format: z.enum(['json', 'csv', 'xlsx']).default('json') }),
    handler: async ({ query, ctx, res }) => {
      require(ctx, 'dashboard.read');
      // a department's head sees its own department's figures; finance, its leads and observers all
      const deptOnly = ctx.roles.every((r) => r === 'competent_head' || r === 'competent_reviewer') ? ctx.deptId : null;
      const rows = (await figures(db, query.year)).filter((r) => !deptOnly || r.deptId === deptOnly);
      if (query.format === 'json') return { year: query.year, items: rows };
      const name = `pre-assessment-${query.year}`;
      if (query.format === 'csv') {
        const quote = (x: string | number) => (typeof x === 'string' && /[",\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : String(x));
        const lines = [COLS.map(([, h]) => h).join(','), ...rows.map((r) => COLS.map(([k]) => quote(cell(k, r[k]))).join(','))];
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
        res.end('\uFEFF' + lines.join('\r\n') + '\r\n'); // BOM: Excel opens it as UTF-8
        return undefined;
      }
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(`${query.year}年事前评估`);
      ws.columns = COLS.map(([key, header]) => ({ key, header, width: 16 }));
      for (const r of rows) ws.addRow(Object.fromEntries(COLS.map(([k]) => [k, cell(k, r[k])])));
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('content-disposition', `attachment; filename="${name}.xlsx"`);
      res.end(Buffer.from(await wb.xlsx.writeBuffer()));
      return undefined;
    },
  });
}
