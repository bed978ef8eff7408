// @ts-check
// Rectification's web module (api/web/<name>/index.js, served at /rectification/index.js): its page
// (the dashboard of open problems by department, age and source and the share closed on time, drawn
// with ECharts like the other dashboards; the open problems; finance issuing a notice by hand), its
// task context panel (the notice, problems with sources and evidence, the last verdicts, the full
// history for an accountability case), and openProblemsPanel(unitId) for the pages that list a
// unit's open problems against its budget requests (pre-assessment, results).
import { echarts } from '../charts.js';
import { api, get, getToken, orgs, post } from '../api.js';
import { clear, fmtDate, h, toast } from '../dom.js';
import { translator, v } from '../i18n.js';
import { app } from '../state.js';
import { dlRow, generic } from '../render.js';
import { strings } from './strings.js';

export { strings, vocab } from './strings.js';

const t = translator(strings);


/** @param {HTMLElement} el @param {string} title @param {string[]} names @param {number[]} values @param {'bar' | 'pie'} kind */
async function chart(el, title, names, values, kind) {
  const e = await echarts();
  const c = e.init(el);
  c.setOption(
    kind === 'pie'
      ? { title: { text: title, left: 'center', textStyle: { fontSize: 14 } }, tooltip: { trigger: 'item' }, series: [{ type: 'pie', radius: '60%', data: names.map((n, i) => ({ name: n, value: values[i] })) }] }
      : { title: { text: title, left: 'center', textStyle: { fontSize: 14 } }, tooltip: {}, xAxis: { type: 'category', data: names }, yAxis: { type: 'value', minInterval: 1 }, series: [{ type: 'bar', data: values }] },
  );
  return c;
}

/** @typedef {{ workflowId: string, noticeNo: string, deptId: string, unitId: string, key: string, description: string, status: string, sourceKinds: string[], sourceLabel: string, ageDays: number, overdueDays: number, dueAt: string }} OpenProblem */

/** @param {OpenProblem[]} items @param {Map<string, string>} names */
function problemTable(items, names) {
  return h(
    'div.table-wrap',
    h(
      'table.data',
      h('thead', h('tr', ['col_notice', 'col_unit', 'col_problem', 'col_source', 'col_status', 'col_due', 'col_age', 'col_overdue'].map((k) => h('th', { scope: 'col' }, t(k))), h('th', ''))),
      h(
        'tbody',
        items.map((p) =>
          h(
            'tr',
            h('td', p.noticeNo),
            h('td', names.get(p.unitId) ?? p.unitId),
            h('td', p.description),
            h('td', p.sourceKinds.map((k) => v('source', k)).join('、'), h('br'), h('small', p.sourceLabel)),
            h('td', v('problemStatus', p.status)),
            h('td', fmtDate(p.dueAt)),
            h('td.num', String(p.ageDays)),
            h('td.num', p.overdueDays ? h('strong', String(p.overdueDays)) : '0'),
            h('td', h('button.link', { type: 'button', onclick: () => printNotice(p.workflowId) }, t('print_notice'))),
          ),
        ),
      ),
    ),
  );
}

