// Every value a region profile attributes to a seed is there: the path names a value of the parsed
// profile, and the seed file (docs/seeds) contains the phrase (whitespace ignored: the seeds are
// extracted from PDFs with line breaks inside sentences). Values without a source are ours.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfileFiles, regionIds, regionProfile } from '../config/regions';
import type { ProfileSource } from '../contracts/region.zod';

const SEEDS = join(import.meta.dirname, '..', 'docs', 'seeds');
const squash = (s: string) => s.replace(/\s+/g, '');
const seedText = (seed: string): string => {
  const file = readdirSync(SEEDS).find((f) => f.startsWith(`${seed}_`));
  if (!file) throw new Error(`no seed ${seed} in docs/seeds`);
  return squash(readFileSync(join(SEEDS, file), 'utf8'));
};
const at = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

describe.each(regionIds())('region %s: what it attributes to a seed', (id) => {
  const profile = regionProfile(id, { warn: () => {} });
  const entries = Object.entries(profile.sources);

  it.each<[string, ProfileSource | null]>(entries.length ? entries : [['(none)', null]])('%s', (path, src) => {
    if (src === null) return; // a region with no sourced value yet: nothing to check
    expect(at(profile, path), `${path} is not a value of the profile`).not.toBeUndefined();
    expect(seedText(src.seed), `seed ${src.seed} does not say "${src.phrase}"`).toContain(squash(src.phrase));
  });
});

describe('the profile loader', () => {
  it('gathers each process file’s $sources under its path', () => {
    const raw = readProfileFiles('inner-mongolia') as { sources: Record<string, { seed: string }> };
    expect(raw.sources['preAssessment.mandatoryAboveFen']).toMatchObject({ seed: '000' });
  });

  it('a phrase the seed does not contain is caught', () => {
    expect(seedText('000')).not.toContain(squash('金额超过300万元的新增重大政策'));
  });
});
