// The task list: tabs with counts (refreshed while the tab is visible), filters, search, sort,
// saved views, cursor paging, keyboard, and bulk approval (批量审批) for leads.
import { del, get, localMessage, orgs, post, put, qs, taskTypes, users } from './api.js';
import { fmtTime, h, modal, toast } from './dom.js';
import { keysOf, L, t, v } from './i18n.js';
import { outcomePicker } from './form.js';
import { every } from './live.js';
import { app } from './state.js';

const TABS = ['actionable', 'assigned', 'group', 'submitted'];
const FILTER_KEYS = ['mine', 'status', 'process', 'type', 'overdue', 'q', 'sort', 'order'];
const PAGE = 25;
/** How often the counts are refreshed while the page is visible (live.js: shorter in tests). */
const COUNTS_POLL_MS = 30_000;

export async function listView(main, query, { stale }) {
  const f = {};
  for (const k of FILTER_KEYS) if (query.get(k)) f[k] = query.get(k);
  if (!TABS.includes(f.mine)) f.mine = 'actionable';

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
  const typeName = (ty) => L(types.get(ty)?.label, ty);
  /** Leads approve in bulk; they may tick the open, bulk-approvable tasks they can act on. */
  const bulk = app.can('task.bulk');
  const myKeys = new Set([app.me?.id, ...(app.me?.groups ?? [])].filter(Boolean));
  const cols = bulk ? 7 : 6;

  // --- the parts of the page --------------------------------------------------------------
  const tbody = h('tbody');
  const status = h('p.list-status', { role: 'status', 'aria-live': 'polite' });
  const more = h('button.btn', { type: 'button', hidden: true, onclick: () => load(true) }, t('load_more'));
  let cursor = null;
  let shown = 0;
  let selected = -1;
  let reqSeq = 0;

  const sel = (name, label, options, value, extra = {}) => {
    const id = `flt-${name}`;
    const s = h('select', { id, name, ...extra }, options.map(([val, text]) => h('option', { value: val, selected: val === (value ?? '') }, text)));
    return [h('label', { for: id }, label), s];
  };

  // processes: the known names, then any other the server's task types or counts mention
  const processes = [...new Set([...keysOf('process'), ...[...types.values()].map((ty) => ty.process), ...Object.keys(counts?.byProcess ?? {})])];
  const processText = (p) => `${v('process', p)}${counts?.byProcess?.[p] ? `（${counts.byProcess[p]}）` : ''}`;
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
  const orderSel = h('select', { name: 'order', 'aria-label': `${t('filter_sort')}: ${t('order_asc')} / ${t('order_desc')}` }, h('option', { value: '' }, t('order_default')), h('option', { value: 'asc', selected: f.order === 'asc' }, t('order_asc')), h('option', { value: 'desc', selected: f.order === 'desc' }, t('order_desc')));
  const overdue = h('input', { type: 'checkbox', id: 'flt-overdue', name: 'overdue', checked: f.overdue === 'true' });
  const search = h('input', { type: 'search', id: 'flt-q', name: 'q', value: f.q ?? '', placeholder: t('search_placeholder'), autocomplete: 'off' });

  const badges = Object.fromEntries(TABS.map((tab) => [tab, h('span.badge', { hidden: true })]));
  const tabs = h(
    'nav.tabs',
    { 'aria-label': t('tabs_label') },
    TABS.map((tab) =>
      h(
        'a.tab',
        { href: hashOf({ ...f, mine: tab }), 'aria-current': f.mine === tab ? 'page' : undefined, dataset: { tab }, onclick: (e) => (e.preventDefault(), setFilter({ mine: tab })) },
        t(`tab_${tab}`),
        badges[tab],
      ),
    ),
  );

  // saved views
  const viewSel = h('select', { id: 'view-pick', 'aria-label': t('views_pick') }, h('option', { value: '' }, views.length ? `— ${t('views_pick')} —` : t('views_none')), views.map((vw) => h('option', { value: String(vw.id) }, vw.name)));
  const matching = views.find((vw) => sameFilters(vw.filters, f));
  if (matching) viewSel.value = String(matching.id);
  const delBtn = h('button.btn.small', { type: 'button', disabled: !matching, onclick: () => deleteView() }, t('views_delete'));
  viewSel.addEventListener('change', () => {
    const vw = views.find((x) => String(x.id) === viewSel.value);
    delBtn.disabled = !vw;
    if (vw) app.go(hashOf(vw.filters));
  });

  const summaryCounts = h('span.summary-counts');
  const summary = h('p.summary', summaryCounts, h('span.summary-item.muted.kbd-hint', t('keyboard_hint'), bulk ? t('keyboard_hint_bulk') : ''));

  // bulk approval: a tick per row, "select all on this page", the count, the button, the result
  const chosen = new Map(); // id → task, the rows ticked
  const shownTasks = new Map(); // id → task, the rows on the page
  const allBox = bulk ? h('input.bulk-all', { type: 'checkbox', id: 'bulk-all', 'aria-label': t('bulk_select_all'), title: t('bulk_select_all') }) : null;
  const bulkCount = h('span.bulk-count', { 'aria-live': 'polite' });
  const bulkBtn = h('button.btn.primary.small', { type: 'button', id: 'bulk-approve', disabled: true, onclick: () => bulkApprove() }, t('bulk_approve'));
  const bulkMsg = h('p.bulk-msg', { role: 'alert', hidden: true });
  const bulkBar = bulk ? h('div.bulk-bar', { hidden: true }, h('label.bulk-all-label', { for: 'bulk-all' }, t('bulk_select_all')), bulkCount, bulkBtn, bulkMsg) : null;
  const bulkResult = h('div.notice.bulk-result', { role: 'status', tabindex: '-1', hidden: true });
  const changed = h('button.btn.small.list-changed', { type: 'button', hidden: true, onclick: () => load(false) }, t('list_changed'));

  main.append(
    h(
      'section.list-page',
      h('div.page-head', h('h1', t('nav_tasks')), summary),
      tabs,
      h(
        'form.filters',
        { role: 'search', onsubmit: (e) => (e.preventDefault(), setFilter({ q: search.value.trim() || undefined })) },
        h('div.filter.search', h('label', { for: 'flt-q' }, t('filter_search')), search),
        h('div.filter', procLabel, procSel),
        h('div.filter', typeLabel, typeSel),
        h('div.filter', statusLabel, statusSel),
        h('div.filter', sortLabel, h('div.inline', sortSel, orderSel)),
        h('div.filter.check', h('label', { for: 'flt-overdue' }, overdue, ' ', t('filter_overdue'))),
      ),
      h('div.views-bar', h('span.views-label', t('views')), viewSel, h('button.btn.small', { type: 'button', onclick: () => saveView() }, t('views_save')), delBtn),
      bulkResult,
      bulkBar,
      h(
        'div.table-wrap.card',
        h(
          'table.data.task-table',
          { class: bulk ? 'bulk' : '' },
          h(
            'thead',
            h(
              'tr',
              bulk ? h('th.col-check', { scope: 'col' }, allBox) : null,
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
  allBox?.addEventListener('change', () => {
    for (const box of rowBoxes()) setChecked(box, allBox.checked);
    syncBulk();
  });
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => setFilter({ q: search.value.trim() || undefined }), 350);
  });

  /** Changes filters: the URL follows (replaceState, no re-render of the page), the rows reload. */
  function setFilter(patch) {
    Object.assign(f, patch);
    for (const k of Object.keys(f)) if (f[k] === undefined || f[k] === '') delete f[k];
    const hash = hashOf(f);
    history.replaceState(null, '', hash);
    app.lastList = hash;
    for (const a of tabs.querySelectorAll('a.tab')) {
      a.href = hashOf({ ...f, mine: a.dataset.tab });
      if (a.dataset.tab === f.mine) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    typeSel.replaceChildren(...typeOptions().map(([val, text]) => h('option', { value: val, selected: val === (f.type ?? '') }, text)));
    const m = views.find((vw) => sameFilters(vw.filters, f));
    viewSel.value = m ? String(m.id) : '';
    delBtn.disabled = !m;
    renderCounts();
    load(false);
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
    const c = await get('/api/tasks/counts');
    if (stale()) return;
    const before = counts;
    counts = c;
    renderCounts();
    if (announce && before && before[f.mine] !== c[f.mine]) changed.hidden = false;
  }

  async function load(append) {
    const seq = ++reqSeq;
    const params = { ...f, limit: PAGE, cursor: append ? cursor : undefined };
    status.textContent = t('loading');
    more.disabled = true;
    try {
      const res = await get(`/api/tasks${qs(params)}`);
      if (seq !== reqSeq || stale()) return;
      if (!append) {
        tbody.replaceChildren();
        shown = 0;
        selected = -1;
        chosen.clear();
        shownTasks.clear();
        changed.hidden = true;
      }
      for (const task of res.items) tbody.append(row(task));
      shown += res.items.length;
      cursor = res.nextCursor;
      more.hidden = !cursor;
      status.textContent = shown ? t('list_count', { n: shown }) : '';
      if (!shown) tbody.append(h('tr.empty', h('td', { colspan: cols }, t('list_empty'))));
      syncBulk();
    } catch (e) {
      if (seq !== reqSeq) return;
      status.textContent = `${t('error_prefix')}：${e.message}`;
    } finally {
      more.disabled = false;
    }
  }

  function row(task) {
    shownTasks.set(task.id, task);
    const href = `#/tasks/${encodeURIComponent(task.id)}`;
    let check = null;
    if (bulk) {
      const selectable = task.bulkApprovable === true && task.status === 'open' && (task.actors ?? []).some((a) => myKeys.has(a));
      const box = selectable ? h('input.row-check', { type: 'checkbox', 'aria-label': t('bulk_select_row', { title: task.title }), dataset: { id: task.id } }) : null;
      box?.addEventListener('change', () => (setChecked(box, box.checked), syncBulk()));
      check = h('td.col-check', box);
    }
    const tags = [];
    if (task.status !== 'open') tags.push(h('span.tag', t(`status_${task.status}`)));
    if (task.overdue) tags.push(h('span.tag.danger', t('tag_overdue')));
    if (task.escalated) tags.push(h('span.tag.warn', t('tag_escalated')));
    if (task.claimedBy) tags.push(h('span.tag.info', t('tag_claimed', { who: names.get(task.claimedBy) ?? task.claimedBy })));
    const tr = h(
      'tr.task-row',
      { class: task.overdue ? 'overdue' : '', dataset: { id: task.id } },
      check,
      h(
        'td.col-title',
        h('a.row-link', { href }, task.title),
        task.projectCode || task.projectName ? h('div.sub', [task.projectCode, task.projectName && !task.title.includes(task.projectName) ? task.projectName : null].filter(Boolean).join(' · ')) : null,
      ),
      h('td.col-proc', h('div', v('process', task.process)), h('div.sub', typeName(task.type))),
      h('td.col-unit', orgNames.get(task.unitId) ?? task.unitId ?? '', task.deptId ? h('div.sub', orgNames.get(task.deptId) ?? task.deptId) : null),
      h('td.col-tags', tags.length ? tags : h('span.tag.ok', t('status_open'))),
      h('td.col-due', { class: task.overdue ? 'due overdue-date' : 'due' }, h('time', { datetime: task.dueAt }, fmtTime(task.dueAt))),
      h('td.col-pri', h('span', { class: `pri pri-${task.priority}` }, t('priority')[task.priority] ?? String(task.priority))),
    );
    // the whole row opens the task for mouse users; keyboard users have the link
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, label')) return;
      if (e.target.closest('td.col-check')) {
        // a click next to the tick box ticks it (a bigger target)
        const box = tr.querySelector('input.row-check');
        if (box) (setChecked(box, !box.checked), syncBulk());
        return;
      }
      app.go(href);
    });
    return tr;
  }

  // --- bulk approval ---------------------------------------------------------------------------
  function rowBoxes() {
    return [...tbody.querySelectorAll('input.row-check')];
  }
  function setChecked(box, on) {
    box.checked = on;
    box.closest('tr')?.classList.toggle('checked', on);
    const task = shownTasks.get(box.dataset.id);
    if (on && task) chosen.set(task.id, task);
    else chosen.delete(box.dataset.id);
  }
  function syncBulk() {
    if (!bulk) return;
    const boxes = rowBoxes();
    const n = chosen.size;
    bulkCount.textContent = t('bulk_selected', { n });
    bulkBtn.disabled = n === 0;
    allBox.disabled = boxes.length === 0;
    allBox.checked = n > 0 && boxes.every((b) => b.checked);
    allBox.indeterminate = n > 0 && !allBox.checked;
    bulkBar.hidden = boxes.length === 0;
    bulkMsg.hidden = true; // a message about the last attempt no longer applies to a new selection
  }

  async function bulkApprove() {
    const items = [...chosen.values()];
    if (!items.length) return;
    const say = (text) => {
      bulkMsg.textContent = text;
      bulkMsg.hidden = false;
    };
    bulkMsg.hidden = true;
    const kinds = [...new Set(items.map((x) => x.type))];
    if (kinds.length > 1) return say(t('bulk_mixed', { n: kinds.length }));
    const outcomes = (types.get(kinds[0])?.outcomes ?? []).filter((o) => o.style !== 'danger');
    if (!outcomes.length) return say(t('bulk_no_outcome', { type: typeName(kinds[0]) }));

    let outcome = outcomes[0].key;
    const picker =
      outcomes.length > 1
        ? outcomePicker(outcomes, outcome, (o) => (outcome = o.key), 'bulk-outcome')
        : h('p.bulk-outcome', t('task_outcome'), '：', h('strong', L(outcomes[0].label, outcomes[0].key)));
    const comment = h('textarea', { id: 'bulk-comment', name: 'comment', rows: 3, maxlength: 2000 });
    const listed = items.slice(0, 8);
    const n = items.length;
    const res = await modal({
      title: t('bulk_title', { n }),
      body: h(
        'div.bulk-confirm',
        h('p', h('span.tag.info', typeName(kinds[0]))),
        h('ul.bulk-items', listed.map((x) => h('li', x.title)), n > listed.length ? h('li.muted', t('bulk_more', { n: n - listed.length })) : null),
        picker,
        h('div.field', h('label', { for: 'bulk-comment' }, t('bulk_comment')), comment),
      ),
      submitLabel: t('bulk_confirm', { n }),
      cancelLabel: t('cancel'),
      onSubmit: () => post('/api/tasks/bulk-decide', { taskIds: items.map((x) => x.id), outcome, comment: comment.value.trim() || null, form: {} }),
    });
    if (!res || stale()) return;
    showBulkResult(res, items);
    await Promise.all([refreshCounts({ announce: false }).catch(() => {}), load(false)]);
  }

  function showBulkResult(res, items) {
    const titles = new Map(items.map((x) => [x.id, x.title]));
    const failures = (res.results ?? []).filter((r) => !r.ok);
    bulkResult.className = `notice bulk-result ${failures.length ? 'warn' : 'ok'}`;
    bulkResult.replaceChildren(
      h(
        'div.bulk-result-head',
        h('strong.bulk-done', { dataset: { decided: String(res.decided) } }, t('bulk_done', { n: res.decided })),
        h('button.btn.small', { type: 'button', onclick: () => (bulkResult.hidden = true) }, t('bulk_dismiss')),
      ),
      ...(failures.length
        ? [h('p', t('bulk_failed', { n: failures.length })), h('ul.bulk-failures', failures.map((x) => h('li', h('strong', titles.get(x.taskId) ?? x.taskId), '：', localMessage(x.error ?? ''))))]
        : []),
    );
    bulkResult.hidden = false;
    bulkResult.focus();
    toast(t('bulk_done', { n: res.decided }), res.decided ? 'ok' : 'error');
  }

  async function saveView() {
    const input = h('input', { type: 'text', id: 'view-name', maxlength: 100, required: true, value: views.find((vw) => String(vw.id) === viewSel.value)?.name ?? '' });
    const saved = await modal({
      title: t('views_save'),
      body: h('div.field', h('label', { for: 'view-name' }, t('views_name')), input),
      submitLabel: t('save'),
      cancelLabel: t('cancel'),
      onSubmit: async () => {
        const name = input.value.trim();
        if (!name) throw new Error(`${t('views_name')}：${t('required')}`);
        const filters = clean(f);
        return put('/api/views', { name, filters });
      },
    });
    if (!saved) return;
    toast(t('views_saved', { name: saved.name }));
    app.go(hashOf(f)); // re-render with the new view list
  }

  async function deleteView() {
    const vw = views.find((x) => String(x.id) === viewSel.value);
    if (!vw) return;
    try {
      await del(`/api/views/${vw.id}`);
      toast(t('views_deleted', { name: vw.name }));
      app.go(hashOf(f));
    } catch (e) {
      toast(`${t('error_prefix')}：${e.message}`, 'error');
    }
  }

  // --- keyboard: j / k move, Enter opens (the focused link), / focuses the search -----------------
  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const tag = (e.target.tagName || '').toLowerCase();
    // a tick box is not typing: j / k / x work from it
    const typing = (tag === 'input' && !['checkbox', 'radio'].includes(e.target.type)) || tag === 'textarea' || tag === 'select' || e.target.isContentEditable;
    if (e.key === '/' && !typing) {
      e.preventDefault();
      search.focus();
      search.select();
      return;
    }
    if (e.key === 'Escape' && e.target === search) {
      search.blur();
      return;
    }
    if (typing || document.querySelector('dialog[open]')) return;
    const rows = [...tbody.querySelectorAll('tr.task-row')];
    if (!rows.length) return;
    if (e.key === 'j' || e.key === 'k') {
      e.preventDefault();
      const cur = rows.findIndex((r) => r.contains(document.activeElement));
      const base = cur >= 0 ? cur : selected;
      selected = Math.max(0, Math.min(rows.length - 1, base < 0 ? 0 : base + (e.key === 'j' ? 1 : -1)));
      for (const r of rows) r.classList.remove('selected');
      rows[selected].classList.add('selected');
      rows[selected].querySelector('a.row-link').focus();
    } else if (e.key === 'Enter' && selected >= 0 && !e.target.closest('a, button, input')) {
      rows[selected]?.querySelector('a.row-link')?.click();
    } else if (e.key === 'x' && bulk) {
      // x ticks / unticks the focused (or last selected) row
      const cur = rows.findIndex((r) => r.contains(document.activeElement));
      const box = rows[cur >= 0 ? cur : selected]?.querySelector('input.row-check');
      if (box) {
        e.preventDefault();
        setChecked(box, !box.checked);
        syncBulk();
      }
    }
  }
  document.addEventListener('keydown', onKey);
  tbody.addEventListener('focusin', (e) => {
    const r = e.target.closest('tr.task-row');
    if (!r) return;
    const rows = [...tbody.querySelectorAll('tr.task-row')];
    selected = rows.indexOf(r);
    for (const x of rows) x.classList.toggle('selected', x === r);
  });

  renderCounts();
  await load(false);
  if (stale()) {
    document.removeEventListener('keydown', onKey);
    return;
  }
  const stopPolling = every(COUNTS_POLL_MS, () => refreshCounts());
  return () => {
    stopPolling();
    document.removeEventListener('keydown', onKey);
    clearTimeout(debounce);
  };
}

const DEFAULTS = { mine: 'actionable', status: 'open', sort: 'due' };

/** Filters without empty or default values, as strings (saved views come back typed: overdue: true). */
function clean(o) {
  const out = {};
  for (const k of FILTER_KEYS) {
    const x = o?.[k];
    if (x === undefined || x === null || x === '' || String(x) === DEFAULTS[k]) continue;
    out[k] = String(x);
  }
  return out;
}

function hashOf(f) {
  return `#/tasks${qs(clean(f))}`;
}

function sameFilters(a, b) {
  const norm = (o) => {
    const s = clean(o);
    return JSON.stringify(Object.keys(s).sort().map((k) => [k, s[k]]));
  };
  return norm(a) === norm(b);
}
