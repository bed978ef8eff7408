// The important targets (重要绩效目标) that accompany the draft budget to the People's Congress and the
// government (004: 重要绩效目标与预算草案同步报送人大、政府; 001: 同步批复、同步公开): the year's project
// library entries with their important targets, which the profile's importantTargets chooses (ours:
// the core indicators, 核心指标, of every project; or every target of the projects of key-assessment
// size). Available while the budget is a draft, to finance and the observers (人大/审计); once the budget
// is approved the report says so, and the targets are public besides (publication.ts). JSON, printable
// HTML and xlsx.
import ExcelJS from 'exceljs';
import { z } from 'zod';
import type { FinanceClient, LibraryEntry, LibraryTarget } from '../../contracts/finance/finance.zod';
import type { PreAssessmentProfile } from '../../contracts/preAssessment/profile.zod';
import type { Db } from '../../db';
import type { User } from '../auth';
import { HttpError, type Api } from '../http';

/** Who reads the report: finance, its leads, and the observers (the People's Congress, audit). */
const READERS = ['finance_performance', 'finance_business', 'finance_budget', 'division_head', 'finance_director', 'observer'];

export interface ImportantProject {
  department: string;
  deptId: string;
  project: string;
  libraryId: string;
  approvedFen: number;
  /** Of key-assessment size (the profile's keyAssessmentFromFen, 001: 100万元(含)以上). */
  key: boolean;
  targets: LibraryTarget[];
}

export interface ImportantTargetsReport {
  year: number;
  /** 'draft': accompanies the draft budget (预算草案); 'approved': the budget is approved (已批复). */
  status: 'draft' | 'approved';
  approvedAt: string | null;
  rule: PreAssessmentProfile['importantTargets'];
  projects: ImportantProject[];
}

const LEVEL1: Record<LibraryTarget['level1'], string> = { output: '产出指标', benefit: '效益指标', satisfaction: '满意度指标' };
const yuan = (fen: number): string => (fen / 100).toFixed(2);
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function importantTargets(db: Db, finance: FinanceClient, profile: PreAssessmentProfile, year: number): Promise<ImportantTargetsReport> {
  const { rows } = await db.query<{ approved_at: Date }>('SELECT approved_at FROM budget_approvals WHERE year = $1', [year]);
  const entries: LibraryEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await finance.listProjectLibrary({ year, cursor, limit: 500 });
    entries.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const names = new Map((await finance.listDepartments()).items.map((d) => [d.id, d.name]));
  const rule = profile.importantTargets;
  const projects = entries
    .filter((e) => e.preAssessment.conclusion !== 'fail')
    .map((e) => {
      const key = e.approvedFen >= profile.keyAssessmentFromFen;
      const targets = rule === 'keyProjects' ? (key ? e.targets : e.targets.filter((t) => t.isCore)) : e.targets.filter((t) => t.isCore);
      return { department: names.get(e.deptId) ?? e.deptId, deptId: e.deptId, project: e.name, libraryId: e.id, approvedFen: e.approvedFen, key, targets };
    })
    .filter((p) => p.targets.length > 0)
    .sort((a, b) => a.deptId.localeCompare(b.deptId) || b.approvedFen - a.approvedFen || a.libraryId.localeCompare(b.libraryId));
  return { year, status: rows[0] ? 'approved' : 'draft', approvedAt: rows[0] ? new Date(rows[0].approved_at).toISOString() : null, rule, projects };
}

const title = (r: ImportantTargetsReport): string => `${r.year}年度预算重要绩效目标表`;
const statusLine = (r: ImportantTargetsReport): string =>
  r.status === 'approved' ? `预算已批复（${r.approvedAt?.slice(0, 10)}），绩效目标同步公开` : '随预算草案报送人民代表大会和政府（草案，预算尚未批复）';

