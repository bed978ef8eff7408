// @ts-check
// Monitoring's web module (api/web/<name>/index.js, served at /monitoring/index.js): the round page
// for finance and departments (progress by department, an ECharts chart of each department's projects by stage, drill-down from a department
// to its units and a unit's projects with why each warned, the special transfer payments with their
// county projects: 穿透式监控, the round report), the round's stage with who cancelled it and why, the
// departments whose part failed (each re-run from there), cancelling a round (作废) with a reason
// (those buttons and the report's only for those the API allows them: finance; the transfers for dashboard.read),
// the form's prefill from finance's data, and its words.
import { echarts } from '../charts.js';
import { api, get, post } from '../api.js';
import { h } from '../dom.js';
import { app } from '../state.js';
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
  closed_at: { zh: '（{at} 结束）', en: ' (closed at {at})' },
  col_unit: { zh: '单位', en: 'Unit' },
  col_stage: { zh: '环节', en: 'Stage' },
  units_of: { zh: '{dept} 所属单位', en: 'Units of {dept}' },
  projects_of: { zh: '{unit} 的项目', en: 'Projects of {unit}' },
  transfers: { zh: '专项转移支付（穿透式监控）', en: 'Special transfer payments (penetrating monitoring)' },
  col_transfer: { zh: '转移支付', en: 'Transfer' },
  col_amount: { zh: '可用/已支付（元）', en: 'Available / paid (yuan)' },
  county_projects: { zh: '{transfer} 的县级项目', en: 'County projects of {transfer}' },
  no_transfers: { zh: '本轮无专项转移支付项目。', en: 'No special transfer payment in this round.' },
  form_of: { zh: '{project} 的监控表', en: 'Monitoring form of {project}' },
  no_form: { zh: '尚未填报。', en: 'Not submitted yet.' },
  stage_opening: { zh: '启动中', en: 'Opening' },
  stage_open: { zh: '填报中', en: 'Forms open' },
  stage_closed: { zh: '已结束', en: 'Closed' },
  stage_cancelling: { zh: '作废中（各部门正在关闭监控表）', en: 'Being cancelled (departments are closing their forms)' },
  stage_cancelled: { zh: '已作废', en: 'Cancelled' },
  cancelled_by: { zh: '{who} 于 {at} 作废本轮监控，理由：{reason}', en: 'Cancelled by {who} at {at}: {reason}' },
  unconfirmed: { zh: '以下 {n} 个监控任务未在等待时限内确认已关闭监控表（本轮仍记为已作废，请核查）：', en: '{n} parts did not confirm closing their forms in time (the round is cancelled all the same; check them):' },
  failed_title: { zh: '监控任务失败的部门（重新监控前本轮不会结束）', en: 'Departments whose part failed (the round stays open until they are re-run)' },
  col_reason: { zh: '原因', en: 'Reason' },
  col_failed_at: { zh: '时间', en: 'When' },
  rerun: { zh: '重新监控', en: 'Re-run' },
  rerun_sent: { zh: '已重新监控 {dept}。', en: 'Re-run started for {dept}.' },
  cancel_reason: { zh: '作废理由', en: 'Reason for cancelling' },
  cancel_round: { zh: '作废本轮监控', en: 'Cancel this round' },
  cancel_confirm: { zh: '作废后，各部门、单位尚未完成的监控表全部关闭，且不可恢复。确定作废？', en: 'Every open monitoring form of every department and unit closes, for good. Cancel the round?' },
  cancel_sent: { zh: '已提交作废，各部门正在关闭监控表。', en: 'Cancellation accepted: the departments are closing their forms.' },
  chart_label: { zh: '各部门监控项目进展', en: 'Where each department\'s projects stand' },
  bar_awaiting: { zh: '待填报', en: 'Form open' },
  bar_review: { zh: '待审核', en: 'In review' },
  bar_approved: { zh: '已审核', en: 'Approved' },
  bar_not_submitted: { zh: '未填报', en: 'Not submitted' },
  bar_cancelled: { zh: '已作废', en: 'Cancelled' },
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
    'monitoring.targetsRevised': { zh: '绩效目标调整已批准（新版本）', en: 'Target adjustment approved (new version)' },
    'monitoring.batchOpened': { zh: '监控表批次下发（截止、逾期、结束日期按工作日）', en: 'Forms opened (due, overdue and close in working days)' },
    'monitoring.departmentSuperseded': { zh: '部门重新监控，原监控表关闭', en: "Department re-run: its previous forms closed" },
    'monitoring.roundCancelled': { zh: '本轮监控已作废', en: 'Round cancelled' },
    'monitoring.departmentCancelled': { zh: '本轮监控作废，部门监控表已关闭', en: "Round cancelled: the department's forms closed" },
    'monitoring.departmentFailed': { zh: '部门监控任务失败', en: "Department's part failed" },
    'monitoring.departmentFormsClosed': { zh: '部门监控任务失败，所属单位监控表已关闭（待重新监控）', en: "Department's part failed: its units' forms closed until it is re-run" },
    'monitoring.partsUnconfirmed': { zh: '作废时有监控任务未在时限内确认关闭', en: 'Parts did not confirm closing their forms in time' },
  },
  field: {
    indicators: { zh: '绩效指标完成情况', en: 'Indicator progress' },
    completedPct: { zh: '当前完成（%）', en: 'Completed so far (%)' },
    expectedPct: { zh: '预计全年完成（%）', en: 'Expected by year end (%)' },
    expectedExecutionPct: { zh: '预计全年预算执行率（%）', en: 'Expected budget execution by year end (%)' },
    deviationReason: { zh: '偏差原因', en: 'Reasons for the deviation' },
    measures: { zh: '纠偏措施', en: 'Corrective measures' },
    attachments: { zh: '佐证材料', en: 'Evidence' },
    kind: { zh: '调整原因类型（政策变化/突发事件）', en: 'Why (policy change / emergency)' },
    reason: { zh: '调整理由', en: 'Reasons' },
    target: { zh: '调整后目标值', en: 'Adjusted target' },
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
  /** @type {ResizeObserver | null} */
  let resized = null;
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
    const why = (/** @type {any} */ x) => x.hits.map((/** @type {any} */ hit) => `${hit.rule.label}：${JSON.stringify(hit.data)}（${JSON.stringify(hit.threshold)}）`).join('；');
    const formBlock = h('div', {});
    /** One project opened: its form as submitted and why it warned. */
    const openProject = (/** @type {any} */ x) => {
      const f = x.form;
      formBlock.replaceChildren(
        h('h3', {}, t('form_of', { project: x.projectName })),
        f
          ? h('table', {}, h('tbody', {},
            ...f.indicators.map((/** @type {any} */ i) => h('tr', {}, h('td', {}, i.name), h('td', {}, `${i.completedPct}% → ${i.expectedPct}%`))),
            h('tr', {}, h('td', {}, '预计全年预算执行率'), h('td', {}, `${f.expectedExecutionPct}%`)),
            ...(f.deviationReason ? [h('tr', {}, h('td', {}, '偏差原因'), h('td', {}, f.deviationReason))] : []),
            ...(f.measures ? [h('tr', {}, h('td', {}, '纠偏措施'), h('td', {}, f.measures))] : [])))
          : h('p', {}, t('no_form')),
        h('p', {}, why(x)),
      );
    };
    const projectTable = (/** @type {any[]} */ items) =>
      h('table', {},
        h('thead', {}, h('tr', {}, ...['col_project', 'col_unit', 'col_stage', 'col_rate', 'col_why'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...items.map((/** @type {any} */ x) => h('tr', {},
          h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); openProject(x); } }, x.projectName)),
          h('td', {}, x.unitId),
          h('td', {}, `${x.stage}${x.overdue ? '（逾期）' : ''}`),
          h('td', {}, `${(x.executionRateBp / 100).toFixed(1)}%${x.timeProgressBp === undefined ? '' : ` / ${(x.timeProgressBp / 100).toFixed(1)}%`}`),
          h('td', {}, why(x))))));
    /** A unit's projects. */
    const unitDrill = async (/** @type {string} */ unitId) => {
      /** @type {any} */
      const p = await get(`/api/monitoring/rounds/${y}/${c}/projects?unitId=${encodeURIComponent(unitId)}&limit=1000`);
      unitProjects.replaceChildren(h('h3', {}, t('projects_of', { unit: unitId })), projectTable(p.items));
      formBlock.replaceChildren();
    };
    const unitProjects = h('div', {});
    /** A department's units, each with its counts, then a unit's projects. */
    const drill = async (/** @type {string} */ deptId) => {
      /** @type {any} */
      const p = await get(`/api/monitoring/rounds/${y}/${c}/projects?deptId=${encodeURIComponent(deptId)}&limit=1000`);
      /** @type {Map<string, { projects: number, submitted: number, approved: number, overdue: number, notSubmitted: number, warned: number }>} */
      const units = new Map();
      for (const x of p.items) {
        const u = units.get(x.unitId) ?? { projects: 0, submitted: 0, approved: 0, overdue: 0, notSubmitted: 0, warned: 0 };
        u.projects++;
        if (x.stage !== 'form' && x.stage !== 'notSubmitted') u.submitted++;
        if (x.stage === 'approved') u.approved++;
        if (x.overdue) u.overdue++;
        if (x.stage === 'notSubmitted') u.notSubmitted++;
        if (x.warned) u.warned++;
        units.set(x.unitId, u);
      }
      projects.replaceChildren(
        h('h3', {}, t('units_of', { dept: deptId })),
        h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, t('col_unit')), ...cols.map((k) => h('th', {}, t(labels[k]))))),
          h('tbody', {}, ...[...units].map(([unitId, u]) => h('tr', {},
            h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); void unitDrill(unitId); } }, unitId)),
            ...cols.map((k) => h('td', {}, String(u[k]))))))),
        unitProjects,
      );
      unitProjects.replaceChildren();
      formBlock.replaceChildren();
    };
    /** 穿透式监控: the round's special transfer payments, each opening its county projects. */
    const transfers = h('div', {});
    const county = h('div', {});
    const showTransfers = async () => {
      /** @type {any} */
      const list = await get(`/api/monitoring/rounds/${y}/${c}/transfers`);
      const yuan = (/** @type {number} */ fen) => (fen / 100).toFixed(2);
      transfers.replaceChildren(
        h('h2', {}, t('transfers')),
        list.items.length
          ? h('table', {},
            h('thead', {}, h('tr', {}, ...['col_transfer', 'col_projects', 'col_amount', 'col_rate', 'col_submitted', 'col_overdue', 'col_warned'].map((k) => h('th', {}, t(k))))),
            h('tbody', {}, ...list.items.map((/** @type {any} */ x) => h('tr', {},
              h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); void openTransfer(x.transferId); } }, x.transferId)),
              h('td', {}, String(x.projects)),
              h('td', {}, `${yuan(x.availableFen)} / ${yuan(x.paidFen)}`),
              h('td', {}, `${(x.executionRateBp / 100).toFixed(1)}%`),
              h('td', {}, String(x.submitted)), h('td', {}, String(x.overdue)), h('td', {}, String(x.warned))))))
          : h('p', {}, t('no_transfers')),
        county,
      );
    };
    const openTransfer = async (/** @type {string} */ transferId) => {
      /** @type {any} */
      const tr = await get(`/api/monitoring/transfers/${encodeURIComponent(transferId)}?year=${y}&cutoff=${c}`);
      county.replaceChildren(h('h3', {}, t('county_projects', { transfer: transferId })), projectTable(tr.items));
      formBlock.replaceChildren();
    };
    const chartEl = h('div.round-chart', { style: 'width:100%;height:320px', role: 'img', 'aria-label': t('chart_label') });
    const note = h('p', { role: 'status' });
    const stageLabel = ['opening', 'open', 'closed', 'cancelling', 'cancelled'].includes(r.stage) ? t(/** @type {any} */ (`stage_${r.stage}`)) : r.stage;
    /** What this user may do to the round (the API says: finance only, and only while it runs). */
    const may = new Set(/** @type {string[]} */ (r.allowedActions ?? []));
    /** @type {HTMLElement[]} */
    const head = [];
    if (r.cancelled) head.push(h('p.round-cancelled', {}, t('cancelled_by', { who: r.cancelled.byName || r.cancelled.by, at: new Date(r.cancelled.at).toLocaleString(), reason: r.cancelled.reason })));
    // a cancelled round ends after its bound even if some part never confirmed: those are listed to be checked
    if (r.unconfirmed?.length) {
      head.push(h('div.round-unconfirmed', { role: 'note' }, h('p', {}, t('unconfirmed', { n: String(r.unconfirmed.length) })),
        h('ul', {}, ...r.unconfirmed.map((/** @type {string} */ w) => h('li', {}, h('code', {}, w))))));
    }
    if (r.failed?.length) {
      head.push(h('h3', {}, t('failed_title')), h('table', {},
        h('thead', {}, h('tr', {}, ...['col_dept', 'col_reason', 'col_failed_at'].map((k) => h('th', {}, t(k))), may.has('rerun') ? h('th', {}) : null)),
        h('tbody', {}, ...r.failed.map((/** @type {any} */ f) => h('tr', { dataset: { dept: f.deptId } },
          h('td', {}, f.deptId), h('td', {}, f.reason), h('td', {}, new Date(f.at).toLocaleString()),
          may.has('rerun')
            ? h('td', {}, h('button', { onclick: async () => {
              try {
                await post('/api/monitoring/rounds', { year: Number(y), cutoff: c, deptId: f.deptId });
                note.textContent = t('rerun_sent', { dept: f.deptId });
              } catch (e) {
                note.textContent = /** @type {Error} */ (e).message;
              }
            } }, t('rerun')))
            : null)))));
    }
    if (may.has('cancel')) {
      const reason = h('input', { type: 'text', maxlength: '500', 'aria-label': t('cancel_reason'), placeholder: t('cancel_reason') });
      head.push(h('p', {}, reason, ' ', h('button', { onclick: async () => {
        const why = /** @type {HTMLInputElement} */ (reason).value.trim();
        if (!why || !window.confirm(t('cancel_confirm'))) return;
        try {
          const res = await post(`/api/monitoring/rounds/${y}/${c}/cancel`, { reason: why });
          if (res.stage === 'cancelled') void show();
          else note.textContent = t('cancel_sent');
        } catch (e) {
          note.textContent = /** @type {Error} */ (e).message;
        }
      } }, t('cancel_round'))));
    }
    out.append(
      h('h2', {}, t('round_title', { year: y, name: r.name })),
      ...head,
      note,
      h('p', {}, h('span.round-stage', {}, t('stage', { stage: stageLabel }), r.stage === 'closed' && r.closedAt ? t('closed_at', { at: new Date(r.closedAt).toLocaleString() }) : ''),
        ...(may.has('report')
          ? [' ', h('button', { onclick: () => void openReport(`/api/monitoring/rounds/${y}/${c}/report.html`, null) }, t('report_html')), ' ',
            h('button', { onclick: () => void openReport(`/api/monitoring/rounds/${y}/${c}/report.xlsx`, `monitoring-${y}-${c}.xlsx`) }, t('report_xlsx'))]
          : [])),
      chartEl,
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, t('col_dept')), ...cols.map((k) => h('th', {}, t(labels[k]))))),
        h('tbody', {}, ...r.byDepartment.map((/** @type {any} */ d) => h('tr', {},
          h('td', {}, h('a', { href: '#', onclick: (/** @type {Event} */ e) => { e.preventDefault(); void drill(d.deptId); } }, d.deptId)),
          ...cols.map((k) => h('td', {}, String(d[k]))))))),
      projects,
      transfers,
      formBlock,
    );
    // the special transfer payments are finance's and the leads' view (dashboard.read)
    if (app.can('dashboard.read')) void showTransfers();
    const ec = await echarts();
    if (ctx.stale()) return;
    chart?.dispose();
    resized?.disconnect();
    chart = ec.init(chartEl);
    // drawn at the container's size, and again whenever it changes (a container laid out later, a narrower window)
    resized = new ResizeObserver(() => chart?.resize());
    resized.observe(chartEl);
    chart.setOption(chartOption(r.byDepartment));
  };
  main.replaceChildren(h('h1', {}, t('start')), h('p', {}, year, cutoff, h('button', { onclick: () => void show() }, t('show'))), out);
  await show();
  return () => {
    resized?.disconnect();
    chart?.dispose();
  };
}

