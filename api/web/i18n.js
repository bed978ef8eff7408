// @ts-check
// Words in Chinese (default) and English: the shell's string table (strings.js), the vocabularies
// the processes add (api/web/<process>/, registered by processes.js), and {zh, en} labels from the
// API. The choice of language is kept in localStorage.
import { STRINGS, VOCAB } from './strings.js';

/** @typedef {import('./types.js').Label} Label */
/** @typedef {import('./types.js').Strings} Strings */
/** @typedef {import('./types.js').Vocab} Vocab */
/** @typedef {'zh' | 'en'} Lang */

const store = globalThis.localStorage;
/** @type {Lang} */
let lang = store?.getItem('jx.lang') === 'en' ? 'en' : 'zh';
/** @type {Set<(l: Lang) => void>} */
const listeners = new Set();
/** @type {Vocab} the shell's vocabularies and every registered process's */
const vocab = Object.fromEntries(Object.entries(VOCAB).map(([k, m]) => [k, { ...m }]));

const htmlLang = () => {
  if (globalThis.document) document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
};
htmlLang();

export const getLang = () => lang;
/** @param {string} l */
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  store?.setItem('jx.lang', lang);
  htmlLang();
  for (const f of listeners) f(lang);
}
/** @param {(l: Lang) => void} f */
export const onLang = (f) => listeners.add(f);

/** A {zh, en} label in the current language (the other language, then `fallback`, when one is missing). */
/** @param {Label | string | null | undefined} label @param {string} [fallback] */
export function L(label, fallback = '') {
  if (!label) return fallback;
  if (typeof label === 'string') return label;
  return (lang === 'en' ? label.en : label.zh) || label.zh || label.en || fallback;
}

/** @param {string} s @param {Record<string, unknown>} [vars] */
const fill = (s, vars) => (vars ? s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? '')) : s);

/**
 * A `t` for one string table: translator(strings)('key', {n: 3}) → the word in the current
 * language, with {placeholders} filled; keys it lacks come from the shell's table.
 * @param {Strings} table
 * @returns {(key: string, vars?: Record<string, unknown>) => string}
 */
export function translator(table) {
  return (key, vars) => {
    const e = table[key] ?? STRINGS[key];
    return e ? fill(L(e, key), vars) : key;
  };
}
/** The shell's t('key', {n: 3}). */
export const t = translator({});

/** Adds a process's vocabularies; a key the shell or another process has already defined stays as it was. */
/** @param {Vocab} more */
export function addVocab(more) {
  for (const [name, entries] of Object.entries(more ?? {})) {
    vocab[name] ??= {};
    for (const [k, label] of Object.entries(entries)) vocab[name][k] ??= label;
  }
}

/** A domain word: v('role', 'unit_head'), falling back to the key itself. */
/** @param {string} name @param {unknown} key */
export function v(name, key) {
  const e = vocab[name]?.[String(key)];
  return e ? L(e) : key == null ? '' : String(key);
}
/** @param {string} name @param {unknown} key */
export const has = (name, key) => !!vocab[name]?.[String(key)];

/**
 * The label of a form / data field from its path (["indicators", 0, "kind"]): "indicators.kind"
 * before "kind"; a top-level "name" is "application.name" when that is defined.
 * @param {Array<string | number>} path
 */
export function fieldLabel(path) {
  const names = /** @type {string[]} */ (path.filter((p) => typeof p === 'string'));
  const last = names[names.length - 1];
  if (names.length >= 2 && has('field', `${names[names.length - 2]}.${last}`)) return v('field', `${names[names.length - 2]}.${last}`);
  if (names.length === 1 && last === 'name' && has('field', 'application.name')) return v('field', 'application.name');
  return has('field', last) ? v('field', last) : humanize(last ?? '');
}
/** @param {string} k */
const humanize = (k) => k.replace(/Fen$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
