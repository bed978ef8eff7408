// Every string of the web app is a zh/en pair: the shell's table and vocabularies (api/web/strings.js)
// and those of each registered process's web module (api/web/<name>/index.js, found by the
// registry's convention), plus the labels GET /api/process-types serves from the manifests. A text that
// lacks a language, or whose {placeholders} differ between the languages, fails here.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROCESSES } from '../../contracts/registry.zod';
import { hasPart, processFile, REPO_ROOT } from '../../app/processPaths';

type Table = Record<string, unknown>;

/** The problems of one string table: entries that are not {zh, en} with both non-empty, or whose placeholders differ. */
function problems(where: string, table: unknown): string[] {
  if (!table || typeof table !== 'object') return [`${where}: not a table`];
  const out: string[] = [];
  for (const [key, e] of Object.entries(table as Table)) {
    const pair = e as { zh?: unknown; en?: unknown } | null;
    const missing = (['zh', 'en'] as const).filter((l) => typeof pair?.[l] !== 'string' || !(pair[l] as string).trim());
    if (missing.length) {
      out.push(`${where}.${key} lacks ${missing.join(' and ')}`);
      continue;
    }
    const extra = Object.keys(pair!).filter((k) => k !== 'zh' && k !== 'en');
    if (extra.length) out.push(`${where}.${key} has ${extra.join(', ')} besides zh and en`);
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    if (vars(pair!.zh as string) !== vars(pair!.en as string)) out.push(`${where}.${key}: placeholders differ ({${vars(pair!.zh as string)}} / {${vars(pair!.en as string)}})`);
  }
  return out;
}

const vocabProblems = (where: string, vocab: unknown) => Object.entries((vocab ?? {}) as Table).flatMap(([name, table]) => problems(`${where}.${name}`, table));

const load = (file: string) => import(pathToFileURL(file).href);

describe('web strings: every text in Chinese and English', () => {
  it('the shell: its string table and vocabularies', async () => {
    const shell = await load(`${REPO_ROOT}/api/web/strings.js`);
    expect(Object.keys(shell.STRINGS).length).toBeGreaterThan(100);
    expect([...problems('STRINGS', shell.STRINGS), ...vocabProblems('VOCAB', shell.VOCAB)]).toEqual([]);
  });

  it('the problem finder finds a missing language, an empty text and different placeholders', () => {
    expect(problems('T', { a: { zh: '甲' }, b: { zh: '', en: 'B' }, c: { zh: '{n} 项', en: '{m} items' }, d: { zh: '丁', en: 'D' } })).toEqual(['T.a lacks en', 'T.b lacks zh', 'T.c: placeholders differ ({n} / {m})']);
  });

  for (const p of PROCESSES) {
    it(`${p.name}: its manifest's labels, and its web module's strings and vocabularies`, async () => {
      const found = [...problems(`${p.name}.label`, { label: p.label }), ...problems(`${p.name}.stages`, p.stages), ...problems(`${p.name}.conclusions`, p.conclusions)];
      if (hasPart(p, 'web')) {
        const shell = await load(`${REPO_ROOT}/api/web/strings.js`);
        const mod = await load(processFile(p, 'web'));
        found.push(...problems(`${p.name}/strings`, mod.strings ?? {}), ...vocabProblems(`${p.name}/vocab`, mod.vocab));
        if (mod.start) found.push(...problems(`${p.name}/start`, { label: mod.start.label }));
        // a vocabulary key the shell already defines would be ignored in the browser (addVocab keeps the first)
        for (const [name, table] of Object.entries((mod.vocab ?? {}) as Record<string, Table>)) {
          for (const key of Object.keys(table)) if (shell.VOCAB[name]?.[key]) found.push(`${p.name}/vocab.${name}.${key} is the shell's already`);
        }
      }
      expect(found).toEqual([]);
    });
  }
});
