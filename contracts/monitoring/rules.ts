// The monitoring rules (监控规则), pure: the workflows evaluate them (deterministically, from their
// input) and the API shows the same thresholds. Each rule is evaluated twice: on finance's data when
// the round opens, and on the unit's submitted form (双监控: execution and core indicators).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { MonitoringProfile } from './profile.zod';
import type { MonitoringForm, RoundProject, RoundTotals, RuleHit } from './round.zod';
import type { DepartmentFailure, RoundCancellation, RoundStage } from './messages';

export const RULES = {
  executionLag: { id: 'monitoring.executionLag', label: '预算执行率低于时间进度' },
  coreIndicator: { id: 'monitoring.coreIndicator', label: '核心指标预计完成率偏低' },
  expectedExecution: { id: 'monitoring.expectedExecution', label: '预计全年预算执行率偏低' },
} as const;

const DAY = 86_400_000;

/** Time progress (时间进度) at the cut-off: the share of the year passed, in basis points (floor). */
export function timeProgressBp(year: number, cutoff: string): number {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const at = Date.UTC(year, Number(cutoff.slice(0, 2)) - 1, Number(cutoff.slice(3, 5))) + DAY; // the cut-off day counts
  return Math.floor(((at - start) / (end - start)) * 10_000);
}

/** The cut-off's date, YYYY-MM-DD. */
export const cutoffDate = (year: number, cutoff: string): string => `${year}-${cutoff}`;

/** On finance's data at the cut-off: execution more than executionLagPoints behind time progress. */
export function executionLagHit(p: Pick<RoundProject, 'id' | 'executionRateBp' | 'availableFen' | 'paidFen'>, tpBp: number, profile: Pick<MonitoringProfile, 'executionLagPoints'>, at: string): RuleHit | null {
  const lagBp = tpBp - p.executionRateBp;
  if (lagBp <= profile.executionLagPoints * 100) return null;
  return {
    rule: RULES.executionLag,
    data: { executionRatePct: p.executionRateBp / 100, timeProgressPct: tpBp / 100, lagPoints: lagBp / 100, availableFen: p.availableFen, paidFen: p.paidFen },
    threshold: { lagPointsAbove: profile.executionLagPoints },
    observedAt: at,
    source: 'round',
  };
}

/** On the submitted form: a core indicator expected below coreIndicatorMinPct, or year-end execution expected too low. */
export function formHits(form: MonitoringForm, profile: Pick<MonitoringProfile, 'coreIndicatorMinPct' | 'executionLagPoints'>, at: string): RuleHit[] {
  const out: RuleHit[] = [];
  const low = form.indicators.filter((i) => i.core && i.expectedPct < profile.coreIndicatorMinPct);
  if (low.length) {
    out.push({
      rule: RULES.coreIndicator,
      data: { indicators: low.map((i) => ({ code: i.code, name: i.name, completedPct: i.completedPct, expectedPct: i.expectedPct })) },
      threshold: { expectedPctAtLeast: profile.coreIndicatorMinPct },
      observedAt: at,
      source: 'form',
    });
  }
  const floor = 100 - profile.executionLagPoints;
  if (form.expectedExecutionPct < floor) {
    out.push({ rule: RULES.expectedExecution, data: { expectedExecutionPct: form.expectedExecutionPct }, threshold: { expectedPctAtLeast: floor }, observedAt: at, source: 'form' });
  }
  return out;
}

/** Behind (偏差): a rule hit, or any indicator expected short of its target. Then reasons and measures are required. */
export function isBehind(form: MonitoringForm, hits: RuleHit[]): boolean {
  return hits.length > 0 || form.indicators.some((i) => i.expectedPct < 100);
}

export function missingReasons(form: MonitoringForm): string[] {
  const missing: string[] = [];
  if (!form.deviationReason?.trim()) missing.push('deviationReason');
  if (!form.measures?.trim()) missing.push('measures');
  return missing;
}

export const emptyTotals = (): RoundTotals => ({ projects: 0, submitted: 0, approved: 0, overdue: 0, notSubmitted: 0, warned: 0 });
export function addTotals(a: Record<string, number>, b: Record<string, number>): RoundTotals {
  const out = { ...emptyTotals(), ...a } as RoundTotals;
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export interface RoundStatus {
  round: string;
  stage: RoundStage;
  departments: number;
  departmentsDone: number;
  totals: RoundTotals;
  /** Departments whose part failed for good, until finance re-runs them (the round does not close meanwhile). */
  failed?: DepartmentFailure[];
  /** Who cancelled the round, why and when. */
  cancelled?: RoundCancellation | null;
  /** Cancelled: the parts (workflow ids) that did not confirm they closed their forms within the bound. */
  unconfirmed?: string[];
}
export const roundStatusQuery = defineQuery<RoundStatus>('monitoring.round.status');
/** Finance re-runs the round for one department (重新监控): its part starts again. */
export const rerunDepartmentSignal = defineSignal<[{ deptId: string; by: string }]>('monitoring.round.rerun');
