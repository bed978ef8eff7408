// JSON as the inbox tables store it (jsonb, and text read from jsonb_to_recordset).
//
// Lone UTF-16 surrogates and NUL cannot be stored in PostgreSQL text or jsonb (22P02, 22P05). The
// API refuses them; anything that still carries one (a workflow started by hand, an old history)
// is stored with U+FFFD in their place rather than not at all.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must go
const BAD_CHARS = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const scrub = (v: string): string => v.replace(BAD_CHARS, '\uFFFD');
/**
 * JSON.stringify writes NUL as \u0000 and a lone surrogate as \udXXX, and every other character as
 * itself: text without either escape needs no scrubbing (a string with a literal backslash before
 * such letters is scrubbed too, which changes nothing in it).
 */
const ESCAPED_BAD = /\\u(?:0000|d[89a-f])/;
export function wellFormedJson(v: unknown): string {
  // the plain stringify first: the replacer, called for every value, was most of a projection's write
  // time in the API (CPU profile of bulk approval, 182 of 258 ms)
  const plain = JSON.stringify(v);
  if (plain === undefined || !ESCAPED_BAD.test(plain)) return plain;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? scrub(x) : x));
}
