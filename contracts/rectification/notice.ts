// The rectification notice (整改通知书) as a printable HTML page and as plain text: the mail carries
// it as its body (notifications go through the outbox), and GET /api/rectifications/:id/notice.html
// serves the same page for printing. Pure and zod-free.
import type { RectificationStatus } from './names';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const date = (iso: string): string => {
  // the date in Asia/Shanghai (UTC+8)
  const d = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  return `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
};

const SOURCE_ZH: Record<string, string> = { monitoring: '绩效运行监控', warning: '绩效预警', selfEvaluationCheck: '自评抽查复核', evaluation: '绩效评价', hand: '财政部门' };
const STATUS_ZH: Record<string, string> = { open: '待整改', partly: '部分整改', returned: '退回重改', closed: '已整改' };

export interface NoticeNames {
  dept: string;
  unit: string;
}

const evidenceText = (e: Record<string, unknown>): string =>
  Object.entries(e)
    .map(([k, v]) => `${k}：${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('；');

export function noticeText(s: RectificationStatus, names: NoticeNames, link: string | null): string {
  return [
    `整改通知书 ${s.noticeNo}`,
    '',
    `${names.dept}（${names.unit}）：`,
    `根据${SOURCE_ZH[s.source.kind] ?? s.source.kind}（${s.source.label}）发现的问题，请于${date(s.dueAt)}前完成整改，报送整改方案和整改报告（附佐证材料）。`,
    '',
    ...s.problems.flatMap((p, i) => [
      `${i + 1}. ${p.description}（${STATUS_ZH[p.status]}）`,
      ...p.sources.map((src) => `   来源：${SOURCE_ZH[src.kind] ?? src.kind} ${src.label}${Object.keys(src.evidence).length ? `；依据：${evidenceText(src.evidence)}` : ''}`),
      ...(p.measures ? [`   整改要求：${p.measures}`] : []),
    ]),
    '',
    `整改期限：${date(s.dueAt)}`,
    ...(link ? [`在线办理：${link}`] : []),
    '',
    `签发：${date(s.issuedAt)}`,
  ].join('\n');
}

export function noticeHtml(s: RectificationStatus, names: NoticeNames, link: string | null): string {
  const rows = s.problems
    .map(
      (p, i) => `<tr><td>${i + 1}</td><td>${esc(p.description)}</td><td>${p.sources
        .map((src) => `${esc(SOURCE_ZH[src.kind] ?? src.kind)}：${esc(src.label)}${Object.keys(src.evidence).length ? `<br><small>${esc(evidenceText(src.evidence))}</small>` : ''}`)
        .join('<br>')}</td><td>${esc(p.measures ?? '')}</td><td>${esc(STATUS_ZH[p.status])}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>整改通知书 ${esc(s.noticeNo)}</title>
<style>body{font-family:"SimSun","Songti SC",serif;max-width:210mm;margin:2em auto;line-height:1.7}h1{text-align:center;letter-spacing:.3em}
.no{text-align:center}table{border-collapse:collapse;width:100%}td,th{border:1px solid #333;padding:4px 6px;vertical-align:top}
.sign{text-align:right;margin-top:3em}@media print{.noprint{display:none}}</style></head><body>
<h1>整改通知书</h1><p class="no">${esc(s.noticeNo)}</p>
<p>${esc(names.dept)}（${esc(names.unit)}）：</p>
<p>根据${esc(SOURCE_ZH[s.source.kind] ?? s.source.kind)}（${esc(s.source.label)}）发现的问题，请于<strong>${esc(date(s.dueAt))}</strong>前完成整改，报送整改方案和整改报告（附佐证材料）。逾期未整改的，将报请问责。</p>
<table><thead><tr><th>序号</th><th>问题</th><th>来源及依据</th><th>整改要求</th><th>状态</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>整改期限：${esc(date(s.dueAt))}${s.dueAt !== s.originalDueAt ? `（原定${esc(date(s.originalDueAt))}，已延期）` : ''}</p>
${link ? `<p class="noprint"><a href="${esc(link)}">在线办理 / Open in jixiao</a></p>` : ''}
<p class="sign">财政部门<br>${esc(date(s.issuedAt))}</p>
</body></html>`;
}