export function reportHtml(r: ImportantTargetsReport): string {
  const rows = r.projects
    .map((p) =>
      p.targets
        .map(
          (t, i) =>
            `<tr>${i === 0 ? `<td rowspan="${p.targets.length}">${esc(p.department)}</td><td rowspan="${p.targets.length}">${esc(p.project)}${p.key ? '<span class="key">重点</span>' : ''}</td><td class="num" rowspan="${p.targets.length}">${yuan(p.approvedFen)}</td>` : ''}` +
            `<td>${LEVEL1[t.level1]}</td><td>${esc(t.level2)}</td><td>${esc(t.name)}</td><td class="num">${esc(`${t.direction} ${t.target}${t.unit ? ` ${t.unit}` : ''}`)}</td></tr>`,
        )
        .join(''),
    )
    .join('\n');
  const total = r.projects.reduce((s, p) => s + p.approvedFen, 0);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title(r))}</title>
<style>
body{font-family:"Noto Serif CJK SC","Songti SC",serif;margin:2em;color:#000}
h1{text-align:center;font-size:1.5em;margin-bottom:.2em}
p.status{text-align:center;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border:1px solid #000;padding:.3em .5em;vertical-align:top}
th{background:#eee}
td.num{text-align:right;white-space:nowrap}
.key{margin-left:.4em;border:1px solid #000;padding:0 .2em;font-size:.8em}
tfoot td{font-weight:bold}
@media print{body{margin:0}@page{size:A4 landscape;margin:15mm}thead{display:table-header-group}tr{page-break-inside:avoid}}
</style></head>
<body data-status="${r.status}">
<h1>${esc(title(r))}</h1>
<p class="status">${esc(statusLine(r))}</p>
<table>
<thead><tr><th>部门</th><th>项目</th><th>核定金额（元）</th><th>一级指标</th><th>二级指标</th><th>绩效指标</th><th>指标值</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="7">本年度项目库尚无入库项目</td></tr>'}
</tbody>
<tfoot><tr><td colspan="2">合计 ${r.projects.length} 个项目</td><td class="num">${yuan(total)}</td><td colspan="4"></td></tr></tfoot>
</table>
<p>重要绩效目标：${r.rule === 'keyProjects' ? '重点项目（达到重点评估金额）的全部绩效目标及其他项目的核心指标' : '各项目的核心指标'}（本系统默认口径）。</p>
</body></html>
`;
}

export async function reportXlsx(r: ImportantTargetsReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(`${r.year}年重要绩效目标`);
  ws.addRow([title(r)]);
  ws.addRow([statusLine(r)]);
  ws.addRow(['部门', '项目', '重点项目', '核定金额（元）', '一级指标', '二级指标', '绩效指标', '方向', '指标值', '单位']);
  for (const p of r.projects) {
    for (const t of p.targets) ws.addRow([p.department, p.project, p.key ? '是' : '否', p.approvedFen / 100, LEVEL1[t.level1], t.level2, t.name, t.direction, t.target, t.unit]);
  }
  ws.columns.forEach((c, i) => (c.width = [14, 28, 8, 16, 12, 14, 28, 6, 10, 8][i]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function congressReportRoutes(api: Api<User>, db: Db, finance: FinanceClient, profile: () => PreAssessmentProfile): void {
  api.route({
    method: 'get',
    path: '/api/important-targets',
    summary: "The year's important performance targets, for the People's Congress and the government with the draft budget (json, printable html or xlsx)",
    tags: ['preAssessment'],
    auth: true,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100), format: z.enum(['json', 'html', 'xlsx']).default('json') }),
    handler: async ({ query, ctx, res }) => {
      if (!ctx.roles.some((r) => READERS.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'the important-targets report is for finance and the People’s Congress and government (observers)');
      const r = await importantTargets(db, finance, profile(), query.year);
      if (query.format === 'json') return r;
      const name = `important-targets-${query.year}`;
      if (query.format === 'html') {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(reportHtml(r));
        return undefined;
      }
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('content-disposition', `attachment; filename="${name}.xlsx"`);
      res.end(await reportXlsx(r));
      return undefined;
    },
  });
}
