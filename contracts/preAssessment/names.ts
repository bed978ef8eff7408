// The task types of pre-assessment by name: imported by the zod contract and the zod-free rules alike.
export const PRE_ASSESSMENT_TASKS = {
  review: 'preAssessment.review',
  targetReview: 'preAssessment.targetReview',
  financeTargetReview: 'preAssessment.financeTargetReview',
  revise: 'preAssessment.revise',
  signOff: 'preAssessment.signOff',
} as const;
