// @ts-check
// Monitoring's web module (api/web/<name>/index.js, served at /monitoring/index.js): the round page
// for finance and departments (progress by department, an ECharts chart, drill-down to projects with
// why each warned, the round report), the form's prefill from finance's data, and its words.
import { echarts } from '../charts.js';
import { api, get } from '../api.js';
import { h } from '../dom.js';
import { translator } from '../i18n.js';

/** @type {import('../types.js').Strings} */
export const strings = {
  start: { zh: '绩效运行监控', en: 'Monitoring rounds' },
  round_title: { zh: '{year}年{name}', en: '{year} {name}' },
  pick_year: { zh: '年度', en: 'Year' },
  pick_round: { zh: '监控轮次', en: 'Round' },
  show: { zh: '查看', en: 'Show' },
  not_found: { zh: '该轮次尚未启动。', en: 'This round has not started.' },
  col_dept: { zh: '部门', en: 'Department' },
  col_projects: { zh: '监控项目', en: 'Projects' },
  col_submitted: { zh: '已填报', en: 'Forms submitted' },
  col_approved: { zh: '已审核', en: 'Approved' },
  col_overdue: { zh: '逾期', en: 'Overdue' },
  col_not_submitted: { zh: '未填报', en: 'Not submitted' },
  col_warned: { zh: '预警/偏差', en: 'Warnings' },
  col_project: { zh: '项目', en: 'Project' },
  col_rate: { zh: '执行率', en: 'Execution' },
  col_why: { zh: '预警依据', en: 'Why this warned' },
  report_html: { zh: '打印报告', en: 'Printable report' },
  report_xlsx: { zh: '导出 Excel', en: 'Excel report' },
  stage: { zh: '状态：{stage}', en: 'Stage: {stage}' },
};

/** @type {import('../types.js').Vocab} */
export const vocab = {
  audit: {
    'monitoring.roundStarted': { zh: '启动监控轮次', en: 'Round started' },
    'monitoring.rerunDepartment': { zh: '部门重新监控', en: 'Round re-run for a department' },
    'monitoring.schedule.pause': { zh: '暂停监控计划', en: 'Round schedule paused' },
    'monitoring.schedule.resume': { zh: '恢复监控计划', en: 'Round schedule resumed' },
    'monitoring.formIncomplete': { zh: '监控表缺少偏差原因或纠偏措施，退回填报', en: 'Form returned: deviation reasons or measures missing' },
    'monitoring.departmentOpened': { zh: '部门监控表已下发', en: "Department's forms opened" },
  },
  field: {
    indicators: { zh: '绩效指标完成情况', en: 'Indicator progress' },
    completedPct: { zh: '当前完成（%）', en: 'Completed so far (%)' },
    expectedPct: { zh: '预计全年完成（%）', en: 'Expected by year end (%)' },
    expectedExecutionPct: { zh: '预计全年预算执行率（%）', en: 'Expected budget execution by year end (%)' },
    deviationReason: { zh: '偏差原因', en: 'Reasons for the deviation' },
    measures: { zh: '纠偏措施', en: 'Corrective measures' },
    attachments: { zh: '佐证材料', en: 'Evidence' },
  },
};

const t = translator(strings);
const CUTOFFS = ['04-30', '05-31', '07-31', '09-30'];

/**
 * The report, fetched with the user's token: the HTML in a new window to print, the workbook saved.
 * @param {string} path @param {string | null} filename
 */
