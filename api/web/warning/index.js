// @ts-check
// Warning's web module (api/web/<name>/index.js, served at /warning/index.js): the open warnings by
// age and department, a warning's timeline (trigger with its rule's trace, suspension, verification,
// decision, money movements with people and times), the task page's context panel, and its words.
import { get } from '../api.js';
import { echarts } from '../charts.js';
import { h } from '../dom.js';
import { translator } from '../i18n.js';

/** @type {import('../types.js').Strings} */
export const strings = {
  start: { zh: '预警核实', en: 'Warnings' },
  open_warnings: { zh: '未结预警（按时长、部门）', en: 'Open warnings (by age and department)' },
  col_project: { zh: '项目', en: 'Project' },
  col_dept: { zh: '主管部门', en: 'Department' },
  col_stage: { zh: '阶段', en: 'Stage' },
  col_age: { zh: '已持续（天）', en: 'Age (days)' },
  timeline: { zh: '预警时间线', en: 'Warning timeline' },
  why: { zh: '预警依据', en: 'Why this warned' },
  rule: { zh: '规则', en: 'Rule' },
  threshold: { zh: '阈值', en: 'Threshold' },
  data: { zh: '数据', en: 'Data' },
  observed_at: { zh: '观测时间', en: 'Observed at' },
  return_comment: { zh: '退回意见', en: 'Comments on return' },
  proposal: { zh: '部门建议', en: "Department's proposal" },
  verified_by: { zh: '核实人', en: 'Verified by' },
  refused_rule: { zh: '财政系统拒绝原因', en: 'Refused by the finance system' },
  none: { zh: '暂无未结预警', en: 'No open warnings' },
  by_dept: { zh: '未结预警（按部门）', en: 'Open warnings by department' },
  by_age: { zh: '未结预警（按持续天数）', en: 'Open warnings by age (days)' },
  kpi: { zh: '未结预警 {open} 个，最长 {oldest} 天', en: '{open} open warnings, the oldest {oldest} days' },
  k_trigger: { zh: '触发预警', en: 'Triggered' },
  k_suspension: { zh: '暂停支付', en: 'Payments suspended' },
  k_verification: { zh: '部门核实', en: 'Verified' },
  k_refusal: { zh: '建议被拒', en: 'Proposal refused' },
  k_decision: { zh: '财政决定', en: 'Decided' },
  k_approval: { zh: '收回审批', en: 'Reclaim approval' },
  k_money: { zh: '资金处理', en: 'Money moved' },
  k_financeRefused: { zh: '财政系统拒绝', en: 'Finance refused' },
  k_expiry: { zh: '逾期', en: 'Expired' },
};

/** @type {import('../types.js').Vocab} */
export const vocab = {
  audit: {
    'warning.triggered': { zh: '触发预警', en: 'Warning triggered' },
    'warning.attached': { zh: '预警追加触发', en: 'Second trigger attached' },
    'warning.suspend': { zh: '暂停支付', en: 'Payments suspended' },
    'warning.resume': { zh: '恢复支付', en: 'Payments resumed' },
    'warning.adjust': { zh: '调整预算', en: 'Budget adjusted' },
    'warning.reclaim': { zh: '收回资金', en: 'Funds reclaimed' },
    'warning.resumeRefused': { zh: '恢复建议无正当理由被拒', en: 'Resume without a justified reason refused' },
    'warning.expired': { zh: '预警逾期', en: 'Warning expired' },
    'warning.concluded': { zh: '预警办结', en: 'Warning concluded' },
  },
};

const t = translator(strings);

/** @param {unknown} v */
const show = (v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));

/** Why it warned: the rule, its data and threshold, when. @param {Record<string, any>} trace */
function traceCard(trace) {
  return h('dl.facts', {},
    h('dt', {}, t('rule')), h('dd', {}, show(trace?.rule?.label)),
    h('dt', {}, t('data')), h('dd', {}, show(trace?.data)),
    h('dt', {}, t('threshold')), h('dd', {}, show(trace?.threshold)),
    h('dt', {}, t('observed_at')), h('dd', {}, show(trace?.observedAt)));
}

