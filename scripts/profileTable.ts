// Prints a process's part of the four region profiles as a Markdown table, each value with its
// source (seed and phrase) or "default (ours)": `npx tsx scripts/profileTable.ts preAssessment`.
// The README's table of pre-assessment rules is its output.
import { regionIds, regionProfile } from '../config/regions';
import { profileValues } from '../config/provenance';

const section = process.argv[2] ?? 'preAssessment';
const regions = regionIds();
const byRegion = regions.map((id) => new Map(profileValues(regionProfile(id, { warn: () => {} }), section).map((v) => [v.path, v])));
const paths = [...new Set(byRegion.flatMap((m) => [...m.keys()]))];
const cell = (v: { value: unknown; source: { seed: string; phrase: string } | null } | undefined): string => {
  if (!v) return '—';
  const value = typeof v.value === 'number' && /Fen/.test(JSON.stringify(v)) ? String(v.value) : JSON.stringify(v.value);
  return `\`${value.replace(/\|/g, '\\|')}\` ${v.source ? `(${v.source.seed}: “${v.source.phrase}”)` : '*(ours)*'}`;
};
console.log(`| value | ${regions.join(' | ')} |`);
console.log(`| --- | ${regions.map(() => '---').join(' | ')} |`);
for (const p of paths) console.log(`| \`${p.replace(`${section}.`, '')}\` | ${byRegion.map((m) => cell(m.get(p))).join(' | ')} |`);
