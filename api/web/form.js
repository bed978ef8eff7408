// @ts-check
// A form generated from a JSON Schema (what z.toJSONSchema gives for each outcome of a task type).
//   object            → fieldset (an object whose properties are all objects of the same shape,
//                        like the five aspects, → one table row per property)
//   array of objects  → a table of rows with add / remove
//   number / integer  → number input (a *Fen field is typed in yuan and sent as integer fen)
//   string            → text input or textarea; enum → select; boolean → checkbox
// Every input is named by its path ("aspects.necessity.score"); errors come back by path.
import { h, toFen, yuan } from './dom.js';
import { fieldLabel, L, t, v, has } from './i18n.js';

const LONG_TEXT = new Set(['comment', 'finding', 'summary', 'reason', 'returnReason']);

/** Strips nullability (anyOf [X, null]) and returns the effective schema. */
function norm(s) {
  if (!s || typeof s !== 'object') return {};
  const alt = s.anyOf || s.oneOf;
  if (Array.isArray(alt)) {
    const nonNull = alt.filter((x) => x && x.type !== 'null');
    if (nonNull.length === 1) return { ...nonNull[0], nullable: true, default: s.default ?? nonNull[0].default };
  }
  if (Array.isArray(s.type)) {
    const ty = s.type.filter((x) => x !== 'null');
    return { ...s, type: ty[0] };
  }
  return s;
}
const kindOf = (s) => (s.enum ? 'enum' : s.type === 'object' || s.properties ? 'object' : s.type || 'string');
const isFen = (name) => typeof name === 'string' && /Fen$/.test(name);
const pathKey = (path) => path.join('.');
const nameOf = (path) => [...path].reverse().find((p) => typeof p === 'string');

/**
 * Builds the form. `value` prefills it. Returns {el, get(), setErrors([{path, message}]), clearErrors(), focusFirstError()}.
 * opts.labels: {path: label} overrides.
 */
export function schemaForm(schema, value = {}, opts = {}) {
  const fields = new Map(); // path → {errEl, wrap, focus}
  const summary = h('div.form-errors', { role: 'alert', hidden: true });
  const ctx = { fields, opts };
  const root = render(norm(schema), [], value ?? {}, ctx, { required: true });
  const el = h('div.schema-form', summary, root.el);

  function clearErrors() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const f of fields.values()) {
      f.errEl.hidden = true;
      f.errEl.textContent = '';
      f.wrap.classList.remove('has-error');
      f.input?.removeAttribute('aria-invalid');
    }
  }

  function setErrors(list) {
    clearErrors();
    if (!list.length) return;
    const items = [];
    const seen = new Set();
    for (const { path, message } of list) {
      if (seen.has(path)) continue; // one message per field is enough
      seen.add(path);
      // the registered field with the longest path that is a prefix of the error's path
      const parts = String(path).split('.').filter(Boolean);
      let f;
      for (let n = parts.length; n >= 0 && !f; n--) f = fields.get(parts.slice(0, n).join('.'));
      const label = parts.length ? labelPath(parts) : '';
      if (f) {
        f.errEl.textContent = f.errEl.textContent ? `${f.errEl.textContent}；${message}` : message;
        f.errEl.hidden = false;
        f.wrap.classList.add('has-error');
        f.input?.setAttribute('aria-invalid', 'true');
      }
      items.push(h('li', label ? h('strong', label, '：') : null, message));
    }
    summary.replaceChildren(h('p', t('task_form_errors')), h('ul', items));
    summary.hidden = false;
  }

  function focusFirstError() {
    const bad = el.querySelector('[aria-invalid="true"]');
    (bad || summary).focus?.();
    (bad || summary).scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }

  return { el, get: () => root.get() ?? {}, setErrors, clearErrors, focusFirstError };
}