/** The timeline: every step with who and when. @param {Array<Record<string, any>>} entries */
export function timelineView(entries) {
  return h('ol.timeline', {}, ...entries.map((e) => h('li', {}, h('time', {}, show(e.at)), ' ', h('strong', {}, t(`k_${e.kind}`)), ' · ', show(e.by), e.kind === 'trigger' ? traceCard(e.detail?.trace) : h('small', {}, ' ', show(e.detail)))));
}

/** The task page's card: the triggers with their traces, the proposal, a return's comments. */
/** @param {import('../types.js').ContextArgs} args */
export function contextPanel({ context }) {
  const parts = [];
  if (context.returnComment) parts.push(h('div.notice.warn', {}, h('strong', {}, t('return_comment'), '：'), String(context.returnComment)));
  if (context.rule) parts.push(h('div.notice.warn', {}, h('strong', {}, t('refused_rule'), '：'), `${show(context.rule)} ${show(context.message)}`));
  const triggers = /** @type {Array<Record<string, any>>} */ (Array.isArray(context.triggers) ? context.triggers : []);
  if (triggers.length) parts.push(h('h3', {}, t('why')), ...triggers.map((tr) => traceCard(tr.trace)));
  const proposal = /** @type {Record<string, any> | undefined} */ (context.proposal);
  if (proposal) parts.push(h('h3', {}, t('proposal')), h('p', {}, show(proposal.outcome)), h('pre', {}, JSON.stringify(proposal.form, null, 2)));
  if (context.verifiedBy) parts.push(h('p', {}, t('verified_by'), '：', show(context.verifiedBy)));
  return h('div.project', {}, ...parts);
}

/** A bar chart of counts (ECharts, shared loader). @param {HTMLElement} el @param {string} title @param {string[]} names @param {number[]} values */
async function bars(el, title, names, values) {
  const e = await echarts();
  const c = e.init(el);
  c.setOption({ title: { text: title, left: 'center', textStyle: { fontSize: 14 } }, tooltip: {}, xAxis: { type: 'category', data: names }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: values }] });
  return c;
}

/** The dashboard of open warnings (by department and by age, ECharts), then the list oldest first; a click shows the timeline. */
/** @param {HTMLElement} main @param {import('../types.js').ViewContext} ctx */
async function openView(main, ctx) {
  const [r, d] = /** @type {any[]} */ (await Promise.all([get('/api/warnings'), get('/api/warnings/dashboard')]));
  if (ctx.stale()) return;
  const detail = h('div', {});
  const rows = r.items.map((/** @type {any} */ w) => {
    const [, year, projectId] = String(w.workflowId).split(':');
    const open = async () => {
      const s = /** @type {any} */ (await get(`/api/warnings/${year}/${encodeURIComponent(projectId)}`));
      detail.replaceChildren(h('h2', {}, t('timeline'), '：', show(w.projectName)), timelineView(s.timeline));
    };
    return h('tr', {}, h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); void open(); } }, show(w.projectName))), h('td', {}, show(w.deptId)), h('td', {}, show(w.stage)), h('td', {}, String(w.ageDays)));
  });
  const boxes = { dept: h('div.chart', { style: 'height:240px' }), age: h('div.chart', { style: 'height:240px' }) };
  main.replaceChildren(
    h('h1', {}, t('open_warnings')),
    h('p.kpi', {}, t('kpi', { open: d.open, oldest: d.oldestDays })),
    d.open ? h('div.charts', {}, boxes.dept, boxes.age) : null,
    rows.length
      ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, t('col_project')), h('th', {}, t('col_dept')), h('th', {}, t('col_stage')), h('th', {}, t('col_age')))), h('tbody', {}, ...rows))
      : h('p', {}, t('none')),
    detail,
  );
  if (!d.open) return undefined;
  const charts = [
    await bars(boxes.dept, t('by_dept'), d.byDept.map((/** @type {any} */ x) => x.deptId), d.byDept.map((/** @type {any} */ x) => x.open)),
    await bars(boxes.age, t('by_age'), d.byAge.map((/** @type {any} */ x) => x.bucket), d.byAge.map((/** @type {any} */ x) => x.open)),
  ];
  return () => charts.forEach((c) => c.dispose());
}

/** @type {import('../types.js').StartPage} */
export const start = { route: 'warnings', label: strings.start, permission: 'dashboard.read', view: openView };
