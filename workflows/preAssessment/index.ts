export { preAssessment, type PreAssessmentResult } from './workflow';