/** "aspects.necessity.finding" → "五个方面评审 · 立项必要性 · 评审意见" */
export function labelPath(parts) {
  const out = [];
  const path = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) {
      out.push(`#${Number(p) + 1}`);
      path.push(Number(p));
    } else {
      path.push(p);
      out.push(fieldLabel(path));
    }
  }
  return out.join(' · ');
}

function render(s, path, value, ctx, { required }) {
  switch (kindOf(s)) {
    case 'object':
      return isMatrix(s) ? matrix(s, path, value, ctx) : object(s, path, value, ctx);
    case 'array':
      return norm(s.items).properties ? table(s, path, value, ctx, required) : listOfText(s, path, value, ctx, required);
    default:
      return leaf(s, path, value, ctx, required);
  }
}

function object(s, path, value, ctx) {
  const req = new Set(s.required || []);
  const kids = Object.entries(s.properties || {}).map(([k, sub]) => [k, render(norm(sub), [...path, k], value?.[k], ctx, { required: req.has(k) })]);
  const get = () => {
    const o = {};
    for (const [k, c] of kids) {
      const x = c.get();
      if (x !== undefined) o[k] = x;
    }
    return o;
  };
  const body = kids.map(([, c]) => c.el);
  if (!path.length) return { el: h('div.fields', body), get };
  const err = h('p.field-error', { hidden: true });
  const el = h('fieldset.group', h('legend', fieldLabel(path)), err, h('div.fields', body));
  ctx.fields.set(pathKey(path), { errEl: err, wrap: el });
  return { el, get };
}

/** An object whose properties are all objects with the same simple shape (the five aspects). */
function isMatrix(s) {
  const props = Object.values(s.properties || {}).map(norm);
  if (props.length < 2 || !props.every((p) => kindOf(p) === 'object')) return false;
  const shape = (p) => Object.keys(p.properties || {}).join(',');
  const first = shape(props[0]);
  return !!first && props.every((p) => shape(p) === first && Object.values(p.properties).every((q) => !['object', 'array'].includes(kindOf(norm(q)))));
}

function matrix(s, path, value, ctx) {
  const rows = Object.entries(s.properties).map(([k, sub]) => [k, norm(sub)]);
  const cols = Object.entries(rows[0][1].properties).map(([k, sub]) => [k, norm(sub)]);
  const numeric = cols.filter(([, c]) => c.type === 'number' || c.type === 'integer');
  const cells = new Map();
  const total = h('output.matrix-total');
  const updateTotal = () => {
    if (!numeric.length) return;
    const parts = numeric.map(([ck]) => {
      let sum = 0;
      for (const [rk] of rows) {
        const x = cells.get(`${rk}.${ck}`).get();
        if (typeof x === 'number' && Number.isFinite(x)) sum += x;
      }
      const max = rows.reduce((m, [, r]) => m + (norm(r.properties[ck]).maximum ?? 0), 0);
      return `${sum}${max ? ` / ${max}` : ''}`;
    });
    total.textContent = parts.join('，');
  };
  const trs = rows.map(([rk, r]) => {
    const req = new Set(r.required || []);
    const tds = cols.map(([ck]) => {
      const c = leaf(norm(r.properties[ck]), [...path, rk, ck], value?.[rk]?.[ck], ctx, req.has(ck), { bare: true, label: `${fieldLabel([...path, rk])} ${fieldLabel([...path, rk, ck])}` });
      cells.set(`${rk}.${ck}`, c);
      return h(`td.col-${ck}`, { 'data-label': fieldLabel([...path, ck]) }, c.el);
    });
    const err = h('p.field-error', { hidden: true });
    const th = h('th', { scope: 'row' }, fieldLabel([...path, rk]), err);
    ctx.fields.set(pathKey([...path, rk]), { errEl: err, wrap: th });
    return h('tr', th, tds);
  });
  const head = h(
    'tr',
    h('th', { scope: 'col' }, ''),
    cols.map(([ck, c]) => h('th', { scope: 'col', class: `col-${ck}` }, fieldLabel([...path, ck]), c.maximum !== undefined ? h('span.hint', `（${c.minimum ?? 0}–${c.maximum}）`) : null)),
  );
  const err = h('p.field-error', { hidden: true });
  const el = h(
    'fieldset.group.matrix',
    h('legend', fieldLabel(path)),
    err,
    h('div.table-wrap', h('table.data.matrix-table', h('thead', head), h('tbody', trs))),
    numeric.length ? h('p.matrix-sum', t('task_total_score'), '：', total) : null,
  );
  el.addEventListener('input', updateTotal);
  updateTotal();
  ctx.fields.set(pathKey(path), { errEl: err, wrap: el });
  return {
    el,
    get: () => Object.fromEntries(rows.map(([rk]) => [rk, Object.fromEntries(cols.map(([ck]) => [ck, cells.get(`${rk}.${ck}`).get()]).filter(([, x]) => x !== undefined))])),
  };
}

