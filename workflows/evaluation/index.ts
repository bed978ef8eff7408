export { evaluationCycle, type CycleResult } from './cycle';
export { evaluationDepartment, type DepartmentResult } from './department';
export { evaluationBatch, type BatchResult } from './batch';
export { evaluationChecks } from './checks';
export { evaluationPeerReview } from './peerReview';
export { evaluationKeyEvaluation } from './keyEvaluation';
export { evaluationDepartmentEvaluation } from './departmentEvaluation';