/** Opens the printable notice (the route needs the bearer token, so it is fetched, then shown). */
async function printNotice(workflowId) {
  const r = await fetch(`/api/rectifications/${encodeURIComponent(workflowId)}/notice.html`, { headers: { authorization: `Bearer ${getToken()}` } });
  if (!r.ok) return toast(`HTTP ${r.status}`, 'error');
  const url = URL.createObjectURL(new Blob([await r.text()], { type: 'text/html' }));
  window.open(url, '_blank');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The form finance issues a notice with by hand. */
function openForm() {
  const f = /** @type {Record<string, HTMLInputElement | HTMLTextAreaElement>} */ ({});
  const field = (k, el) => ((f[k] = el), h('label', h('span', t(k)), el));
  const form = h(
    'form.card',
    { onsubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      const lines = f.open_problems.value.split('\n').map((s) => s.trim()).filter(Boolean);
      try {
        const r = await post('/api/rectifications', {
          deptId: f.open_dept.value.trim(),
          unitId: f.open_unit.value.trim(),
          source: { ref: f.open_ref.value.trim(), label: f.open_label.value.trim() },
          problems: lines.map((d, i) => ({ key: `p${i + 1}`, description: d, ...(f.open_measures.value.trim() ? { measures: f.open_measures.value.trim() } : {}) })),
        });
        toast(t('open_done', { id: r.workflowId }));
      } catch (err) {
        toast(String(/** @type {Error} */ (err).message), 'error');
      }
    } },
    h('h3', t('open_title')),
    field('open_dept', h('input', { required: true, placeholder: 'D01' })),
    field('open_unit', h('input', { required: true, placeholder: 'U0101' })),
    field('open_ref', h('input', { required: true })),
    field('open_label', h('input', { required: true })),
    field('open_problems', h('textarea', { required: true, rows: 4 })),
    field('open_measures', h('textarea', { rows: 2 })),
    h('button.primary', { type: 'submit' }, t('open_submit')),
  );
  return form;
}

/** @type {import('../types.js').StartPage['view']} */
async function rectificationView(main, { stale }) {
  const [d, list, names] = await Promise.all([app.can('dashboard.read') ? get('/api/rectifications/dashboard') : Promise.resolve(null), get('/api/rectifications/problems'), orgs()]);
  if (stale()) return;
  clear(main);
  const charts = [];
  const boxes = { dept: h('div.chart', { style: 'height:260px' }), age: h('div.chart', { style: 'height:260px' }), source: h('div.chart', { style: 'height:260px' }) };
  main.append(
    h(
      'section.rectification',
      h('h2', t('page_title')),
      d
        ? h(
            'div.dash',
            h('p.kpi', h('strong', `${t('dash_open')}：${d.open}`), ' · ', `${t('dash_on_time')}：`, d.notices.shareOnTime === null ? t('dash_no_data') : `${Math.round(d.notices.shareOnTime * 100)}%`),
            h('p.muted', t('dash_on_time_detail', { closed: d.notices.closed, onTime: d.notices.closedOnTime, running: d.notices.running, escalated: d.notices.escalated, accountability: d.notices.accountability })),
            h('div.charts', boxes.dept, boxes.age, boxes.source),
          )
        : null,
      h('h3', t('list_title')),
      problemTable(list.items, names),
      app.me?.roles?.some((r) => ['finance_performance', 'division_head', 'finance_director'].includes(r)) ? openForm() : null,
    ),
  );
  if (d) {
    charts.push(await chart(boxes.dept, t('dash_by_dept'), d.byDept.map((x) => x.name), d.byDept.map((x) => x.open), 'bar'));
    charts.push(await chart(boxes.age, t('dash_by_age'), d.byAge.map((x) => v('age', x.bucket)), d.byAge.map((x) => x.open), 'bar'));
    charts.push(await chart(boxes.source, t('dash_by_source'), d.bySource.map((x) => v('source', x.source)), d.bySource.map((x) => x.open), 'pie'));
  }
  return () => charts.forEach((c) => c.dispose());
}

/** @type {import('../types.js').StartPage} */
export const start = { route: 'rectification', label: strings.start, permission: 'process.read', view: rectificationView };

/**
 * A unit's open problems, for the pages that list them against its budget requests (pre-assessment,
 * results): the shell shows it on their task pages as this module's `unitPanel`.
 * @param {string} unitId
 */
export async function openProblemsPanel(unitId) {
  const [r, names] = await Promise.all([api('GET', `/api/rectifications/units/${encodeURIComponent(unitId)}/open-problems`), orgs()]);
  if (!r.items.length) return null;
  return h('div.notice.warn', h('h3', t('for_budget_title')), problemTable(r.items, names));
}