function table(s, path, value, ctx, required) {
  const item = norm(s.items);
  const cols = Object.entries(item.properties).map(([k, sub]) => [k, norm(sub)]);
  const req = new Set(item.required || []);
  const tbody = h('tbody');
  let rows = [];
  const err = h('p.field-error', { hidden: true });
  const name = fieldLabel(path);

  const build = (values) => {
    // forget the registered cells of the old rows
    for (const k of [...ctx.fields.keys()]) if (k.startsWith(pathKey(path) + '.')) ctx.fields.delete(k);
    rows = values.map((rv, i) => {
      const cells = cols.map(([ck, c]) => [ck, leaf(c, [...path, i, ck], rv?.[ck], ctx, req.has(ck), { bare: true, label: `${name} #${i + 1} ${fieldLabel([...path, i, ck])}` })]);
      const remove = h('button.btn.small.link-danger', { type: 'button', 'aria-label': `${t('remove_row')} #${i + 1}`, title: t('remove_row'), onclick: () => build(currentValues().filter((_, j) => j !== i)) }, '×');
      return { cells, tr: h('tr', h('td.rownum', String(i + 1)), cells.map(([ck, c]) => h(`td.col-${ck}`, c.el)), h('td.actions', remove)) };
    });
    tbody.replaceChildren(...rows.map((r) => r.tr));
  };
  const currentValues = () => rows.map((r) => Object.fromEntries(r.cells.map(([ck, c]) => [ck, c.get()]).filter(([, x]) => x !== undefined)));
  const initial = Array.isArray(value) ? value : [];
  build(initial.length || !required ? initial : [defaults(item)]);

  const add = h('button.btn.small', { type: 'button', onclick: () => (build([...currentValues(), defaults(item)]), rows[rows.length - 1]?.tr.querySelector('input, select, textarea')?.focus()) }, '+ ', t('add_row'));
  const el = h(
    'fieldset.group.array',
    { dataset: { path: pathKey(path) } },
    h('legend', name, required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null),
    err,
    h('div.table-wrap', h('table.data.edit-table', h('thead', h('tr', h('th', '#'), cols.map(([ck, c]) => h('th', { scope: 'col', class: `col-${ck}` }, fieldLabel([...path, 0, ck]), req.has(ck) && c.type !== 'boolean' && c.default === undefined ? h('span.req', ' *') : null)), h('th', h('span.sr-only', t('remove_row'))))), tbody)),
    h('div.table-actions', add),
  );
  ctx.fields.set(pathKey(path), { errEl: err, wrap: el });
  return {
    el,
    get: () => {
      const vals = currentValues();
      return vals.length || required ? vals : undefined;
    },
  };
}

const defaults = (item) => Object.fromEntries(Object.entries(item.properties).map(([k, s]) => [k, norm(s).default]).filter(([, x]) => x !== undefined));

function listOfText(s, path, value, ctx, required) {
  const c = leaf({ type: 'string', maxLength: 5000 }, path, Array.isArray(value) ? value.join('\n') : '', ctx, required, { textarea: true });
  return { el: c.el, get: () => (c.get() ?? '').split('\n').map((x) => x.trim()).filter(Boolean) };
}

