// Self-evaluation scoring (自评评分), pure and zod-free: the workflow computes a form's score with it
// and the API previews the same score. National practice (财政部 财预〔2020〕10号, not a seed) is the
// default of the region profile: 100 points, outputs 50, benefits 30, satisfaction 10, budget
// execution rate 10; 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.

export type Direction = '>=' | '<=' | '=';
export type IndicatorKind = 'output' | 'benefit' | 'satisfaction';
export type Grade = '优' | '良' | '中' | '差';

export interface Weights {
  output: number;
  benefit: number;
  satisfaction: number;
  execution: number;
}
export interface GradeBand {
  grade: Grade;
  minScore: number;
}

/** One indicator as scored: its approved target, the actual value the unit reports, and the direction. */
export interface ScoredIndicator {
  kind: IndicatorKind;
  name: string;
  target: string;
  direction: Direction;
  /** The actual value (实际完成值), numeric for a numeric target. */
  actual?: string | null;
  /** For a target that is not a number (定性指标): how far it was met, 0–100, as the unit judges it. */
  completionPct?: number | null;
}

const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100) / 100;

/** A number from an indicator's value ("40", "95%", "≥ 98", "1,200"); null when it is not one. */
export function numberOf(v: string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const m = v.replace(/[,，\s]/g, '').match(/-?\d+(?:\.\d+)?/);
  return m ? Number(m[0]) : null;
}

/**
 * The completion ratio (完成率) of an indicator, 0–1, with its direction respected:
 * '>=' (higher is better) actual / target, capped at 1; '<=' (lower is better) 1 when at or below
 * the target, else target / actual; '=' 1 at the target, less by the relative deviation.
 * A qualitative indicator takes the unit's completionPct; no actual value scores 0.
 */
export function completionRatio(i: Pick<ScoredIndicator, 'target' | 'direction' | 'actual' | 'completionPct'>): number {
  const target = numberOf(i.target);
  const actual = numberOf(i.actual);
  if (target === null || actual === null) {
    if (typeof i.completionPct === 'number') return Math.min(1, Math.max(0, i.completionPct / 100));
    return 0;
  }
  switch (i.direction) {
    case '>=':
      if (target <= 0) return actual >= target ? 1 : 0;
      return Math.min(1, Math.max(0, actual / target));
    case '<=':
      if (actual <= target) return 1;
      return actual <= 0 ? 0 : Math.max(0, target / actual);
    case '=': {
      if (actual === target) return 1;
      if (target === 0) return 0;
      return Math.max(0, 1 - Math.abs(actual - target) / Math.abs(target));
    }
  }
}

export interface ScoreBreakdown {
  /** Points per part, each out of its weight (a part without indicators passes its weight to the others). */
  output: number;
  benefit: number;
  satisfaction: number;
  execution: number;
  total: number;
  grade: Grade;
  /** Per indicator: its completion ratio and the points it earned. */
  indicators: Array<{ name: string; kind: IndicatorKind; ratio: number; points: number; max: number }>;
}

/**
 * The score of a self-evaluation: each part's weight shared equally by its indicators, each indicator
 * earning its share times its completion ratio; the execution rate part earns its weight times the
 * execution rate (capped at 100%). A part with no indicator *(ours)*: its weight goes to the other
 * indicator parts in proportion to theirs, so the total stays out of 100.
 */
export function scoreSelfEvaluation(indicators: readonly ScoredIndicator[], executionRateBp: number, weights: Weights, grades: readonly GradeBand[]): ScoreBreakdown {
  const kinds: IndicatorKind[] = ['output', 'benefit', 'satisfaction'];
  const present = kinds.filter((k) => indicators.some((i) => i.kind === k));
  const presentWeight = present.reduce((s, k) => s + weights[k], 0);
  const missingWeight = kinds.filter((k) => !present.includes(k)).reduce((s, k) => s + weights[k], 0);
  const partMax = (k: IndicatorKind): number => (present.includes(k) ? weights[k] + (presentWeight > 0 ? (missingWeight * weights[k]) / presentWeight : 0) : 0);
  const parts = { output: 0, benefit: 0, satisfaction: 0 };
  const out: ScoreBreakdown['indicators'] = [];
  for (const k of present) {
    const of = indicators.filter((i) => i.kind === k);
    const max = partMax(k) / of.length;
    for (const i of of) {
      const ratio = completionRatio(i);
      const points = max * ratio;
      parts[k] += points;
      out.push({ name: i.name, kind: k, ratio: round2(ratio * 10000) / 10000, points: round2(points), max: round2(max) });
    }
  }
  const execution = weights.execution * Math.min(1, Math.max(0, executionRateBp / 10000));
  const total = round2(parts.output + parts.benefit + parts.satisfaction + execution);
  return { output: round2(parts.output), benefit: round2(parts.benefit), satisfaction: round2(parts.satisfaction), execution: round2(execution), total, grade: gradeOf(total, grades), indicators: out };
}

/** The grade of a score by the profile's bands (the highest band whose minimum it reaches). */
export function gradeOf(score: number, grades: readonly GradeBand[]): Grade {
  const bands = [...grades].sort((a, b) => b.minScore - a.minScore);
  for (const b of bands) if (score >= b.minScore) return b.grade;
  return bands[bands.length - 1]?.grade ?? '差';
}
