// The agency register's selection (机构选取), pure and zod-free: an agency's credit is the mean final
// score of its reports in circular cross peer reviews (互审互评; without any yet: the profile's
// neutral start) plus finance's entries in its credit record; the next selection for a department
// and unit leaves out inactive agencies, those that declared a conflict with either, and those whose
// credit is below the profile's minimum, and ranks the rest by credit, then by fewer commissions,
// then by id *(ours)*.

export interface RegisterAgency {
  id: string;
  name: string;
  conflicts: string[];
  active: boolean;
  /** Final scores of its reports in peer reviews (the credit record's 'peerReview' entries). */
  peerReviewScores: number[];
  /** Finance's entries (the credit record's 'finance' entries): points added or taken. */
  financePoints: number[];
  commissions: number;
}

export interface CreditRule {
  /** Credit of an agency without any peer-reviewed report yet *(ours: 80)*. */
  initialCredit: number;
  /** Below this credit an agency is not selected *(ours: 60)*. */
  minCredit: number;
}

const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

/** The mean final score of its peer-reviewed reports (null: none yet). */
export function qualityScore(a: Pick<RegisterAgency, 'peerReviewScores'>): number | null {
  if (!a.peerReviewScores.length) return null;
  return round2(a.peerReviewScores.reduce((s, x) => s + x, 0) / a.peerReviewScores.length);
}

export function creditOf(a: Pick<RegisterAgency, 'peerReviewScores' | 'financePoints'>, rule: CreditRule): number {
  return round2((qualityScore(a) ?? rule.initialCredit) + a.financePoints.reduce((s, x) => s + x, 0));
}

export interface Selection {
  eligible: Array<{ id: string; name: string; credit: number; quality: number | null; commissions: number }>;
  excluded: Array<{ id: string; reason: 'inactive' | 'conflict' | 'credit'; credit: number }>;
}

export function selectAgencies(agencies: readonly RegisterAgency[], req: { deptId: string; unitId?: string }, rule: CreditRule): Selection {
  const out: Selection = { eligible: [], excluded: [] };
  for (const a of [...agencies].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) {
    const credit = creditOf(a, rule);
    if (!a.active) out.excluded.push({ id: a.id, reason: 'inactive', credit });
    else if (a.conflicts.includes(req.deptId) || (req.unitId !== undefined && a.conflicts.includes(req.unitId))) out.excluded.push({ id: a.id, reason: 'conflict', credit });
    else if (credit < rule.minCredit) out.excluded.push({ id: a.id, reason: 'credit', credit });
    else out.eligible.push({ id: a.id, name: a.name, credit, quality: qualityScore(a), commissions: a.commissions });
  }
  out.eligible.sort((x, y) => y.credit - x.credit || x.commissions - y.commissions || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return out;
}