let uid = 0;
/**
 * @param {any} s @param {Array<string | number>} path @param {any} value @param {any} ctx @param {boolean} required
 * @param {{ bare?: boolean, label?: string, textarea?: boolean }} [opts]
 */
function leaf(s, path, value, ctx, required, { bare = false, label, textarea = false } = {}) {
  const name = nameOf(path);
  const id = `f${++uid}`;
  const key = pathKey(path);
  const kind = kindOf(s);
  const fen = isFen(name) && (kind === 'integer' || kind === 'number');
  const text = label ?? fieldLabel(path);
  const common = { id, name: key, 'aria-label': bare ? text : undefined, required: required && kind !== 'boolean' ? true : undefined };
  const val = value !== undefined ? value : s.default;
  let input;
  let get;
  if (kind === 'boolean') {
    input = h('input', { ...common, type: 'checkbox', checked: !!val });
    get = () => input.checked;
  } else if (kind === 'enum') {
    input = h(
      'select',
      common,
      required && val !== undefined ? null : h('option', { value: '' }, '—'),
      s.enum.map((o) => h('option', { value: String(o), selected: String(o) === String(val ?? '') }, has('enum', o) ? v('enum', o) : String(o))),
    );
    if (required && val === undefined) input.value = '';
    get = () => {
      if (input.value === '') return undefined;
      const o = s.enum.find((x) => String(x) === input.value);
      return o === undefined ? input.value : o;
    };
  } else if (fen) {
    input = h('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: val === undefined || val === null ? '' : yuan(val), class: 'num' });
    get = () => {
      const raw = input.value.trim();
      if (!raw) return undefined;
      const f = toFen(raw);
      return Number.isNaN(f) ? raw : f;
    };
  } else if (kind === 'number' || kind === 'integer') {
    input = h('input', { ...common, type: 'number', class: 'num', step: kind === 'integer' ? '1' : 'any', min: s.minimum ?? s.exclusiveMinimum, max: s.maximum !== undefined && s.maximum < 1e15 ? s.maximum : undefined, value: val ?? '' });
    get = () => (input.value.trim() === '' ? undefined : Number(input.value));
  } else {
    const long = textarea || LONG_TEXT.has(name) || (s.maxLength ?? 0) > 300;
    input = long ? h('textarea', { ...common, rows: bare ? 2 : 3, maxlength: s.maxLength }) : h('input', { ...common, type: 'text', maxlength: s.maxLength, autocomplete: 'off' });
    input.value = val ?? '';
    get = () => {
      const x = input.value;
      return x.trim() === '' && !required ? undefined : x;
    };
  }
  const err = h('p.field-error', { id: `${id}-err`, hidden: true });
  input.setAttribute('aria-describedby', `${id}-err`);
  let el;
  if (bare) el = h('div.cell', input, err);
  else if (kind === 'boolean') el = h('div.field.check', h('label', { for: id }, input, ' ', text), err);
  else el = h('div.field', { class: input.tagName === 'TEXTAREA' ? 'wide' : '' }, h('label', { for: id }, text, required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null), input, err);
  ctx.fields.set(key, { errEl: err, wrap: el, input });
  return { el, get, input };
}

/** Segmented radio buttons to choose a decision's outcome; calls onPick(outcome) on change. */
export function outcomePicker(outcomes, selectedKey, onPick, idPrefix = 'outcome') {
  return h(
    'fieldset.outcomes',
    h('legend', t('task_outcome')),
    h(
      'div.segmented',
      outcomes.map((o) => {
        const id = `${idPrefix}-${o.key}`;
        const radio = h('input', { type: 'radio', name: idPrefix, id, value: o.key, checked: o.key === selectedKey });
        radio.addEventListener('change', () => onPick(o));
        return h('label', { for: id, class: `seg seg-${o.style || 'default'}` }, radio, h('span', L(o.label, o.key)));
      }),
    ),
  );
}
