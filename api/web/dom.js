// @ts-check
// Tiny DOM helpers. Every text goes through document.createTextNode / setAttribute:
// nothing from the server is ever parsed as HTML.

/**
 * h('a.link', {href: '#/x', onclick: fn}, 'text', child, [more]) → Element.
 * Attributes: on* functions become listeners; class/className, dataset, style (string), hidden, boolean props.
 */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class' || k === 'className') el.className = [el.className, v].filter(Boolean).join(' ');
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'required' || k === 'hidden' || k === 'readOnly') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** An SVG element (no text parsing either). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Fen (integer, 1/100 yuan) → "1,234,567.89" yuan. */
export function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const n = Number(fen);
  if (!Number.isFinite(n)) return String(fen);
  return (n / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Yuan typed by a person (may contain thousands separators) → integer fen, or NaN. */
export function toFen(text) {
  const s = String(text).replace(/[,，\s]/g, '');
  if (!/^-?\d+(\.\d{0,2})?$/.test(s)) return NaN;
  return Math.round(Number(s) * 100);
}

const pad = (n) => String(n).padStart(2, '0');
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fmtDate(iso) {
  return fmtTime(iso).slice(0, 10);
}

export function fmtSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let toastTimer;
/** A short status message at the bottom of the screen (aria-live). */
export function toast(text, kind = 'ok') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = 'toast'), 3500);
}

/** A modal dialog built on <dialog>; resolves with the submitted values or null. */
export function modal({ title, body, submitLabel, cancelLabel, danger = false, onSubmit }) {
  return new Promise((resolve) => {
    const err = h('p.form-error', { role: 'alert', hidden: true });
    const submit = h(`button.btn.${danger ? 'danger' : 'primary'}`, { type: 'submit' }, submitLabel);
    const form = h(
      'form.dialog-form',
      { method: 'dialog', noValidate: true },
      h('h2', title),
      body,
      err,
      h('div.dialog-actions', h('button.btn', { type: 'button', onclick: () => close(null) }, cancelLabel), submit),
    );
    const dlg = h('dialog.dialog', { 'aria-label': title }, form);
    const close = (v) => {
      dlg.close();
      dlg.remove();
      resolve(v);
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      err.hidden = true;
      submit.disabled = true;
      try {
        const v = await onSubmit();
        close(v ?? true);
      } catch (ex) {
        err.textContent = ex.message;
        err.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    dlg.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    document.body.append(dlg);
    dlg.showModal();
    const first = dlg.querySelector('input, select, textarea');
    (first || submit).focus();
  });
}