/** Where each of a department's projects stands, stacked to its projects (each in one stage), then overdue and warned beside. */
const STAGE_BARS = /** @type {const} */ ([
  ['awaitingForm', 'bar_awaiting', '#9fb3d1'],
  ['inReview', 'bar_review', '#f2b94b'],
  ['approved', 'bar_approved', '#3c8d5a'],
  ['notSubmitted', 'bar_not_submitted', '#8c8c8c'],
  ['cancelled', 'bar_cancelled', '#c9c9c9'],
]);
const FLAG_BARS = /** @type {const} */ ([
  ['overdue', 'col_overdue', '#d9822b'],
  ['warned', 'col_warned', '#c0392b'],
]);

/**
 * The round's chart: a department's projects by stage (so a round whose forms are all still open,
 * as a department reviewer sees it on the first day, shows its projects, not an empty plot).
 * @param {any[]} byDepartment
 */
function chartOption(byDepartment) {
  const bar = (/** @type {string} */ key, /** @type {any} */ label, /** @type {string} */ color, /** @type {string | undefined} */ stack) => ({
    type: 'bar', name: t(label), stack, itemStyle: { color }, barMaxWidth: 48,
    data: byDepartment.map((d) => d[key] ?? 0),
  });
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: {},
    xAxis: { type: 'category', data: byDepartment.map((d) => d.deptId) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [...STAGE_BARS.map(([k, l, c]) => bar(k, l, c, 'stage')), ...FLAG_BARS.map(([k, l, c]) => bar(k, l, c, undefined))],
  };
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
