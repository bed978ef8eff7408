// @ts-check
// The task list: tabs with counts (refreshed while the tab is visible), filters, search, sort,
// saved views (listViews.js), cursor paging, keyboard (listKeys.js), and bulk approval (listBulk.js) for leads.
// A row whose decision is queued is marked 已提交，处理中 (queued.js) and re-read every few seconds
// until its process has applied it (the row then shows the task's new status) or refused it.
import { get, orgs, qs, taskTypes, users } from './api.js';
import { fmtTime, h, toast } from './dom.js';
import { L, t } from './i18n.js';
import { every } from './live.js';
import { processes as knownProcesses, processLabel } from './processes.js';
import { bulkApproval } from './listBulk.js';
import { listKeys } from './listKeys.js';
import { FILTER_KEYS, hashOf, viewsBar } from './listViews.js';
import { outcomeName, QUEUED_POLL_MS, queuedTag, refusalReason } from './queued.js';
import { app } from './state.js';

/** @typedef {import('./types.js').TaskSummary} TaskSummary */
/** @typedef {{ actionable: number, assigned: number, group: number, submitted: number, overdue: number, dueSoon: number, byProcess?: Record<string, number> } & Record<string, any>} Counts */

const TABS = ['actionable', 'assigned', 'group', 'submitted'];
const PAGE = 25;
/** How often the counts are refreshed while the page is visible (live.js: shorter in tests). */
const COUNTS_POLL_MS = 30_000;

/**
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 * @param {import('./types.js').ViewContext} ctx
 */