async function openReport(path, filename) {
  const res = /** @type {Response} */ (await api('GET', path, undefined, { raw: true }));
  const url = URL.createObjectURL(await res.blob());
  if (!filename) window.open(url, '_blank');
  else h('a', { href: url, download: filename }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** @param {HTMLElement} main @param {import('../types.js').ViewContext} ctx */
async function roundView(main, ctx) {
  const year = h('input', { type: 'number', value: String(new Date().getFullYear()), 'aria-label': t('pick_year') });
  const cutoff = h('select', { 'aria-label': t('pick_round') }, ...CUTOFFS.map((c) => h('option', { value: c }, c)));
  const out = h('div', {});
  /** @type {any} */
  let chart = null;
  const show = async () => {
    out.replaceChildren();
    const y = /** @type {HTMLInputElement} */ (year).value;
    const c = /** @type {HTMLSelectElement} */ (cutoff).value;
    /** @type {any} */
    let r;
    try {
      r = await get(`/api/monitoring/rounds/${y}/${c}`);
    } catch {
      out.append(h('p', {}, t('not_found')));
      return;
    }
    if (ctx.stale()) return;
    const cols = /** @type {const} */ (['projects', 'submitted', 'approved', 'overdue', 'notSubmitted', 'warned']);
    const labels = { projects: 'col_projects', submitted: 'col_submitted', approved: 'col_approved', overdue: 'col_overdue', notSubmitted: 'col_not_submitted', warned: 'col_warned' };
    const projects = h('div', {});
    const drill = async (/** @type {string} */ deptId) => {
      /** @type {any} */
      const p = await get(`/api/monitoring/rounds/${y}/${c}/projects?deptId=${encodeURIComponent(deptId)}`);
      projects.replaceChildren(
        h('table', {},
          h('thead', {}, h('tr', {}, ...['col_project', 'col_rate', 'col_why'].map((k) => h('th', {}, t(k))))),
          h('tbody', {}, ...p.items.map((/** @type {any} */ x) => h('tr', {},
            h('td', {}, `${x.projectName}（${x.unitId}）`),
            h('td', {}, `${(x.executionRateBp / 100).toFixed(1)}% / ${(x.timeProgressBp / 100).toFixed(1)}%`),
            h('td', {}, x.hits.map((/** @type {any} */ hit) => `${hit.rule.label}：${JSON.stringify(hit.data)}（${JSON.stringify(hit.threshold)}）`).join('；')))))),
      );
    };
    const chartEl = h('div', { style: 'width:100%;height:320px' });
    out.append(
      h('h2', {}, t('round_title', { year: y, name: r.name })),
      h('p', {}, t('stage', { stage: r.stage }), ' ',
        h('button', { onclick: () => void openReport(`/api/monitoring/rounds/${y}/${c}/report.html`, null) }, t('report_html')), ' ',
        h('button', { onclick: () => void openReport(`/api/monitoring/rounds/${y}/${c}/report.xlsx`, `monitoring-${y}-${c}.xlsx`) }, t('report_xlsx'))),
      chartEl,
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, t('col_dept')), ...cols.map((k) => h('th', {}, t(labels[k]))))),
        h('tbody', {}, ...r.byDepartment.map((/** @type {any} */ d) => h('tr', {},
          h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); void drill(d.deptId); } }, d.deptId)),
          ...cols.map((k) => h('td', {}, String(d[k]))))))),
      projects,
    );
    const ec = await echarts();
    if (ctx.stale()) return;
    chart?.dispose();
    chart = ec.init(chartEl);
    chart.setOption({
      tooltip: {},
      legend: {},
      xAxis: { type: 'category', data: r.byDepartment.map((/** @type {any} */ d) => d.deptId) },
      yAxis: { type: 'value' },
      series: ['submitted', 'overdue', 'warned'].map((k) => ({ type: 'bar', name: t(labels[/** @type {'submitted'} */ (k)]), data: r.byDepartment.map((/** @type {any} */ d) => d[k]) })),
    });
  };
  main.replaceChildren(h('h1', {}, t('start')), h('p', {}, year, cutoff, h('button', { onclick: () => void show() }, t('show'))), out);
  await show();
  return () => chart?.dispose();
}

/** @type {import('../types.js').StartPage} */
export const start = { route: 'monitoring', label: strings.start, permission: 'dashboard.read', view: roundView };

/**
 * The form starts from the industry's core indicators the workflow put in the context.
 * @param {Record<string, unknown>} context
 */
export function prefill(context) {
  const inds = /** @type {Array<{ code: string, name: string }>} */ (context.indicators ?? []);
  return { indicators: inds.map((i) => ({ code: i.code, name: i.name, core: true, completedPct: 0, expectedPct: 100 })), attachments: [] };
}
