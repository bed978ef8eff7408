// Circular cross peer review (互审互评, 循环交叉评审, 004), pure and zod-free: which agency reviews
// which report. No agency reviews its own; the rotation starts at the next agency after the author
// (A→B→C→A, ours) and each report goes to the least-loaded other agency, so the loads differ by at
// most one whenever the reports allow it; with one agency an expert panel reviews instead.

export const EXPERT_PANEL = 'expertPanel';

export interface ReportRef {
  reportId: string;
  agencyId: string;
}
export interface PeerAssignment {
  reportId: string;
  author: string;
  /** The reviewing agency, or EXPERT_PANEL when there is no other agency. */
  reviewer: string;
}

/** The assignment of a batch of reports: deterministic (sorted input), never self-review. */
export function assignPeerReviews(reports: readonly ReportRef[]): PeerAssignment[] {
  const sorted = [...reports].sort((a, b) => (a.agencyId === b.agencyId ? cmp(a.reportId, b.reportId) : cmp(a.agencyId, b.agencyId)));
  const agencies = [...new Set(sorted.map((r) => r.agencyId))].sort(cmp);
  if (agencies.length <= 1) return sorted.map((r) => ({ reportId: r.reportId, author: r.agencyId, reviewer: EXPERT_PANEL }));
  const load = new Map(agencies.map((a) => [a, 0]));
  // the busiest authors first: their reports have the fewest choices
  const authored = new Map(agencies.map((a) => [a, sorted.filter((r) => r.agencyId === a).length]));
  const order = [...sorted].sort((a, b) => (authored.get(b.agencyId) as number) - (authored.get(a.agencyId) as number) || 0);
  const out = new Map<string, PeerAssignment>();
  for (const r of order) {
    const start = agencies.indexOf(r.agencyId);
    let best: string | null = null;
    for (let step = 1; step < agencies.length; step++) {
      const cand = agencies[(start + step) % agencies.length];
      if (best === null || (load.get(cand) as number) < (load.get(best) as number)) best = cand;
    }
    const reviewer = best as string;
    load.set(reviewer, (load.get(reviewer) as number) + 1);
    out.set(r.reportId, { reportId: r.reportId, author: r.agencyId, reviewer });
  }
  balance(sorted.map((r) => out.get(r.reportId) as PeerAssignment), agencies, load);
  return sorted.map((r) => out.get(r.reportId) as PeerAssignment);
}

/**
 * Evens the loads out where the greedy pass left them two or more apart: moves one review along a
 * chain of agencies, from the busiest to the least busy, each step to an agency that is not the
 * report's author (breadth-first, in the agencies' order: deterministic). Stops when no chain exists
 * (the batch itself allows no better: e.g. two agencies, one of them the author of every report).
 */
function balance(assigned: PeerAssignment[], agencies: string[], load: Map<string, number>): void {
  for (let guard = 0; guard < assigned.length * agencies.length; guard++) {
    const byLoad = [...agencies].sort((a, b) => (load.get(a) as number) - (load.get(b) as number) || cmp(a, b));
    const low = byLoad[0];
    const high = byLoad[byLoad.length - 1];
    if ((load.get(high) as number) - (load.get(low) as number) <= 1) return;
    // breadth-first from the busiest: an edge X→Y is a report X reviews that Y may review instead
    const prev = new Map<string, { from: string; report: PeerAssignment }>();
    const queue = [high];
    const seen = new Set([high]);
    while (queue.length && !seen.has(low)) {
      const x = queue.shift() as string;
      for (const y of agencies) {
        if (seen.has(y)) continue;
        const report = assigned.find((a) => a.reviewer === x && a.author !== y);
        if (!report) continue;
        seen.add(y);
        prev.set(y, { from: x, report });
        queue.push(y);
      }
    }
    if (!seen.has(low)) return;
    for (let y = low; y !== high; ) {
      const step = prev.get(y) as { from: string; report: PeerAssignment };
      step.report.reviewer = y;
      y = step.from;
    }
    load.set(high, (load.get(high) as number) - 1);
    load.set(low, (load.get(low) as number) + 1);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
