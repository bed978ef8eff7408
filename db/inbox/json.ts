// JSON as the inbox tables store it (jsonb, and text read from jsonb_to_recordset).
//
// Lone UTF-16 surrogates and NUL cannot be stored in PostgreSQL text or jsonb (22P02, 22P05). The
// API refuses them; anything that still carries one (a workflow started by hand, an old history)
// is stored with U+FFFD in their place rather than not at all.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const BAD_CHARS = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const scrub = (v: string): string => v.replace(BAD_CHARS, '\uFFFD');
export function wellFormedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? scrub(x) : x));
}
