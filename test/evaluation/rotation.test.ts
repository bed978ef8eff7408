// Circular cross peer review (互审互评, 004): no agency reviews its own report, and the loads differ
// by at most one; with a single agency an expert panel reviews.
import { describe, expect, it } from 'vitest';
import { assignPeerReviews, EXPERT_PANEL, type ReportRef } from '../../contracts/evaluation/rotation';

const agencies = (n: number, perAgency = 1): ReportRef[] =>
  Array.from({ length: n }, (_, a) => Array.from({ length: perAgency }, (_, k) => ({ reportId: `R${a + 1}-${k + 1}`, agencyId: `AG${a + 1}` }))).flat();

function loads(a: ReturnType<typeof assignPeerReviews>): number[] {
  const m = new Map<string, number>();
  for (const x of a) m.set(x.reviewer, (m.get(x.reviewer) ?? 0) + 1);
  return [...m.values()];
}

describe('the rotation of peer reviews', () => {
  it('with one agency, an expert panel reviews every report', () => {
    const a = assignPeerReviews(agencies(1, 3));
    expect(a.map((x) => x.reviewer)).toEqual([EXPERT_PANEL, EXPERT_PANEL, EXPERT_PANEL]);
  });

  it('with two agencies, each reviews the other’s', () => {
    const a = assignPeerReviews(agencies(2, 2));
    expect(a).toEqual([
      { reportId: 'R1-1', author: 'AG1', reviewer: 'AG2' },
      { reportId: 'R1-2', author: 'AG1', reviewer: 'AG2' },
      { reportId: 'R2-1', author: 'AG2', reviewer: 'AG1' },
      { reportId: 'R2-2', author: 'AG2', reviewer: 'AG1' },
    ]);
  });

  it('with three agencies, one report each, it runs A→B→C→A', () => {
    expect(assignPeerReviews(agencies(3)).map((x) => `${x.author}→${x.reviewer}`)).toEqual(['AG1→AG2', 'AG2→AG3', 'AG3→AG1']);
  });

  it.each([1, 2, 3, 7])('with %i agencies and uneven batches, nobody reviews their own and the load is within one', (n) => {
    for (const per of [1, 2, 3]) {
      // uneven: agency k has per + (k % 2) reports
      const reports = Array.from({ length: n }, (_, a) => Array.from({ length: per + (a % 2) }, (_, k) => ({ reportId: `R${a}-${k}`, agencyId: `AG${a}` }))).flat();
      const a = assignPeerReviews(reports);
      expect(a).toHaveLength(reports.length);
      for (const x of a) expect(x.reviewer).not.toBe(x.author);
      if (n > 1) {
        const l = loads(a);
        const all = l.length < n ? [...l, 0] : l; // an agency reviewing nothing counts as 0
        expect(Math.max(...all) - Math.min(...all)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is the same whatever order the reports come in', () => {
    const reports = agencies(7, 2);
    expect(assignPeerReviews([...reports].reverse())).toEqual(assignPeerReviews(reports));
  });
});