export async function listView(main, query, { stale }) {
  /** @type {import('./listViews.js').Filters} */
  const f = {};
  for (const k of FILTER_KEYS) if (query.get(k)) f[k] = query.get(k);
  if (!TABS.includes(f.mine)) f.mine = 'actionable';

  /** @type {[Counts | null, import('./listViews.js').SavedView[], Map<string, string>, Array<{ id: string, name: string }>, Map<string, import('./types.js').TaskType>]} */
  const [firstCounts, views, orgNames, people, types] = await Promise.all([
    get('/api/tasks/counts').catch(() => null),
    get('/api/views').catch(() => []),
    orgs(),
    users().catch(() => []),
    taskTypes().catch(() => new Map()),
  ]);
  if (stale()) return;
  let counts = firstCounts;
  const names = new Map(people.map((p) => [p.id, p.name]));
  /** @param {string} ty */
  const typeName = (ty) => L(types.get(ty)?.label, ty);
  const cols = app.can('task.bulk') ? 7 : 6;

  // --- the parts of the page --------------------------------------------------------------
  const tbody = h('tbody');
  /** Leads approve in bulk; they may tick the open, bulk-approvable tasks they can act on. */
  const bulk = app.can('task.bulk')
    ? bulkApproval({ tbody, types, myKeys: new Set([app.me?.id, ...(app.me?.groups ?? [])].filter(Boolean)), stale, reload: () => Promise.all([refreshCounts({ announce: false }).catch(() => {}), load(false)]) })
    : null;
  const status = h('p.list-status', { role: 'status', 'aria-live': 'polite' });
  const more = /** @type {HTMLButtonElement} */ (h('button.btn', { type: 'button', hidden: true, onclick: () => load(true) }, t('load_more')));
  let cursor = null;
  let shown = 0;
  let reqSeq = 0;
  /** @type {Map<string, { task: TaskSummary, tr: HTMLElement }>} rows whose decision is queued: re-read until it is applied or refused */
  const waiting = new Map();

  /** @param {string} name @param {string} label @param {string[][]} options @param {string | undefined} value @returns {[HTMLElement, HTMLSelectElement]} */
  const sel = (name, label, options, value) => {
    const id = `flt-${name}`;
    const s = /** @type {HTMLSelectElement} */ (h('select', { id, name }, options.map(([val, text]) => h('option', { value: val, selected: val === (value ?? '') }, text))));
    return [h('label', { for: id }, label), s];
  };

  // processes: the server's (GET /api/process-types), then any other its task types or counts mention
  const processes = [...new Set([...knownProcesses().map((p) => p.name), ...[...types.values()].map((ty) => ty.process), ...Object.keys(counts?.byProcess ?? {})])];
  /** @param {string} p */
  const processText = (p) => `${processLabel(p)}${counts?.byProcess?.[p] ? `（${counts.byProcess[p]}）` : ''}`;
  const processOptions = [['', t('all')], ...processes.map((p) => [p, processText(p)])];
  const typeOptions = () => {
    const opts = [...types.values()].filter((ty) => !f.process || ty.process === f.process).map((ty) => [ty.type, L(ty.label, ty.type)]);
    if (f.type && !types.has(f.type)) opts.push([f.type, f.type]); // a saved view of a type this server no longer has
    return [['', t('all')], ...opts];
  };

  const [procLabel, procSel] = sel('process', t('filter_process'), processOptions, f.process);
  const [typeLabel, typeSel] = sel('type', t('filter_type'), typeOptions(), f.type);
  const [statusLabel, statusSel] = sel('status', t('filter_status'), [['open', t('status_open')], ['completed', t('status_completed')], ['cancelled', t('status_cancelled')], ['all', t('all')]], f.status ?? 'open');
  const [sortLabel, sortSel] = sel('sort', t('filter_sort'), [['due', t('sort_due')], ['priority', t('sort_priority')], ['created', t('sort_created')]], f.sort ?? 'due');
  const orderSel = /** @type {HTMLSelectElement} */ (h('select', { name: 'order', 'aria-label': `${t('filter_sort')}: ${t('order_asc')} / ${t('order_desc')}` }, h('option', { value: '' }, t('order_default')), h('option', { value: 'asc', selected: f.order === 'asc' }, t('order_asc')), h('option', { value: 'desc', selected: f.order === 'desc' }, t('order_desc'))));
  const overdue = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: 'flt-overdue', name: 'overdue', checked: f.overdue === 'true' }));
  const search = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'flt-q', name: 'q', value: f.q ?? '', placeholder: t('search_placeholder'), autocomplete: 'off' }));

  const badges = Object.fromEntries(TABS.map((tab) => [tab, h('span.badge', { hidden: true })]));
  const tabs = h(
    'nav.tabs',
    { 'aria-label': t('tabs_label') },
    TABS.map((tab) =>
      h(
        'a.tab',
        { href: hashOf({ ...f, mine: tab }), 'aria-current': f.mine === tab ? 'page' : undefined, dataset: { tab }, onclick: (/** @type {Event} */ e) => (e.preventDefault(), setFilter({ mine: tab })) },
        t(`tab_${tab}`),
        badges[tab],
      ),
    ),
  );

  const savedViews = viewsBar(views, f);

  const summaryCounts = h('span.summary-counts');
  const summary = h('p.summary', summaryCounts, h('span.summary-item.muted.kbd-hint', t('keyboard_hint'), bulk ? t('keyboard_hint_bulk') : ''));

  const changed = /** @type {HTMLButtonElement} */ (h('button.btn.small.list-changed', { type: 'button', hidden: true, onclick: () => load(false) }, t('list_changed')));

  main.append(
    h(
      'section.list-page',
      h('div.page-head', h('h1', t('nav_tasks')), summary),
      tabs,
      h(
        'form.filters',
        { role: 'search', onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), setFilter({ q: search.value.trim() || undefined })) },
        h('div.filter.search', h('label', { for: 'flt-q' }, t('filter_search')), search),
        h('div.filter', procLabel, procSel),
        h('div.filter', typeLabel, typeSel),
        h('div.filter', statusLabel, statusSel),
        h('div.filter', sortLabel, h('div.inline', sortSel, orderSel)),
        h('div.filter.check', h('label', { for: 'flt-overdue' }, overdue, ' ', t('filter_overdue'))),
      ),
      savedViews.el,
      bulk?.result,
      bulk?.bar,
      h(
        'div.table-wrap.card',
        h(
          'table.data.task-table',
          { class: bulk ? 'bulk' : '' },
          h(
            'thead',
            h(
              'tr',
              bulk ? h('th.col-check', { scope: 'col' }, bulk.allBox) : null,
              h('th', { scope: 'col' }, t('col_title')),
              h('th', { scope: 'col' }, t('col_process')),
              h('th', { scope: 'col' }, t('col_unit')),
              h('th', { scope: 'col' }, t('col_status')),
              h('th', { scope: 'col', class: 'col-due' }, t('col_due')),
              h('th', { scope: 'col', class: 'col-pri' }, t('col_priority')),
            ),
          ),
          tbody,
        ),
      ),
      h('div.list-foot', h('div.list-foot-left', status, changed), more),
    ),
  );

  procSel.addEventListener('change', () => setFilter({ process: procSel.value || undefined, type: undefined }));
  typeSel.addEventListener('change', () => setFilter({ type: typeSel.value || undefined }));
  statusSel.addEventListener('change', () => setFilter({ status: statusSel.value === 'open' ? undefined : statusSel.value }));
  sortSel.addEventListener('change', () => setFilter({ sort: sortSel.value === 'due' ? undefined : sortSel.value }));
  orderSel.addEventListener('change', () => setFilter({ order: orderSel.value || undefined }));
  overdue.addEventListener('change', () => setFilter({ overdue: overdue.checked ? 'true' : undefined }));
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => setFilter({ q: search.value.trim() || undefined }), 350);
  });

  /** Changes filters: the URL follows (replaceState, no re-render of the page), the rows reload. */
  /** @param {Record<string, string | undefined>} patch */
  function setFilter(patch) {
    Object.assign(f, patch);
    for (const k of Object.keys(f)) if (f[k] === undefined || f[k] === '') delete f[k];
    const hash = hashOf(f);
    history.replaceState(null, '', hash);
    app.lastList = hash;
    for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (tabs.querySelectorAll('a.tab'))) {
      a.href = hashOf({ ...f, mine: a.dataset.tab });
      if (a.dataset.tab === f.mine) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    typeSel.replaceChildren(...typeOptions().map(([val, text]) => h('option', { value: val, selected: val === (f.type ?? '') }, text)));
    savedViews.sync();
    renderCounts();
    void load(false);
  }

  /** The badges, the overdue / due-soon summary and the per-process counts, from `counts`. */
  function renderCounts() {
    for (const tab of TABS) {
      badges[tab].hidden = !counts;
      badges[tab].textContent = String(counts?.[tab] ?? 0);
      badges[tab].classList.toggle('alert', tab === 'actionable' && !!counts?.overdue);
    }
    summaryCounts.replaceChildren(
      ...[
        counts?.overdue ? h('a.summary-item.alert', { href: hashOf({ ...f, overdue: 'true' }) }, t('overdue_n', { n: counts.overdue })) : null,
        counts?.dueSoon ? h('span.summary-item.warn', t('due_soon', { n: counts.dueSoon })) : null,
      ].filter(Boolean),
    );
    for (const o of procSel.options) if (o.value) o.textContent = processText(o.value);
  }

  /** Fresh counts; when the current tab's count moved, offers to reload the rows (never reloads them under the user). */
  async function refreshCounts({ announce = true } = {}) {
    /** @type {Counts} */
    const c = await get('/api/tasks/counts');
    if (stale()) return;
    const before = counts;
    counts = c;
    renderCounts();
    if (announce && before && before[f.mine] !== c[f.mine]) changed.hidden = false;
  }

  /** @param {boolean} append */
  async function load(append) {
    const seq = ++reqSeq;
    const params = { ...f, limit: PAGE, cursor: append ? cursor : undefined };
    status.textContent = t('loading');
    more.disabled = true;
    try {
      /** @type {{ items: TaskSummary[], nextCursor: string | null }} */
      const res = await get(`/api/tasks${qs(params)}`);
      if (seq !== reqSeq || stale()) return;
      if (!append) {
        tbody.replaceChildren();
        shown = 0;
        keys.reset();
        bulk?.reset();
        waiting.clear();
        changed.hidden = true;
      }
      for (const task of res.items) tbody.append(row(task));
      shown += res.items.length;
      cursor = res.nextCursor;
      more.hidden = !cursor;
      status.textContent = shown ? t('list_count', { n: shown }) : '';
      if (!shown) tbody.append(h('tr.empty', h('td', { colspan: cols }, t('list_empty'))));
      bulk?.sync();
    } catch (e) {
      if (seq !== reqSeq) return;
      status.textContent = `${t('error_prefix')}：${e.message}`;
    } finally {
      more.disabled = false;
    }
  }

  /** The status cell's tags: closed, overdue, escalated, claimed, a decision queued (or mine refused). @param {TaskSummary} task */
  function statusTags(task) {
    const tags = [];
    const d = task.queuedDecision;
    if (task.status !== 'open') tags.push(h('span.tag', t(`status_${task.status}`)));
    if (d && task.status === 'open') tags.push(queuedTag(d, types.get(task.type), (uid) => names.get(uid) ?? ''));
    if (task.overdue) tags.push(h('span.tag.danger', t('tag_overdue')));
    if (task.escalated) tags.push(h('span.tag.warn', t('tag_escalated')));
    if (task.claimedBy) tags.push(h('span.tag.info', t('tag_claimed', { who: names.get(task.claimedBy) ?? task.claimedBy })));
    if (d?.status === 'refused' && task.status === 'open') tags.push(h('div.sub.decision-reason', refusalReason(d)));
    return tags.length ? tags : [h('span.tag.ok', t('status_open'))];
  }

  /** @param {TaskSummary} task */
  function row(task) {
    const href = `#/tasks/${encodeURIComponent(task.id)}`;
    const check = bulk ? h('td.col-check', bulk.rowBox(task)) : null;
    const tr = h(
      'tr.task-row',
      { class: task.overdue ? 'overdue' : '', dataset: { id: task.id } },
      check,
      h(
        'td.col-title',
        h('a.row-link', { href }, task.title),
        task.projectCode || task.projectName ? h('div.sub', [task.projectCode, task.projectName && !task.title.includes(task.projectName) ? task.projectName : null].filter(Boolean).join(' · ')) : null,
      ),
      h('td.col-proc', h('div', processLabel(task.process)), h('div.sub', typeName(task.type))),
      h('td.col-unit', orgNames.get(task.unitId) ?? task.unitId ?? '', task.deptId ? h('div.sub', orgNames.get(task.deptId) ?? task.deptId) : null),
      h('td.col-tags', statusTags(task)),
      h('td.col-due', { class: task.overdue ? 'due overdue-date' : 'due' }, h('time', { datetime: task.dueAt }, fmtTime(task.dueAt))),
      h('td.col-pri', h('span', { class: `pri pri-${task.priority}` }, t(`priority_${task.priority}`))),
    );
    // the whole row opens the task for mouse users; keyboard users have the link
    tr.addEventListener('click', (e) => {
      const target = /** @type {Element} */ (e.target);
      if (target.closest('a, button, input, label')) return;
      if (target.closest('td.col-check')) {
        // a click next to the tick box ticks it (a bigger target)
        bulk?.toggle(tr.querySelector('input.row-check'));
        return;
      }
      app.go(href);
    });
    if (task.queuedDecision?.status === 'queued') waiting.set(task.id, { task, tr });
    return tr;
  }

  /**
   * Re-reads the rows whose decision is queued (one request for all of them): a row whose decision
   * its process has applied shows the task's new status, one refused shows why; the counts follow.
   */
  async function recheckQueued() {
    if (!waiting.size) return;
    const ids = [...waiting.keys()];
    const u = new URLSearchParams([['mine', 'visible'], ['status', 'all'], ['limit', String(ids.length)], ...ids.map((id) => ['ids', id])]);
    /** @type {{ items: TaskSummary[] }} */
    const res = await get(`/api/tasks?${u}`);
    if (stale()) return;
    const fresh = new Map(res.items.map((x) => [x.id, x]));
    let settled = 0;
    for (const id of ids) {
      const w = waiting.get(id);
      const now = fresh.get(id);
      if (!w || (now?.queuedDecision?.status === 'queued' && now.queuedDecision.decisionId === w.task.queuedDecision?.decisionId)) continue;
      waiting.delete(id);
      settled++;
      if (!now) continue; // no longer one I may see
      w.tr.querySelector('td.col-tags')?.replaceChildren(...statusTags(now));
      w.tr.classList.toggle('decided', now.status !== 'open');
      const mine = w.task.queuedDecision?.by.userId === app.me?.id;
      if (mine && now.queuedDecision?.status === 'refused') toast(t('decision_refused_toast', { reason: refusalReason(now.queuedDecision) }), 'error');
      else if (mine && now.status !== 'open') toast(t('decision_applied', { outcome: outcomeName(types.get(now.type), now.outcome) }));
    }
    if (settled) await refreshCounts({ announce: false }).catch(() => {});
  }

  const keys = listKeys({ tbody, search, toggle: bulk ? (box) => bulk.toggle(box) : null });

  renderCounts();
  await load(false);
  if (stale()) {
    keys.stop();
    return;
  }
  const stopPolling = every(COUNTS_POLL_MS, () => refreshCounts());
  const stopQueued = every(QUEUED_POLL_MS, recheckQueued);
  return () => {
    stopPolling();
    stopQueued();
    keys.stop();
    clearTimeout(debounce);
  };
}
