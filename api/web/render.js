// @ts-check
// Rendering pieces the task page and the processes' panels share: cards, definition rows, amounts,
// and any value as readable DOM.
import { h, yuan } from './dom.js';
import { fieldLabel, t } from './i18n.js';

/** A titled card; `name` becomes data-card (tests and styles find it by that). */
/** @param {string} title @param {Node | Node[] | string} body @param {string} name */
export function card(title, body, name) {
  return h('section.card', { 'aria-labelledby': `card-${name}`, dataset: { card: name } }, h('h2.card-title', { id: `card-${name}` }, title), body);
}
/** @param {string} term @param {unknown} def */
export function dlRow(term, def) {
  return [h('dt', term), h('dd', def)];
}
/** An amount in fen as yuan with separators and the unit. */
/** @param {unknown} fen */
export const amount = (fen) => h('span.amount', yuan(fen), h('span.unit', ` ${t('unit_yuan')}`));

/**
 * Any value as readable DOM: objects as definition lists, arrays of objects as tables.
 * @param {unknown} val
 * @param {string} [key]
 * @returns {Node | string}
 */
export function generic(val, key) {
  if (val === null || val === undefined) return '';
  if (typeof val === 'number' && key && /Fen$/.test(key)) return amount(val);
  if (typeof val === 'boolean') return val ? t('yes') : t('no');
  if (Array.isArray(val)) {
    if (val.length && val.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const cols = [...new Set(val.flatMap((x) => Object.keys(x)))];
      return h('div.table-wrap', h('table.data', h('thead', h('tr', cols.map((c) => h('th', fieldLabel([key ?? '', c]))))), h('tbody', val.map((x) => h('tr', cols.map((c) => h('td', generic(x[c], c))))))));
    }
    return val.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('、');
  }
  if (typeof val === 'object') return h('dl.facts.nested', Object.entries(val).map(([k, x]) => dlRow(fieldLabel([k]), generic(x, k))));
  return String(val);
}

/** A task context no process module draws: the project reference, then every value of the context. */
/** @param {import('./types.js').ContextArgs} args */
export function genericContext({ context, project }) {
  const parts = [];
  if (project?.name) {
    parts.push(
      h(
        'dl.facts',
        dlRow(t('project_name'), project.name),
        project.code ? dlRow(t('project_code'), project.code) : null,
        project.amountFen !== undefined ? dlRow(t('project_amount'), amount(project.amountFen)) : null,
      ),
    );
  }
  const rest = Object.entries(context ?? {});
  if (rest.length) parts.push(h('dl.facts.secondary', rest.map(([k, val]) => dlRow(fieldLabel([k]), generic(val, k)))));
  return parts.length ? h('div.project', parts) : null;
}
