// @ts-check
// The dashboard: progress per department and per process (stacked bars), processes per stage,
// conclusions as a hand-drawn SVG donut. No chart library. Process, stage and conclusion labels
// come from the server (GET /api/process-types).
import { get } from './api.js';
import { h, svg } from './dom.js';
import { L, t } from './i18n.js';
import { conclusionLabel, dashboardPanels, processLabel, stageLabel } from './processes.js';
import { app } from './state.js';

/** @typedef {{ open?: number, completed?: number, overdue?: number }} Figures */
/** @typedef {{ byDept: Array<Figures & { deptId?: string, deptName?: string }>, byProcess: Array<Figures & { process: string }>, stages: Array<{ process: string, stage: string, status: string, n: number }>, conclusions: Array<{ process: string, conclusion: string | null, n: number }> }} Dashboard */

const COLORS = { completed: '#2e7d4f', open: '#2f6db5', overdue: '#c0392b' };
const PALETTE = ['#2f6db5', '#7b5ea7', '#3b9aa0', '#5f7d8c', '#8c6d3f'];
/** @type {Record<string, string>} */
const CONCLUSION_COLORS = { passed: '#2e7d4f', passedReduced: '#d08a1c', failed: '#c0392b', withdrawn: '#9aa5b1', abandoned: '#6b7785' };

/** @param {HTMLElement} main @param {import('./types.js').ViewContext} ctx */
export async function dashboardView(main, { stale }) {
  if (!app.can('dashboard.read')) {
    main.append(h('section.card', h('h1', t('dash_title')), h('p.notice', t('dash_no_permission'))));
    return;
  }
  /** @type {Dashboard} */
  const d = await get('/api/dashboard');
  if (stale()) return;
  const legend = h(
    'p.legend',
    ['completed', 'open', 'overdue'].map((k) => h('span.legend-item', h('span.swatch', { style: `background:${COLORS[k]}` }), t(`dash_${k}`))),
  );
  main.append(
    h(
      'section.dashboard',
      h('div.page-head', h('h1', t('dash_title')), legend),
      h(
        'div.dash-grid',
        h('section.card', h('h2.card-title', t('dash_by_dept')), bars(d.byDept.map((r) => ({ label: r.deptName || r.deptId || '—', ...r })))),
        h('section.card', h('h2.card-title', t('dash_by_process')), bars(d.byProcess.map((r) => ({ label: processLabel(r.process), ...r })))),
        h('section.card', h('h2.card-title', t('dash_conclusions')), donut(d.conclusions)),
        h('section.card', h('h2.card-title', t('dash_stages')), stages(d.stages)),
      ),
    ),
  );
  // each process's own card (e.g. pre-assessment's figures), below the shared ones
  for (const p of dashboardPanels()) {
    const body = h('div');
    main.append(h('section.card.process-panel', { 'data-process': p.process }, h('h2.card-title', L(p.title, p.process)), body));
    p.render(body, { stale }).catch((e) => body.replaceChildren(h('p.notice.warn', String(e?.message ?? e))));
  }
}

/** One row per item: completed | open (not overdue) | overdue, as shares of the row's total. */
/** @param {Array<Figures & { label: string }>} rows */
function bars(rows) {
  if (!rows.length) return h('p.muted', t('dash_no_data'));
  return h(
    'ul.bars',
    rows.map((r) => {
      const overdue = r.overdue || 0;
      const open = Math.max(0, (r.open || 0) - overdue);
      const done = r.completed || 0;
      const total = done + open + overdue;
      /** @param {number} n */
      const pct = (n) => (total ? (100 * n) / total : 0);
      /** @param {'completed' | 'open' | 'overdue'} k @param {number} n */
      const seg = (k, n) => (n ? h('span.bseg', { style: `width:${pct(n).toFixed(2)}%;background:${COLORS[k]}`, title: `${t(`dash_${k}`)} ${n}` }) : null);
      const label = `${r.label}：${t('dash_completed')} ${done}，${t('dash_open')} ${r.open || 0}，${t('dash_overdue')} ${overdue}`;
      return h(
        'li.bar-row',
        h('span.bar-label', r.label),
        h('span.bar', { role: 'img', 'aria-label': label }, seg('completed', done), seg('open', open), seg('overdue', overdue)),
        h('span.bar-figures', h('span', { style: `color:${COLORS.completed}` }, String(done)), ' / ', h('span', { style: `color:${COLORS.open}` }, String(r.open || 0)), ' / ', h('span', { style: `color:${COLORS.overdue}` }, String(overdue)), h('span.muted', ` · ${total ? Math.round(pct(done)) : 0}%`)),
      );
    }),
  );
}

