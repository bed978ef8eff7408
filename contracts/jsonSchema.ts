// A small validator for the JSON Schemas generated from our zod contracts (contracts/generated/).
// Workflow code validates with it instead of zod: the SDK evaluates a workflow bundle's modules once
// per execution, and zod's initialisation costs ~0.5 MB per cached execution (BENCHMARKS.md).
// Supports what z.toJSONSchema emits for our contracts; applies `default`s like zod's parse.

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  [k: string]: unknown;
};

export interface SchemaIssue {
  path: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/**
 * Does walking this schema ever fill in a default (the only change walk makes to a value)? An
 * alternative that fills none is tried on the value itself, not on a copy: this validator runs in
 * every workflow task that checks a board's input or a move, and the copies were a tenth of the
 * workflow threads' time in a round's opening (CPU profile, BENCHMARKS.md 2026-12-03).
 */
const defaulting = new WeakMap<JsonSchema, boolean>();
function fillsDefaults(s: JsonSchema): boolean {
  const known = defaulting.get(s);
  if (known !== undefined) return known;
  defaulting.set(s, false); // a recursive reference ends here
  const subs: JsonSchema[] = [
    ...Object.values(s.properties ?? {}),
    ...(s.items ? [s.items] : []),
    ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
  ];
  const r = Object.values(s.properties ?? {}).some((p) => p.default !== undefined) || subs.some(fillsDefaults);
  defaulting.set(s, r);
  return r;
}

const patterns = new Map<string, RegExp>();
const regexp = (p: string): RegExp => {
  let r = patterns.get(p);
  if (!r) patterns.set(p, (r = new RegExp(p)));
  return r;
};

/** Validates `value`; the result carries a copy with defaults filled in. */
export function check<T = unknown>(schema: JsonSchema, value: unknown): Checked<T> {
  const issues: SchemaIssue[] = [];
  const out = walk(schema, clone(value), '', issues);
  return issues.length ? { ok: false, issues } : { ok: true, value: out as T };
}

export const describeIssues = (issues: SchemaIssue[]): string => issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');

function walk(s: JsonSchema, v: unknown, path: string, issues: SchemaIssue[]): unknown {
  const fail = (message: string): unknown => {
    issues.push({ path, message });
    return v;
  };
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    // the first alternative that fits; for discriminated unions report the branch that matches the tag
    for (const alt of alternatives) {
      if (cannotFit(alt, v)) continue; // it would fail on its tag: not walked at all
      const sub: SchemaIssue[] = [];
      const r = walk(alt, fillsDefaults(alt) ? clone(v) : v, path, sub);
      if (!sub.length) return r;
    }
    const tagged = alternatives.find((alt) => tagMatches(alt, v));
    if (tagged) return walk(tagged, v, path, issues);
    return fail('does not match any allowed shape');
  }
  if (s.const !== undefined && v !== s.const) return fail(`must be ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(v)) return fail(`must be one of: ${s.enum.join(', ')}`);
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type];
  const t = typeOf(v);
  if (types && !types.some((x) => x === t || (x === 'number' && t === 'integer'))) return fail(`expected ${types.join(' or ')}, got ${t}`);
  if (t === 'string') {
    const str = v as string;
    // lengths in characters (code points), as JSON Schema and zod count them, not UTF-16 units
    const len = s.minLength !== undefined || s.maxLength !== undefined ? [...str].length : 0;
    if (s.minLength !== undefined && len < s.minLength) return fail(s.minLength === 1 ? 'must not be empty' : `at least ${s.minLength} characters`);
    if (s.maxLength !== undefined && len > s.maxLength) return fail(`at most ${s.maxLength} characters`);
    if (s.pattern !== undefined && !regexp(s.pattern).test(str)) return fail(`must match ${s.pattern}`);
  }
  if (t === 'number' || t === 'integer') {
    const n = v as number;
    if (s.minimum !== undefined && n < s.minimum) return fail(`must be ≥ ${s.minimum}`);
    if (s.maximum !== undefined && n > s.maximum) return fail(`must be ≤ ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && n <= s.exclusiveMinimum) return fail(`must be > ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && n >= s.exclusiveMaximum) return fail(`must be < ${s.exclusiveMaximum}`);
  }
  if (t === 'array') {
    const a = v as unknown[];
    if (s.minItems !== undefined && a.length < s.minItems) return fail(`at least ${s.minItems} items`);
    if (s.maxItems !== undefined && a.length > s.maxItems) return fail(`at most ${s.maxItems} items`);
    if (s.items) return a.map((x, i) => walk(s.items as JsonSchema, x, `${path}.${i}`.replace(/^\./, ''), issues));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const p = path ? `${path}.${k}` : k;
      if (o[k] === undefined) {
        if (sub.default !== undefined) o[k] = clone(sub.default);
        else if (s.required?.includes(k)) issues.push({ path: p, message: 'required' });
        continue;
      }
      o[k] = walk(sub, o[k], p, issues);
    }
    if (s.additionalProperties === false) {
      for (const k of Object.keys(o)) if (!(k in (s.properties ?? {}))) issues.push({ path: path ? `${path}.${k}` : k, message: 'not allowed' });
    } else if (typeof s.additionalProperties === 'object') {
      for (const k of Object.keys(o)) if (!(k in (s.properties ?? {}))) o[k] = walk(s.additionalProperties, o[k], path ? `${path}.${k}` : k, issues);
    }
  }
  return v;
}

/** Would this branch fail on a constant tag alone (the value's tag is another, or a required tag is missing)? */
function cannotFit(s: JsonSchema, v: unknown): boolean {
  if (typeOf(v) !== 'object') return false;
  const o = v as Record<string, unknown>;
  return Object.entries(s.properties ?? {}).some(
    ([k, p]) => p.const !== undefined && (o[k] !== undefined ? o[k] !== p.const : p.default === undefined && !!s.required?.includes(k)),
  );
}

/** For a discriminated union: does the value carry this branch's constant tag? */
function tagMatches(s: JsonSchema, v: unknown): boolean {
  if (typeOf(v) !== 'object') return false;
  return Object.entries(s.properties ?? {}).some(([k, p]) => p.const !== undefined && (v as Record<string, unknown>)[k] === p.const);
}
