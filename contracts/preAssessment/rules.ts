// Pre-assessment rules and messages without zod, for workflow code (the schemas are in
// application.zod.ts).
import { defineQuery } from '@temporalio/workflow';
import type { RegionProfile } from '../region.zod';
import type { ProjectApplication } from './application.zod';

export { PRE_ASSESSMENT_TASKS } from './names';

export type ReviewRoute = 'key' | 'general' | 'targetReview';

type Profile = RegionProfile['preAssessment'];
/** The profile as a run carries it: runs started before a field existed lack it (their input is history). */
type RunProfile = Pick<Profile, 'requiredForAll' | 'mandatoryAboveFen' | 'keyAssessmentFromFen'> & Partial<Profile>;
type Routed = Pick<ProjectApplication, 'amountFen' | 'isNew'> & Partial<Pick<ProjectApplication, 'midYear' | 'majorDevelopment'>>;

/**
 * Which review an application gets, from the region profile: Xinjiang (003) and Wuhai (004) every
 * project; Inner Mongolia (000) new ones above 5,000,000 yuan (strictly); Altay (001) every new one
 * of the annual request, mid-year additions only when a new major 事业发展类 project; key from the
 * profile's amount (001: 1,000,000 yuan 含), general below.
 */
export function routeApplication(a: Routed, p: RunProfile): ReviewRoute {
  const midYearExempt = a.midYear === true && p.midYear === 'newMajorDevelopment' && a.majorDevelopment !== true;
  const required = p.requiredForAll || (a.isNew && a.amountFen > p.mandatoryAboveFen && !midYearExempt);
  if (!required) return 'targetReview';
  return a.amountFen >= p.keyAssessmentFromFen ? 'key' : 'general';
}

/** Who reviews a route: a key assessment finance, a general one the department unless the profile gives it to finance (004). */
export function reviewerOf(route: ReviewRoute, p: Partial<Pick<Profile, 'generalReviewBy'>>): 'department' | 'finance' {
  if (route === 'key') return 'finance';
  if (route === 'general') return p.generalReviewBy ?? 'department';
  return 'department';
}

/**
 * Whether a target review goes on to finance after the department (002's four criteria): not when the
 * profile says 'none' or a run predates the step (no `targetReview` in its profile); a new project's
 * targets always; a continuing project's from the profile's amount.
 */
export function financeTargetReview(a: Pick<ProjectApplication, 'amountFen' | 'isNew'>, p: Partial<Pick<Profile, 'targetReview'>>): 'performance' | 'business' | null {
  const t = p.targetReview;
  if (!t || t.financeBy === 'none') return null;
  return a.isNew || a.amountFen >= t.financeFromFen ? t.financeBy : null;
}

/** The finance group that reviews targets: the performance division or the business division. */
export const financeTargetGroup = (by: 'performance' | 'business'): string => (by === 'business' ? 'finance_business@FIN' : 'finance_performance@FIN');

/**
 * The five aspects' score on 100 (null: the profile gives findings only, or an aspect has no points):
 * points per aspect on the profile's scale (ours: 20), so 18 in each of five is 90.
 */
export function aspectScore(aspects: Record<string, { score?: number | null }>, maxPoints: number | null | undefined): number | null {
  const max = maxPoints === undefined ? 20 : maxPoints;
  if (max === null) return null;
  const points = Object.values(aspects).map((a) => a.score);
  if (!points.length || points.some((x) => x === undefined || x === null)) return null;
  const sum = (points as number[]).reduce((s, x) => s + Math.min(x, max), 0);
  return Math.round((sum / (points.length * max)) * 10000) / 100;
}

/**
 * Whether a department lead may approve the review in bulk (批量审批): a continuing project's target
 * review below the profile's threshold (ours; Wuhai 0: finance reviews every report). Runs started
 * before the threshold existed carry profiles without it: never.
 */
export function bulkTargetReview(
  route: ReviewRoute,
  a: Pick<ProjectApplication, 'amountFen' | 'isNew'>,
  p: { bulkTargetReviewBelowFen?: number },
): boolean {
  return route === 'targetReview' && !a.isNew && a.amountFen < (p.bulkTargetReviewBelowFen ?? 0);
}

/** Candidate group that reviews each route (reviewerOf: Wuhai's general assessments are finance's too). */
export function reviewGroup(route: ReviewRoute, deptId: string, p: Partial<Pick<Profile, 'generalReviewBy'>> = {}): string {
  return reviewerOf(route, p) === 'finance' ? 'finance_performance@FIN' : `competent_reviewer@${deptId}`;
}

/** delayed / cancelled: the budget delayed or cancelled (缓批或取消, 002) by finance's target review. */
export const PRE_ASSESSMENT_CONCLUSIONS = ['passed', 'passedReduced', 'failed', 'withdrawn', 'abandoned', 'delayed', 'cancelled'] as const;
export type PreAssessmentConclusion = (typeof PRE_ASSESSMENT_CONCLUSIONS)[number];

export interface PreAssessmentStatus {
  stage: 'review' | 'financeReview' | 'signOff' | 'revision' | 'done';
  route: ReviewRoute;
  revision: number;
  application: ProjectApplication;
  conclusion: PreAssessmentConclusion | null;
  approvedAmountFen: number | null;
  score: number | null;
  /** The project library entry in the finance system (set once entered or refused; absent on older runs). */
  library?: { entered: true; libraryId: string | null; approvedFen: number } | { entered: false; rule: string; reason: string } | null;
}

export const preAssessmentStatusQuery = defineQuery<PreAssessmentStatus>('preAssessment.status');
export const preAssessmentWorkflowId = (projectCode: string): string => `preAssessment:${projectCode}`;
