// @ts-check
// Pre-assessment's part of the task page: the project card (the application with its indicators,
// the reason of a return, the review route) and a decision form's starting values.
import { h } from '../dom.js';
import { fieldLabel, t, v } from '../i18n.js';
import { amount, dlRow, generic, genericContext } from '../render.js';

/** @typedef {Record<string, any>} Application */

/** The project card: the application with its indicators, then anything else of the context. */
/** @param {import('../types.js').ContextArgs} args */
export function contextPanel({ context, project, orgNames }) {
  const a = /** @type {Application | undefined} */ (context.application);
  if (!a || typeof a !== 'object') return genericContext({ context, project, orgNames });
  const parts = [];
  if (context.returnReason) parts.push(h('div.notice.warn', h('strong', v('field', 'returnReason'), '：'), String(context.returnReason)));
  const rows = [];
  /** @param {string} k @param {unknown} val */
  const scalar = (k, val) => {
    if (val === undefined || val === null || val === '') return;
    /** @type {unknown} */
    let shown = val;
    if (/Fen$/.test(k)) shown = amount(val);
    else if (k === 'deptId' || k === 'unitId') shown = `${orgNames.get(String(val)) ?? val}（${val}）`;
    else if (k === 'isNew') shown = val ? t('yes') : t('no');
    else if (k === 'kind') shown = v('enum', val);
    rows.push(dlRow(fieldLabel(k === 'name' ? ['application', 'name'] : [k]), shown));
  };
  const order = ['name', 'projectCode', 'amountFen', 'deptId', 'unitId', 'year', 'industry', 'kind', 'isNew'];
  for (const k of order) scalar(k, a[k]);
  for (const [k, val] of Object.entries(a)) if (!order.includes(k) && k !== 'summary' && k !== 'indicators' && (typeof val !== 'object' || val === null)) scalar(k, val);
  parts.push(h('dl.facts', rows));
  if (a.summary) parts.push(h('div.summary-text', h('h3', v('field', 'summary')), h('p', a.summary)));
  if (Array.isArray(a.indicators)) parts.push(h('h3', v('field', 'indicators')), indicatorTable(a.indicators));
  const rest = Object.entries(context).filter(([k]) => k !== 'application' && k !== 'returnReason');
  if (rest.length) parts.push(h('dl.facts.secondary', rest.map(([k, val]) => dlRow(fieldLabel([k]), k === 'route' ? v('route', val) : generic(val, k)))));
  return h('div.project', parts);
}

/** The indicators, with the past case (案例库) each follows when any cites one. @param {Array<Record<string, any>>} list */
function indicatorTable(list) {
  const cites = list.some((i) => i.caseId);
  return h(
    'div.table-wrap',
    h(
      'table.data.indicators',
      h('thead', h('tr', ['indicators.kind', 'category', 'indicators.name', 'target', 'core', ...(cites ? ['caseId'] : [])].map((k) => h('th', { scope: 'col' }, v('field', k))))),
      h(
        'tbody',
        list.map((i) =>
          h(
            'tr',
            h('td', v('enum', i.kind)),
            h('td', i.category ?? ''),
            h('td', i.name ?? ''),
            h('td.num', `${v('enum', i.direction ?? '')} ${i.target ?? ''}${i.unit ? ` ${i.unit}` : ''}`),
            h('td', i.core ? h('span.tag.small.info', t('yes')) : ''),
            cites ? h('td', i.caseId ? h('code.case-ref', i.caseId) : '') : null,
          ),
        ),
      ),
    ),
  );
}

/**
 * A decision form's starting values from the application (a revision starts from it; an approved
 * amount from the amount applied for).
 * @param {Record<string, unknown>} context
 * @param {import('../types.js').JsonSchema} schema
 */
export function prefill(context, schema) {
  const appData = /** @type {Application} */ (context?.application ?? {});
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const k of Object.keys(schema?.properties ?? {})) {
    if (appData[k] !== undefined) out[k] = appData[k];
    else if (/^approved[A-Z]/.test(k)) {
      const base = k.replace(/^approved(.)/, (_, c) => c.toLowerCase());
      if (appData[base] !== undefined) out[k] = appData[base];
    }
  }
  return out;
}

/**
 * The review form on the region's scale: each aspect's points up to the profile's aspectMaxPoints
 * (ours: 20), or no points at all where the region gives findings only (the contract allows up to 100).
 * @param {Record<string, unknown>} context @param {any} schema
 */
export function formSchema(context, schema) {
  const bounded = withReducedBounds(context, schema);
  const aspects = bounded?.properties?.aspects?.properties;
  if (!aspects || !('aspectMaxPoints' in context)) return bounded;
  const max = context.aspectMaxPoints;
  const out = structuredClone(bounded);
  for (const a of Object.values(out.properties.aspects.properties)) {
    const s = /** @type {any} */ (a);
    if (!s?.properties?.score) continue;
    if (typeof max === 'number') s.properties.score.maximum = max;
    else {
      delete s.properties.score;
      if (Array.isArray(s.required)) s.required = s.required.filter((/** @type {string} */ k) => k !== 'score');
    }
  }
  return out;
}

/**
 * A reduced amount (核减后金额) is more than 0 and less than the amount applied for: the form says so
 * before it is sent (the workflow refuses it too, naming the field).
 * @param {Record<string, unknown>} context @param {any} schema
 */
function withReducedBounds(context, schema) {
  const requested = /** @type {Application | undefined} */ (context?.application)?.amountFen;
  if (!schema?.properties?.approvedAmountFen || typeof requested !== 'number') return schema;
  const out = structuredClone(schema);
  out.properties.approvedAmountFen = { ...out.properties.approvedAmountFen, exclusiveMinimum: 0, exclusiveMaximum: requested };
  return out;
}
