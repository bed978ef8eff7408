// Pre-assessment rules and messages without zod, for workflow code (the schemas are in
// application.zod.ts).
import { defineQuery } from '@temporalio/workflow';
import type { RegionProfile } from '../region.zod';
import type { ProjectApplication } from './application.zod';

export { PRE_ASSESSMENT_TASKS } from './names';

export type ReviewRoute = 'key' | 'general' | 'targetReview';

/** Which review an application gets, from the region profile (000: gate; 001: tiers; 004: all). */
export function routeApplication(a: Pick<ProjectApplication, 'amountFen' | 'isNew'>, p: RegionProfile['preAssessment']): ReviewRoute {
  const required = p.requiredForAll || (a.isNew && a.amountFen > p.mandatoryAboveFen);
  if (!required) return 'targetReview';
  return a.amountFen >= p.keyAssessmentFromFen ? 'key' : 'general';
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

/** Candidate group that reviews each route. */
export function reviewGroup(route: ReviewRoute, deptId: string): string {
  return route === 'key' ? 'finance_performance@FIN' : `competent_reviewer@${deptId}`;
}

export const PRE_ASSESSMENT_CONCLUSIONS = ['passed', 'passedReduced', 'failed', 'withdrawn', 'abandoned'] as const;
export type PreAssessmentConclusion = (typeof PRE_ASSESSMENT_CONCLUSIONS)[number];

export interface PreAssessmentStatus {
  stage: 'review' | 'signOff' | 'revision' | 'done';
  route: ReviewRoute;
  revision: number;
  application: ProjectApplication;
  conclusion: PreAssessmentConclusion | null;
  approvedAmountFen: number | null;
  score: number | null;
}

export const preAssessmentStatusQuery = defineQuery<PreAssessmentStatus>('preAssessment.status');
export const preAssessmentWorkflowId = (projectCode: string): string => `preAssessment:${projectCode}`;
