// What the inbox tables store a value as (db/inbox/json.ts): NUL and lone surrogates become U+FFFD,
// everything else is JSON.stringify's text. The plain text is tried first and scrubbed only when it
// shows an escaped NUL or lone surrogate: the result is the same as scrubbing every string, always,
// including for a string that holds the six characters `\u0000` (JSON writes them `\\u0000`).
import { describe, expect, it } from 'vitest';
import { scrub, wellFormedJson } from '../../db/inbox/json';

/** The old way: every string through the scrubbing replacer. */
const scrubbedAlways = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? scrub(x) : x));

const NUL = '\u0000';
const HIGH = '\uD83D'; // first half of 😀
const LOW = '\uDE00'; // second half of 😀

describe('wellFormedJson', () => {
  it('a project name with a NUL is stored with U+FFFD in its place', () => {
    expect(wellFormedJson({ projectName: `水利${NUL}工程` })).toBe('{"projectName":"水利\uFFFD工程"}');
  });

  it('lone surrogates, high or low, become U+FFFD; a pair (an emoji) stays as it is', () => {
    expect(JSON.parse(wellFormedJson({ comment: `同意${HIGH}` }))).toEqual({ comment: '同意\uFFFD' });
    expect(JSON.parse(wellFormedJson({ comment: `${LOW}同意` }))).toEqual({ comment: '\uFFFD同意' });
    expect(JSON.parse(wellFormedJson({ comment: `${LOW}${HIGH}` }))).toEqual({ comment: '\uFFFD\uFFFD' }); // reversed: two lone halves
    expect(wellFormedJson({ comment: `同意${HIGH}${LOW}` })).toBe('{"comment":"同意😀"}');
  });

  it('the literal text \\u0000 (a backslash and five letters) is kept as written, beside a real NUL or not', () => {
    const literal = '见附件 \\u0000 与 \\ud800';
    expect(literal).toHaveLength(19);
    expect(JSON.parse(wellFormedJson({ reason: literal }))).toEqual({ reason: literal });
    expect(wellFormedJson({ reason: literal })).toBe(JSON.stringify({ reason: literal }));
    expect(JSON.parse(wellFormedJson({ reason: literal, form: { note: NUL } }))).toEqual({ reason: literal, form: { note: '\uFFFD' } });
    expect(JSON.parse(wellFormedJson({ reason: `\\${NUL}` }))).toEqual({ reason: '\\\uFFFD' });
  });

  it('text with other escapes (quotes, newlines, other control characters) is JSON.stringify\'s own', () => {
    const v = { comment: '"引号"\n\t\u0001\u001f\\n', n: 1, ok: true, none: null, list: ['a', 2] };
    expect(wellFormedJson(v)).toBe(JSON.stringify(v));
  });

  it('nothing to write stays nothing, as JSON.stringify gives it', () => {
    expect(wellFormedJson(undefined)).toBeUndefined();
    expect(wellFormedJson('')).toBe('""');
    expect(wellFormedJson(null)).toBe('null');
  });

  it('gives what scrubbing every string gives, for every mix of the troublesome characters', () => {
    // every string of up to four of these, as a value, a nested value and a key (keys were never scrubbed)
    const parts = [NUL, HIGH, LOW, '\\', 'u', '0', 'd8', 'a', '\uFFFD', '"'];
    const strings: string[] = [''];
    let level = [''];
    for (let len = 1; len <= 4; len++) {
      level = level.flatMap((s) => parts.map((p) => s + p));
      strings.push(...level);
    }
    expect(strings.length).toBeGreaterThan(10_000);
    let scrubbed = 0;
    for (const s of strings) {
      const v = { s, nested: { list: [s, 1] }, [s]: 'key' };
      const expected = scrubbedAlways(v);
      expect(wellFormedJson(v)).toBe(expected);
      if (expected !== JSON.stringify(v)) scrubbed++;
    }
    expect(scrubbed).toBeGreaterThan(1000); // the bad characters were there to scrub
  });
});
