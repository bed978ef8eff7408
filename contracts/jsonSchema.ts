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

/**
 * What walking a schema reads on every value, worked out once per schema object: its properties as
 * a list, its constant tags, its types, whether `required` names a property. A move is checked in
 * every workflow task that takes it (validator and handler): `Object.entries` and a closure per call
 * were most of a check's time.
 */
interface Facts {
  props: Array<[string, JsonSchema]>;
  /** The properties object (`in` on it, as the check always read additional properties). */
  declared: Record<string, JsonSchema>;
  required: Set<string>;
  /** Properties with a constant value: [key, the constant, has a default, required]. */
  tags: Array<[string, unknown, boolean, boolean]>;
  types: string[] | undefined;
}
const FACTS = new WeakMap<JsonSchema, Facts>();
function factsOf(s: JsonSchema): Facts {
  let f = FACTS.get(s);
  if (f) return f;
  const props = Object.entries(s.properties ?? {});
  const required = new Set(s.required ?? []);
  f = {
    props,
    declared: s.properties ?? {},
    required,
    tags: props.filter(([, p]) => p.const !== undefined).map(([k, p]) => [k, p.const, p.default !== undefined, required.has(k)]),
    types: s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type],
  };
  FACTS.set(s, f);
  return f;
}

function failed(issues: SchemaIssue[], path: string, message: string, v: unknown): unknown {
  issues.push({ path, message });
  return v;
}

const join = (path: string, k: string): string => (path ? `${path}.${k}` : k);
// an item's path as the check always wrote it (`${path}.${i}` less one leading dot: a key that begins with
// a dot loses it), so that an issue reads the same
const joinItem = (path: string, i: number): string => (path ? `${path.charCodeAt(0) === 46 ? path.slice(1) : path}.${i}` : String(i));

function walk(s: JsonSchema, v: unknown, path: string, issues: SchemaIssue[]): unknown {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    // the first alternative that fits; for discriminated unions report the branch that matches the tag
    let tagged: JsonSchema | undefined;
    for (const alt of alternatives) {
      if (tagMatches(alt, v)) {
        tagged = alt;
        break;
      }
    }
    let lastCandidate = -1;
    for (let i = alternatives.length - 1; i >= 0 && lastCandidate < 0; i--) if (!cannotFit(alternatives[i], v)) lastCandidate = i;
    for (let i = 0; i <= lastCandidate; i++) {
      const alt = alternatives[i];
      if (cannotFit(alt, v)) continue; // it would fail on its tag: not walked at all
      // a trial that fills defaults runs on a copy, unless nothing is tried on this value after it: the
      // last candidate when it is the tagged branch (its issues are the report) or there is none (a
      // move's branch, the one its action names)
      const last = i === lastCandidate && (!tagged || tagged === alt);
      const sub: SchemaIssue[] = [];
      const r = walk(alt, fillsDefaults(alt) && !last ? clone(v) : v, path, sub);
      if (!sub.length) return r;
      if (last && tagged === alt) {
        issues.push(...sub);
        return r;
      }
    }
    if (tagged) return walk(tagged, v, path, issues);
    return failed(issues, path, 'does not match any allowed shape', v);
  }
  if (s.const !== undefined && v !== s.const) return failed(issues, path, `must be ${JSON.stringify(s.const)}`, v);
  if (s.enum && !s.enum.includes(v)) return failed(issues, path, `must be one of: ${s.enum.join(', ')}`, v);
  const f = factsOf(s);
  const t = typeOf(v);
  if (f.types && !f.types.some((x) => x === t || (x === 'number' && t === 'integer'))) return failed(issues, path, `expected ${f.types.join(' or ')}, got ${t}`, v);
  if (t === 'string') {
    const str = v as string;
    // lengths in characters (code points), as JSON Schema and zod count them, not UTF-16 units
    const len = s.minLength !== undefined || s.maxLength !== undefined ? [...str].length : 0;
    if (s.minLength !== undefined && len < s.minLength) return failed(issues, path, s.minLength === 1 ? 'must not be empty' : `at least ${s.minLength} characters`, v);
    if (s.maxLength !== undefined && len > s.maxLength) return failed(issues, path, `at most ${s.maxLength} characters`, v);
    if (s.pattern !== undefined && !regexp(s.pattern).test(str)) return failed(issues, path, `must match ${s.pattern}`, v);
  }
  if (t === 'number' || t === 'integer') {
    const n = v as number;
    if (s.minimum !== undefined && n < s.minimum) return failed(issues, path, `must be ≥ ${s.minimum}`, v);
    if (s.maximum !== undefined && n > s.maximum) return failed(issues, path, `must be ≤ ${s.maximum}`, v);
    if (s.exclusiveMinimum !== undefined && n <= s.exclusiveMinimum) return failed(issues, path, `must be > ${s.exclusiveMinimum}`, v);
    if (s.exclusiveMaximum !== undefined && n >= s.exclusiveMaximum) return failed(issues, path, `must be < ${s.exclusiveMaximum}`, v);
  }
  if (t === 'array') {
    const a = v as unknown[];
    if (s.minItems !== undefined && a.length < s.minItems) return failed(issues, path, `at least ${s.minItems} items`, v);
    if (s.maxItems !== undefined && a.length > s.maxItems) return failed(issues, path, `at most ${s.maxItems} items`, v);
    if (s.items) return a.map((x, i) => walk(s.items as JsonSchema, x, joinItem(path, i), issues));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const [k, sub] of f.props) {
      if (o[k] === undefined) {
        if (sub.default !== undefined) o[k] = clone(sub.default);
        else if (f.required.has(k)) issues.push({ path: join(path, k), message: 'required' });
        continue;
      }
      o[k] = walk(sub, o[k], join(path, k), issues);
    }
    if (s.additionalProperties === false) {
      for (const k of Object.keys(o)) if (!(k in f.declared)) issues.push({ path: join(path, k), message: 'not allowed' });
    } else if (typeof s.additionalProperties === 'object') {
      for (const k of Object.keys(o)) if (!(k in f.declared)) o[k] = walk(s.additionalProperties, o[k], join(path, k), issues);
    }
  }
  return v;
}

/** Would this branch fail on a constant tag alone (the value's tag is another, or a required tag is missing)? */
function cannotFit(s: JsonSchema, v: unknown): boolean {
  if (typeOf(v) !== 'object') return false;
  const o = v as Record<string, unknown>;
  for (const [k, c, hasDefault, required] of factsOf(s).tags) if (o[k] !== undefined ? o[k] !== c : !hasDefault && required) return true;
  return false;
}

/** For a discriminated union: does the value carry this branch's constant tag? */
function tagMatches(s: JsonSchema, v: unknown): boolean {
  if (typeOf(v) !== 'object') return false;
  for (const [k, c] of factsOf(s).tags) if ((v as Record<string, unknown>)[k] === c) return true;
  return false;
}