/** @param {Dashboard['conclusions']} rows */
function donut(rows) {
  let other = 0;
  const items = rows.map((r) => ({ label: `${processLabel(r.process)} · ${conclusionLabel(r.process, r.conclusion)}`, n: r.n, color: CONCLUSION_COLORS[r.conclusion] ?? PALETTE[other++ % PALETTE.length] }));
  const total = items.reduce((s, x) => s + x.n, 0);
  if (!total) return h('p.muted', t('dash_no_data'));
  const R = 60;
  const r0 = 38;
  const cx = 80;
  const cy = 80;
  let a0 = -Math.PI / 2;
  const arcs = items.map((it) => {
    const frac = it.n / total;
    const a1 = a0 + frac * 2 * Math.PI;
    const color = it.color;
    let shape;
    if (frac >= 0.9999) {
      shape = svg('g', {}, svg('circle', { cx, cy, r: R, fill: color }), svg('circle', { cx, cy, r: r0, fill: '#fff' }));
    } else {
      const large = a1 - a0 > Math.PI ? 1 : 0;
      /** @param {number} a @param {number} r */
      const p = (a, r) => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`;
      shape = svg('path', { d: `M ${p(a0, R)} A ${R} ${R} 0 ${large} 1 ${p(a1, R)} L ${p(a1, r0)} A ${r0} ${r0} 0 ${large} 0 ${p(a0, r0)} Z`, fill: color }, svg('title', {}, `${it.label}: ${it.n}`));
    }
    a0 = a1;
    return { shape, color };
  });
  const chart = svg(
    'svg',
    { viewBox: '0 0 160 160', width: 160, height: 160, role: 'img', 'aria-label': items.map((x) => `${x.label} ${x.n}`).join('，') },
    arcs.map((a) => a.shape),
    svg('text', { x: cx, y: cy - 2, 'text-anchor': 'middle', 'font-size': 22, 'font-weight': 600, fill: '#1f2d3d' }, String(total)),
    svg('text', { x: cx, y: cy + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#6b7785' }, t('dash_total')),
  );
  return h(
    'div.donut',
    chart,
    h(
      'ul.donut-legend',
      items.map((it, i) => h('li', h('span.swatch', { style: `background:${arcs[i].color}` }), h('span', it.label), h('strong', String(it.n)), h('span.muted', ` ${Math.round((100 * it.n) / total)}%`))),
    ),
  );
}

/** Processes by stage as an SVG bar chart (running in blue, completed in green). */
/** @param {Dashboard['stages']} rows */
function stages(rows) {
  if (!rows.length) return h('p.muted', t('dash_no_data'));
  const max = Math.max(...rows.map((r) => r.n), 1);
  const rowH = 26;
  const labelW = 170;
  const W = 460;
  const chartW = W - labelW - 40;
  const height = rows.length * rowH + 8;
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${height}`, width: W, height, class: 'stage-chart', role: 'img', 'aria-label': rows.map((r) => `${processLabel(r.process)} ${stageLabel(r.process, r.stage)} ${r.n}`).join('，') },
    rows.map((r, i) => {
      const y = 4 + i * rowH;
      const w = Math.max(2, (chartW * r.n) / max);
      const color = r.status === 'completed' ? COLORS.completed : COLORS.open;
      return svg(
        'g',
        {},
        svg('text', { x: labelW - 8, y: y + 15, 'text-anchor': 'end', 'font-size': 12, fill: '#33414f' }, `${processLabel(r.process)} · ${stageLabel(r.process, r.stage)}`),
        svg('rect', { x: labelW, y: y + 3, width: w.toFixed(1), height: rowH - 10, rx: 2, fill: color }, svg('title', {}, `${r.status === 'completed' ? t('dash_done') : t('dash_running')}: ${r.n}`)),
        svg('text', { x: labelW + w + 6, y: y + 15, 'font-size': 12, fill: '#33414f' }, String(r.n)),
      );
    }),
  );
}
