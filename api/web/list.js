// The task list: tabs with counts, filters, search, sort, saved views, cursor paging, keyboard.
import { del, get, orgs, put, qs, users } from './api.js';
import { fmtTime, h, modal, toast } from './dom.js';
import { keysOf, t, v } from './i18n.js';
import { app } from './state.js';

const TABS = ['actionable', 'assigned', 'group', 'submitted'];
const FILTER_KEYS = ['mine', 'status', 'process', 'type', 'overdue', 'q', 'sort', 'order'];
const PAGE = 25;

export async function listView(main, query, { stale }) {
  const f = {};
  for (const k of FILTER_KEYS) if (query.get(k)) f[k] = query.get(k);
  if (!TABS.includes(f.mine)) f.mine = 'actionable';

  const [counts, views, orgNames, people] = await Promise.all([get('/api/tasks/counts').catch(() => null), get('/api/views').catch(() => []), orgs(), users().catch(() => [])]);
  if (stale()) return;
  const names = new Map(people.map((p) => [p.id, p.name]));

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

  const processOptions = [['', t('all')], ...keysOf('process').map((p) => [p, `${v('process', p)}${counts?.byProcess?.[p] ? `（${counts.byProcess[p]}）` : ''}`])];
  const typeOptions = () => [['', t('all')], ...keysOf('taskType').filter((ty) => !f.process || ty.startsWith(`${f.process}.`)).map((ty) => [ty, v('taskType', ty)])];

  const [procLabel, procSel] = sel('process', t('filter_process'), processOptions, f.process);
  const [typeLabel, typeSel] = sel('type', t('filter_type'), typeOptions(), f.type);
  const [statusLabel, statusSel] = sel('status', t('filter_status'), [['open', t('status_open')], ['completed', t('status_completed')], ['cancelled', t('status_cancelled')], ['all', t('all')]], f.status ?? 'open');
  const [sortLabel, sortSel] = sel('sort', t('filter_sort'), [['due', t('sort_due')], ['priority', t('sort_priority')], ['created', t('sort_created')]], f.sort ?? 'due');
  const orderSel = h('select', { name: 'order', 'aria-label': `${t('filter_sort')}: ${t('order_asc')} / ${t('order_desc')}` }, h('option', { value: '' }, t('order_default')), h('option', { value: 'asc', selected: f.order === 'asc' }, t('order_asc')), h('option', { value: 'desc', selected: f.order === 'desc' }, t('order_desc')));
  const overdue = h('input', { type: 'checkbox', id: 'flt-overdue', name: 'overdue', checked: f.overdue === 'true' });
  const search = h('input', { type: 'search', id: 'flt-q', name: 'q', value: f.q ?? '', placeholder: t('search_placeholder'), autocomplete: 'off' });

  const tabs = h(
    'nav.tabs',
    { 'aria-label': t('tabs_label') },
    TABS.map((tab) =>
      h(
        'a.tab',
        { href: hashOf({ ...f, mine: tab }), 'aria-current': f.mine === tab ? 'page' : undefined, dataset: { tab }, onclick: (e) => (e.preventDefault(), setFilter({ mine: tab })) },
        t(`tab_${tab}`),
        counts ? h('span.badge', { class: tab === 'actionable' && counts.overdue ? 'alert' : '' }, String(counts[tab] ?? 0)) : null,
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

  const summary = counts
    ? h(
        'p.summary',
        counts.overdue ? h('a.summary-item.alert', { href: hashOf({ ...f, overdue: 'true' }) }, t('overdue_n', { n: counts.overdue })) : null,
        counts.dueSoon ? h('span.summary-item.warn', t('due_soon', { n: counts.dueSoon })) : null,
        h('span.summary-item.muted.kbd-hint', t('keyboard_hint')),
      )
    : null;

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
      h(
        'div.table-wrap.card',
        h(
          'table.data.task-table',
          h('thead', h('tr', h('th', { scope: 'col' }, t('col_title')), h('th', { scope: 'col' }, t('col_process')), h('th', { scope: 'col' }, t('col_unit')), h('th', { scope: 'col' }, t('col_status')), h('th', { scope: 'col', class: 'col-due' }, t('col_due')), h('th', { scope: 'col', class: 'col-pri' }, t('col_priority')))),
          tbody,
        ),
      ),
      h('div.list-foot', status, more),
    ),
  );

  procSel.addEventListener('change', () => setFilter({ process: procSel.value || undefined, type: undefined }));
  typeSel.addEventListener('change', () => setFilter({ type: typeSel.value || undefined }));
  statusSel.addEventListener('change', () => setFilter({ status: statusSel.value === 'open' ? undefined : statusSel.value }));
  sortSel.addEventListener('change', () => setFilter({ sort: sortSel.value === 'due' ? undefined : sortSel.value }));
  orderSel.addEventListener('change', () => setFilter({ order: orderSel.value || undefined }));
  overdue.addEventListener('change', () => setFilter({ overdue: overdue.checked ? 'true' : undefined }));
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
    load(false);
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
      }
      for (const task of res.items) tbody.append(row(task));
      shown += res.items.length;
      cursor = res.nextCursor;
      more.hidden = !cursor;
      status.textContent = shown ? t('list_count', { n: shown }) : '';
      if (!shown) tbody.append(h('tr.empty', h('td', { colspan: 6 }, t('list_empty'))));
    } catch (e) {
      if (seq !== reqSeq) return;
      status.textContent = `${t('error_prefix')}：${e.message}`;
    } finally {
      more.disabled = false;
    }
  }

  function row(task) {
    const href = `#/tasks/${encodeURIComponent(task.id)}`;
    const tags = [];
    if (task.status !== 'open') tags.push(h('span.tag', t(`status_${task.status}`)));
    if (task.overdue) tags.push(h('span.tag.danger', t('tag_overdue')));
    if (task.escalated) tags.push(h('span.tag.warn', t('tag_escalated')));
    if (task.claimedBy) tags.push(h('span.tag.info', t('tag_claimed', { who: names.get(task.claimedBy) ?? task.claimedBy })));
    const tr = h(
      'tr.task-row',
      { class: task.overdue ? 'overdue' : '', dataset: { id: task.id } },
      h(
        'td.col-title',
        h('a.row-link', { href }, task.title),
        task.projectCode || task.projectName ? h('div.sub', [task.projectCode, task.projectName && !task.title.includes(task.projectName) ? task.projectName : null].filter(Boolean).join(' · ')) : null,
      ),
      h('td.col-proc', h('div', v('process', task.process)), h('div.sub', v('taskType', task.type))),
      h('td.col-unit', orgNames.get(task.unitId) ?? task.unitId ?? '', task.deptId ? h('div.sub', orgNames.get(task.deptId) ?? task.deptId) : null),
      h('td.col-tags', tags.length ? tags : h('span.tag.ok', t('status_open'))),
      h('td.col-due', { class: task.overdue ? 'due overdue-date' : 'due' }, h('time', { datetime: task.dueAt }, fmtTime(task.dueAt))),
      h('td.col-pri', h('span', { class: `pri pri-${task.priority}` }, t('priority')[task.priority] ?? String(task.priority))),
    );
    // the whole row opens the task for mouse users; keyboard users have the link
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a, button')) return;
      app.go(href);
    });
    return tr;
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
    const typing = tag === 'input' || tag === 'textarea' || tag === 'select' || e.target.isContentEditable;
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
    } else if (e.key === 'Enter' && selected >= 0 && !e.target.closest('a, button')) {
      rows[selected]?.querySelector('a.row-link')?.click();
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

  await load(false);
  return () => {
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
