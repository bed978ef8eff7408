// The finance stand-in's data follows the region profile's pre-assessment gate: new projects sit
// exactly on each threshold (999,999.99 / 1,000,000 / 5,000,000 / 5,000,001 yuan with Inner
// Mongolia's), library entries needed a pre-assessment by the profile's gate, and reduced approvals
// span the seeds' range (000's case: about 30% of the request kept).
import { describe, expect, it } from 'vitest';
import { generate } from '../../finance/generate';
import { regionProfile } from '../../config/regions';

const YUAN = 100;
const small = { departments: 10, units: 100, projects: 1500, transfers: 0, countiesPerTransfer: 0, years: 1 as const, libraryShare: 0.5 };

describe('the stand-in follows the profile', () => {
  it('the demo data puts new projects exactly on each threshold of Inner Mongolia’s gate, in each year', () => {
    const p = regionProfile('inner-mongolia', { warn: () => {} }).preAssessment;
    const d = generate({ year: 2026, gate: p });
    for (const year of d.meta.years) {
      const amounts = d.projects.filter((x) => x.year === year && x.isNew).map((x) => x.originalFen);
      for (const yuan of [999_999.99, 1_000_000, 5_000_000, 5_000_001]) expect(amounts, `${yuan} yuan in ${year}`).toContain(Math.round(yuan * YUAN));
    }
    // their budget lines add up to the amount, as every project's do
    const edge = d.projects.find((x) => x.originalFen === 99_999_999)!;
    expect(edge.lines.reduce((s, l) => s + l.budgetFen, 0)).toBe(edge.originalFen);
  });

  it('another gate moves the edges and which library entries needed a pre-assessment', () => {
    const gate = { mandatoryAboveFen: 300_000_000, keyAssessmentFromFen: 50_000_000 };
    const d = generate({ year: 2026, scale: small, gate });
    const amounts = d.projects.filter((x) => x.isNew).map((x) => x.originalFen);
    expect(amounts).toEqual(expect.arrayContaining([49_999_999, 50_000_000, 300_000_000, 300_000_100]));
    for (const e of d.library) expect(e.preAssessment.conclusion === 'not_required').toBe(e.requestedFen <= gate.mandatoryAboveFen);
  });

  it('reduced approvals keep from about 30% to 90% of the request, never all of it', () => {
    const d = generate({ year: 2026, scale: { ...small, projects: 4000 } });
    const ratios = d.library.filter((e) => e.preAssessment.conclusion === 'pass_reduced').map((e) => e.approvedFen / e.requestedFen);
    expect(ratios.length).toBeGreaterThan(20);
    expect(Math.min(...ratios)).toBeLessThan(0.4);
    expect(Math.min(...ratios)).toBeGreaterThan(0.25);
    expect(Math.max(...ratios)).toBeLessThan(0.95);
    expect(Math.max(...ratios)).toBeGreaterThan(0.8);
  });
});
