// @ts-check
// The figures finance reports on pre-assessment and target review (000, 001, 004: 一次性审核通过率), on
// the dashboard: per budget year and department, applications assessed, the first-pass rate, amounts
// requested, approved and cut, as an ECharts chart and a table, saved as CSV or xlsx with the user's token.
import { echarts } from '../charts.js';
import { api, get } from '../api.js';
import { h } from '../dom.js';
import { translator } from '../i18n.js';

/** @type {import('../types.js').Strings} */
export const figureStrings = {
  figures_title: { zh: '事前绩效评估统计', en: 'Pre-assessment figures' },
  figures_year: { zh: '预算年度', en: 'Budget year' },
  figures_show: { zh: '查看', en: 'Show' },
  figures_dept: { zh: '部门', en: 'Department' },
  figures_assessed: { zh: '评审项目数', en: 'Assessed' },
  figures_first: { zh: '一次通过数', en: 'Passed first time' },
  figures_rate: { zh: '一次性审核通过率', en: 'First-pass rate' },
  figures_requested: { zh: '申请金额（万元）', en: 'Requested (10k yuan)' },
  figures_approved: { zh: '核定金额（万元）', en: 'Approved (10k yuan)' },
  figures_cut: { zh: '核减金额（万元）', en: 'Cut (10k yuan)' },
  figures_none: { zh: '该年度尚无已完成的评审。', en: 'No concluded reviews for this year.' },
  figures_csv: { zh: '导出 CSV', en: 'CSV' },
  figures_xlsx: { zh: '导出 Excel', en: 'Excel' },
  important_html: { zh: '重要绩效目标表（打印）', en: 'Important targets (print)' },
  important_xlsx: { zh: '重要绩效目标表（Excel）', en: 'Important targets (Excel)' },
};
const t = translator(figureStrings);

/** @typedef {{ deptId: string, deptName: string, assessed: number, passedFirstTime: number, firstPassRate: number | null, requestedFen: number, approvedFen: number, cutFen: number }} DeptFigures */

/** fen → 万元, two decimals */
const wan = (/** @type {number} */ fen) => Math.round(fen / 100) / 10000;

/** Fetched with the user's token: saved under `filename`, or (null) opened in a new window to print. @param {string} path @param {string | null} filename */
async function save(path, filename) {
  const res = /** @type {Response} */ (await api('GET', path, undefined, { raw: true }));
  const url = URL.createObjectURL(await res.blob());
  if (!filename) window.open(url, '_blank');
  else h('a', { href: url, download: filename }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** @param {HTMLElement} el @param {{ stale: () => boolean }} ctx */
async function render(el, ctx) {
  const year = /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: 2000, max: 2100, value: String(new Date().getFullYear() + 1), 'aria-label': t('figures_year') }));
  const chartEl = h('div.chart', { style: 'height:280px' });
  const table = h('div.table-wrap');
  /** @type {any} */
  let chart = null;
  const show = async () => {
    const y = Number(year.value);
    /** @type {{ items: DeptFigures[] }} */
    const r = await get(`/api/pre-assessment-figures?year=${y}`);
    if (ctx.stale()) return;
    if (!r.items.length) {
      chart?.dispose();
      chart = null;
      chartEl.hidden = true;
      table.replaceChildren(h('p.muted', t('figures_none')));
      return;
    }
    chartEl.hidden = false;
    const cols = /** @type {const} */ (['assessed', 'passedFirstTime', 'firstPassRate', 'requestedFen', 'approvedFen', 'cutFen']);
    const heads = ['figures_assessed', 'figures_first', 'figures_rate', 'figures_requested', 'figures_approved', 'figures_cut'];
    table.replaceChildren(
      h(
        'table.data.figures',
        h('thead', h('tr', h('th', { scope: 'col' }, t('figures_dept')), heads.map((k) => h('th', { scope: 'col' }, t(k))))),
        h(
          'tbody',
          r.items.map((d) =>
            h(
              'tr',
              { 'data-dept': d.deptId },
              h('td', d.deptName),
              cols.map((k) => h('td.num', k === 'firstPassRate' ? (d.firstPassRate === null ? '—' : `${Math.round(d.firstPassRate * 1000) / 10}%`) : k.endsWith('Fen') ? String(wan(/** @type {number} */ (d[k]))) : String(d[k]))),
            ),
          ),
        ),
      ),
    );
    const ec = await echarts();
    if (ctx.stale()) return;
    chart?.dispose();
    chart = ec.init(chartEl);
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: {},
      xAxis: { type: 'category', data: r.items.map((d) => d.deptName) },
      yAxis: [{ type: 'value', name: '万元' }, { type: 'value', name: '%', max: 100 }],
      series: [
        ...(/** @type {const} */ (['requestedFen', 'approvedFen', 'cutFen'])).map((k, i) => ({ type: 'bar', name: t(heads[3 + i]), data: r.items.map((d) => wan(d[k])) })),
        { type: 'line', name: t('figures_rate'), yAxisIndex: 1, data: r.items.map((d) => (d.firstPassRate === null ? null : Math.round(d.firstPassRate * 1000) / 10)) },
      ],
    });
  };
  el.replaceChildren(
    h(
      'p.toolbar',
      h('label', t('figures_year'), ' ', year),
      h('button', { onclick: () => void show() }, t('figures_show')),
      h('button', { onclick: () => void save(`/api/pre-assessment-figures?year=${year.value}&format=csv`, `pre-assessment-${year.value}.csv`) }, t('figures_csv')),
      h('button', { onclick: () => void save(`/api/pre-assessment-figures?year=${year.value}&format=xlsx`, `pre-assessment-${year.value}.xlsx`) }, t('figures_xlsx')),
      // the important targets that go with the draft budget to the People's Congress and the government (004)
      h('button', { onclick: () => void save(`/api/important-targets?year=${year.value}&format=html`, null) }, t('important_html')),
      h('button', { onclick: () => void save(`/api/important-targets?year=${year.value}&format=xlsx`, `important-targets-${year.value}.xlsx`) }, t('important_xlsx')),
    ),
    chartEl,
    table,
  );
  await show();
}

/** Pre-assessment's card on the dashboard. */
export const dashboardPanel = { title: figureStrings.figures_title, render };
