// @ts-check
// The task list's filters as a URL (#/tasks?…) and its saved views (我的视图): a bar to pick, save and
// delete a named set of filters.
import { del, put, qs } from './api.js';
import { h, modal, toast } from './dom.js';
import { t } from './i18n.js';
import { app } from './state.js';

/** @typedef {Record<string, string>} Filters */
/** @typedef {{ id: number | string, name: string, filters: Record<string, unknown> }} SavedView */

export const FILTER_KEYS = ['mine', 'status', 'process', 'type', 'overdue', 'q', 'sort', 'order'];
/** @type {Record<string, string>} */
const DEFAULTS = { mine: 'actionable', status: 'open', sort: 'due' };

/** Filters without empty or default values, as strings (saved views come back typed: overdue: true). */
/** @param {Record<string, unknown>} o @returns {Filters} */
export function clean(o) {
  /** @type {Filters} */
  const out = {};
  for (const k of FILTER_KEYS) {
    const x = o?.[k];
    if (x === undefined || x === null || x === '' || String(x) === DEFAULTS[k]) continue;
    out[k] = String(x);
  }
  return out;
}

/** @param {Record<string, unknown>} f */
export const hashOf = (f) => `#/tasks${qs(clean(f))}`;

/** @param {Record<string, unknown>} a @param {Record<string, unknown>} b */
function sameFilters(a, b) {
  /** @param {Record<string, unknown>} o */
  const norm = (o) => {
    const s = clean(o);
    return JSON.stringify(Object.keys(s).sort().map((k) => [k, s[k]]));
  };
  return norm(a) === norm(b);
}

/**
 * The saved-views bar for the filters `f` (kept current by the list: call sync() after a change).
 * @param {SavedView[]} views
 * @param {Filters} f
 */
export function viewsBar(views, f) {
  const viewSel = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'view-pick', 'aria-label': t('views_pick') }, h('option', { value: '' }, views.length ? `— ${t('views_pick')} —` : t('views_none')), views.map((vw) => h('option', { value: String(vw.id) }, vw.name)))
  );
  const delBtn = /** @type {HTMLButtonElement} */ (h('button.btn.small', { type: 'button', onclick: () => deleteView() }, t('views_delete')));
  const sync = () => {
    const m = views.find((vw) => sameFilters(vw.filters, f));
    viewSel.value = m ? String(m.id) : '';
    delBtn.disabled = !m;
  };
  viewSel.addEventListener('change', () => {
    const vw = views.find((x) => String(x.id) === viewSel.value);
    delBtn.disabled = !vw;
    if (vw) app.go(hashOf(vw.filters));
  });
  sync();

  async function saveView() {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'view-name', maxlength: 100, required: true, value: views.find((vw) => String(vw.id) === viewSel.value)?.name ?? '' }));
    /** @type {SavedView | null} */
    const saved = await modal({
      title: t('views_save'),
      body: h('div.field', h('label', { for: 'view-name' }, t('views_name')), input),
      submitLabel: t('save'),
      cancelLabel: t('cancel'),
      onSubmit: async () => {
        const name = input.value.trim();
        if (!name) throw new Error(`${t('views_name')}：${t('required')}`);
        return put('/api/views', { name, filters: clean(f) });
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

  const el = h('div.views-bar', h('span.views-label', t('views')), viewSel, h('button.btn.small', { type: 'button', onclick: () => saveView() }, t('views_save')), delBtn);
  return { el, sync };
}