/** @param {Record<string, any>} p */
function problemRow(p) {
  const src = Array.isArray(p.sources) ? p.sources : [];
  return h(
    'li',
    h('strong', p.description ?? p.key),
    p.status ? ` （${v('problemStatus', p.status)}）` : '',
    p.measures ? h('div', `${v('field', 'measures')}：${p.measures}`) : null,
    p.plannedMeasures ? h('div', `${t('panel_report')}：${p.plannedMeasures}`) : null,
    src.map((s) => h('div.muted', `${v('source', s.kind)} ${s.label}`, Object.keys(s.evidence ?? {}).length ? h('div', `${t('panel_evidence')}：`, generic(s.evidence, 'evidence')) : null)),
    p.lastVerdict ? h('div.notice.warn', `${t('panel_last_verdict')}：${v('enum', p.lastVerdict.verdict)}${p.lastVerdict.comment ? `，${p.lastVerdict.comment}` : ''}`) : null,
    p.done ? h('div', `${t('panel_report')}：${p.done}`) : null,
    Array.isArray(p.attachmentIds) && p.attachmentIds.length ? h('div', `${t('panel_attachments')}：${p.attachmentIds.join('、')}`) : null,
  );
}

/** The task page's card: the notice and its problems; for an accountability case the full history. */
/** @param {import('../types.js').ContextArgs} args */
export function contextPanel({ context, orgNames }) {
  const n = /** @type {Record<string, any> | undefined} */ (context.notice);
  if (!n) return null;
  const problems = /** @type {Array<Record<string, any>>} */ (context.problems ?? context.report ?? []);
  const parts = [
    h('h3', t('panel_notice'), ' ', h('button.link', { type: 'button', onclick: () => printNotice(n.workflowId ?? '') }, t('print_notice'))),
    h(
      'dl.facts',
      dlRow(v('field', 'noticeNo'), n.noticeNo),
      dlRow(t('col_source'), `${v('source', n.source?.kind)} ${n.source?.label ?? ''}`),
      n.unitId ? dlRow(t('col_unit'), orgNames.get(n.unitId) ?? n.unitId) : null,
      dlRow(v('field', 'dueAt'), fmtDate(n.dueAt)),
      context.round ? dlRow(v('field', 'round'), String(context.round)) : null,
    ),
  ];
  if (context.returnReason) parts.push(h('div.notice.warn', `${t('panel_return')}：${context.returnReason}`));
  const req = /** @type {{ days?: number, reason?: string } | undefined} */ (context.request);
  if (req) parts.push(h('div.notice', `${t('panel_extension')}：${req.days} · ${req.reason}`));
  parts.push(h('h3', t('panel_problems')), h('ol', problems.map(problemRow)));
  if (Array.isArray(context.events)) {
    parts.push(h('h3', t('panel_history')), h('ul', context.events.map((e) => h('li', `${fmtDate(e.at)} ${v('audit', `rectification.${e.kind}`)}（${e.by}）`))));
  }
  return h('div.project', parts);
}

/**
 * A decision form's starting values: one line per problem (measures, the report, finance's verdicts).
 * @param {Record<string, any>} context
 * @param {import('../types.js').JsonSchema} schema
 */
export function prefill(context, schema) {
  const problems = /** @type {Array<Record<string, any>>} */ (context?.problems ?? context?.report ?? []);
  const props = schema?.properties ?? {};
  /** @type {Record<string, unknown>} */
  const out = {};
  if (props.measures) out.measures = problems.map((p) => ({ key: p.key, measures: '' }));
  if (props.problems) out.problems = problems.map((p) => ({ key: p.key, done: '', attachmentIds: [] }));
  if (props.verdicts) out.verdicts = problems.map((p) => ({ key: p.key, verdict: 'accepted' }));
  return out;
}

/** The shell shows it on every task page of a unit's project (a budget request's review among them). */
export const unitPanel = openProblemsPanel;
