// Evaluation's names, ids, queries and signals without zod: imported by its zod contract, its
// workflow code and its routes alike.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Grade, ScoreBreakdown } from './scoring';
import type { CheckDraw } from './draw';

export const EVALUATION_TASKS = {
  /** The unit fills the self-evaluation form (自评表): actual values, reasons for gaps, measures. */
  fill: 'evaluation.selfEvaluate',
  /** The unit head signs it (单位负责人签字). */
  sign: 'evaluation.unitSign',
  /** The competent department reviews it and submits it to finance, or returns it (部门审核). */
  departmentReview: 'evaluation.departmentReview',
  /** Finance reviews and files it (财政审核、备案), or returns it. */
  file: 'evaluation.financeFile',
  /** The department fills its overall self-evaluation (部门整体自评). */
  overall: 'evaluation.overallSelfEvaluate',
  /** The department self-evaluates a transfer payment to lower levels (转移支付自评). */
  transfer: 'evaluation.transferSelfEvaluate',
  /** A department evaluates one chosen project of its units (部门评价, 001, 003). */
  departmentEvaluate: 'evaluation.departmentEvaluate',
  /** The department's own report of its evaluation (部门评价报告). */
  departmentReport: 'evaluation.departmentReport',
  /** Finance sees the check draw before any check is sent (抽查名单确认). */
  confirmDraw: 'evaluation.confirmDraw',
  /** A checker's review of one self-evaluation (抽查复核): adjusted score, findings, problems. */
  check: 'evaluation.check',
  /** Finance's re-evaluation (再评价): its grade replaces the self grade for the results. */
  reEvaluate: 'evaluation.reEvaluate',
  /** Finance sees the seeded draw of the profile's re-evaluation share before any re-evaluation is sent. */
  confirmReEvaluationDraw: 'evaluation.confirmReEvaluationDraw',
  /** Finance sees the peer-review rotation before it is sent (互审分配确认). */
  confirmPeerReview: 'evaluation.confirmPeerReview',
  /** Another agency (or the expert panel) scores a report's quality (互审互评). */
  peerReview: 'evaluation.peerReview',
  /** The author agency revises its report after the review. */
  reviseReport: 'evaluation.reviseReport',
  /** Finance closes a report's review with its final quality score. */
  closePeerReview: 'evaluation.closePeerReview',
  /** The commissioned agency submits its key-evaluation report and scores through its own inbox. */
  agencyReport: 'evaluation.agencyReport',
  /** Finance accepts the agency's report or returns it for revision. */
  acceptReport: 'evaluation.acceptReport',
  /** A drawn expert's fieldwork opinion on a key evaluation (专家评审意见), in the expert's own inbox. */
  expertOpinion: 'evaluation.expertOpinion',
} as const;

/**
 * The evaluation workflows' activity retries: until the call succeeds, at most 30 s apart (a finance
 * outage of any length delays a cycle, never fails a department or batch for good); an activity's
 * own non-retryable failure (bad input) still ends at once. Was at most 10 attempts (~5 minutes).
 */
export const EVALUATION_RETRY = { maximumInterval: '30s' } as const;
export const EVALUATION_WORKFLOWS = { cycle: 'evaluationCycle', department: 'evaluationDepartment', batch: 'evaluationBatch', departmentEvaluation: 'evaluationDepartmentEvaluation', checks: 'evaluationChecks', peerReview: 'evaluationPeerReview', keyEvaluation: 'evaluationKeyEvaluation' } as const;

/** One cycle per budget year: a second start for the same year is refused by Temporal. */
export const evaluationCycleId = (year: number): string => `evaluationCycle:${year}`;
export const evaluationDepartmentId = (year: number, deptId: string): string => `evaluationDepartment:${year}:${deptId}`;
/** A department's batch of project forms (one page of its projects): `<department's workflow id>:b<n>`, n from 0; finance's k-th re-run of it after it failed: `…:b<n>:r<k>`. */
export const evaluationBatchId = (department: string, batch: number, rerun = 0): string => `${department}:b${batch}${rerun ? `:r${rerun}` : ''}`;
/** A department's evaluation of chosen projects (部门评价), one per year and department, apart from the self-evaluations. */
export const evaluationDepartmentEvaluationId = (year: number, deptId: string): string => `evaluationDepartmentEvaluation:${year}:${deptId}`;
export const evaluationChecksId = (year: number): string => `evaluationChecks:${year}`;
export const evaluationKeyEvaluationId = (ref: string): string => `evaluationKeyEvaluation:${ref}`;
export const evaluationPeerReviewId = (batchId: string): string => `evaluationPeerReview:${batchId}`;

export interface PeerReviewStatus {
  batchId: string;
  stage: 'confirming' | 'reviewing' | 'done';
  assignments: Array<{ reportId: string; author: string; reviewer: string; reviewScore: number | null; finalScore: number | null; stage: 'review' | 'revision' | 'closing' | 'closed' }>;
  /** Per agency: the mean final score of its reports in this batch (feeds its quality score in the register). */
  agencyQuality: Record<string, number>;
}
export const peerReviewStatusQuery = defineQuery<PeerReviewStatus>('evaluation.peerReview');

/** What the form is pre-filled with, from finance and (when there are any) monitoring. */
export interface Prefill {
  projectId: string;
  name: string;
  deptId: string;
  unitId: string;
  amountFen: number;
  industry: string;
  /** The targets to report against: approved ones, or (without a record of them) the industry's core indicators, target to be stated. */
  targets: Array<{ kind: 'output' | 'benefit' | 'satisfaction'; category: string; name: string; target: string | null; unit: string; direction: '>=' | '<=' | '=' }>;
  /**
   * Where the targets come from, in this order: 'approved' the latest revised version in the finance
   * system; 'projectLibrary' the targets the project's library entry was approved with at
   * pre-assessment; 'library' none on record: the industry's core indicators, the target to be stated.
   */
  targetsSource: 'approved' | 'projectLibrary' | 'library';
  /**
   * The project library's entry the targets come from (targetsSource 'projectLibrary'): its approved
   * amount, the cut's reason when reduced, and its name as entered (matched by the normalised name,
   * contracts/evaluation/projectName.ts, so it may differ from the project's in width, spaces, brackets, case, a trailing year).
   */
  projectLibrary?: { id: string; approvedFen: number; requestedFen: number; conclusion: string; cut: string | null; name?: string };
  /**
   * Why a project with entries of its name in the library still reports against the industry's core
   * indicators: 'ambiguousLibraryMatch', two or more of its unit's entries have its normalised name
   * (libraryCandidates names them): no guess is made, the task page says so.
   */
  targetsReason?: 'ambiguousLibraryMatch';
  libraryCandidates?: Array<{ id: string; name: string }>;
  execution: { availableFen: number; paidFen: number; executionRateBp: number } | null;
  /** The monitoring results of the year (运行监控): null while there are none. */
  monitoring: Record<string, unknown> | null;
}

export type SelfEvaluationStage = 'filling' | 'signing' | 'departmentReview' | 'financeReview' | 'filed';

export interface SelfEvaluationItem {
  projectId: string;
  name: string;
  unitId: string;
  amountFen: number;
  stage: SelfEvaluationStage;
  returns: number;
  score: ScoreBreakdown | null;
  grade: Grade | null;
  filedAt: string | null;
}

/** Counts of project self-evaluations: by stage, by grade, and the returns. */
export interface SelfEvaluationTotals {
  projects: number;
  byStage: Record<SelfEvaluationStage, number>;
  grades: Record<string, number>;
  returns: number;
}

export const emptyTotals = (): SelfEvaluationTotals => ({ projects: 0, byStage: { filling: 0, signing: 0, departmentReview: 0, financeReview: 0, filed: 0 }, grades: {}, returns: 0 });

export function totalsOf(items: readonly SelfEvaluationItem[]): SelfEvaluationTotals {
  const t = emptyTotals();
  for (const i of items) {
    t.projects++;
    t.byStage[i.stage]++;
    if (i.grade) t.grades[i.grade] = (t.grades[i.grade] ?? 0) + 1;
    t.returns += i.returns;
  }
  return t;
}

export function addTotals(a: SelfEvaluationTotals, b: SelfEvaluationTotals): SelfEvaluationTotals {
  const t = emptyTotals();
  t.projects = a.projects + b.projects;
  for (const k of Object.keys(t.byStage) as SelfEvaluationStage[]) t.byStage[k] = (a.byStage[k] ?? 0) + (b.byStage[k] ?? 0);
  for (const g of new Set([...Object.keys(a.grades), ...Object.keys(b.grades)])) t.grades[g] = (a.grades[g] ?? 0) + (b.grades[g] ?? 0);
  t.returns = a.returns + b.returns;
  return t;
}

/** One batch of a department's project forms, as the department knows it: its counts, as the batch last reported them. */
export interface DepartmentBatch {
  batch: number;
  /** The batch's current execution: `<department>:b<n>`, or finance's latest re-run of it (`…:r<k>`). */
  workflowId: string;
  projects: number;
  /** The last report's number (a report older than the one kept is ignored). */
  seq: number;
  /** null until the batch's forms are open (its first report). */
  totals: SelfEvaluationTotals | null;
  done: boolean;
  /** Failed for good (patched 'jixiao.evaluation.batch-failures'): why, until finance re-runs it; absent or null otherwise. */
  failure?: BatchFailure | null;
  /** Finance's re-runs of the batch so far (absent: none). */
  reruns?: number;
}

/** A batch that failed for good, as its department keeps it (shown to finance) until finance re-runs it. */
export interface BatchFailure {
  /** The execution that failed. */
  workflowId: string;
  /** What failed, as a person can read it ("Activity task failed: InvalidInput: …"). */
  reason: string;
  /** When the department heard of it (workflow time, ISO). */
  at: string;
  /** Its forms not filed (each open one closed as cancelled, out of the inboxes): a re-run opens these again. */
  unfiled: number;
  /** Its forms already filed: a re-run keeps them as they are. */
  filed: number;
  /** It never started (its id was taken): it holds no form (absent: it ran and failed). */
  notStarted?: true;
}

/** What a batch that fails for good tells its department before it fails (the page it had, for a re-run). */
export interface BatchFailed {
  batch: number;
  workflowId: string;
  reason: string;
  /** Its projects whose forms were not filed (a re-run reads them again from finance and opens their forms). */
  projectIds: string[];
  /** Its forms already filed (a re-run keeps them). */
  filed: SelfEvaluationItem[];
}
export const BATCH_FAILED_SIGNAL = 'evaluation.batchFailed';
export const batchFailedSignal = defineSignal<[BatchFailed]>(BATCH_FAILED_SIGNAL);

/** Finance re-runs a failed batch of a department's project forms (重新下发), once the cause is removed. */
export interface RerunBatchRequest {
  batch: number;
  by: string;
  byName?: string;
}
export interface RerunBatchResult {
  batch: number;
  /** The re-run's execution (`<department>:b<n>:r<k>`). */
  workflowId: string;
  /** The forms it opens again, and the filed ones it keeps. */
  projects: number;
  filed: number;
}
/** Why a re-run is refused (typed, non-retryable: the API answers 404 for an unknown batch, 409 otherwise). */
export const RERUN_REFUSALS = { unknown: 'UnknownBatch', notFailed: 'BatchNotFailed', invalid: 'InvalidInput', notStarted: 'RerunNotStarted' } as const;
export const rerunBatchUpdate = defineUpdate<RerunBatchResult, [RerunBatchRequest]>('evaluation.rerunBatch');

/** Why finance may not re-run this batch now (null: it may): the department's validator and the API's fast check. */
export function rerunRefusal(status: Pick<DepartmentStatus, 'batches'>, batch: number): { type: string; message: string } | null {
  const b = status.batches?.find((x) => x.batch === batch);
  if (!b) return { type: RERUN_REFUSALS.unknown, message: `batch b${batch} is not one of this department's` };
  if (!b.failure) return { type: RERUN_REFUSALS.notFailed, message: b.done ? `batch b${batch} is done: nothing to re-run` : `batch b${batch} has not failed (it runs as ${b.workflowId}): nothing to re-run` };
  return null;
}

export interface DepartmentStatus {
  year: number;
  deptId: string;
  /** Pages of projects read from finance so far, and whether all are read. */
  pagesRead: number;
  /** Every project's form is open (with batches: every batch has reported its forms open). */
  opened: boolean;
  /** The projects' self-evaluations; with batches empty here: each batch holds its own (batchStatusQuery, merged by departmentItems). */
  items: SelfEvaluationItem[];
  /** The department-wide overall self-evaluation (部门整体自评), kept apart from the projects'. */
  overall?: SelfEvaluationItem | null;
  /** A self-evaluation per transfer payment to lower levels (转移支付), by transfer id. */
  transfers?: SelfEvaluationItem[];
  /** Each page's project forms in a child workflow of their own (patched 'jixiao.evaluation.department-batches'). */
  batches?: DepartmentBatch[];
  /** The project forms' counts, added up from the batches' reports (with batches). */
  totals?: SelfEvaluationTotals;
}

/** A batch's project self-evaluations (its page of the department's projects). */
export interface BatchStatus {
  year: number;
  deptId: string;
  batch: number;
  items: SelfEvaluationItem[];
  /** Failed for good: why (its open forms were closed); absent otherwise. */
  failure?: { reason: string; at: string };
  /** A re-run by finance: the execution it re-runs (absent otherwise). */
  rerunOf?: string;
}

/** What a batch reports to its department whenever its counts change, and once more when every form is filed. */
export interface BatchReport {
  batch: number;
  seq: number;
  totals: SelfEvaluationTotals;
  done: boolean;
  /** The reporting execution (absent from batches before re-runs): a report of one the department no longer runs is ignored. */
  workflowId?: string;
}
export const BATCH_REPORT_SIGNAL = 'evaluation.batchReport';
export const batchReportSignal = defineSignal<[BatchReport]>(BATCH_REPORT_SIGNAL);
export const batchStatusQuery = defineQuery<BatchStatus>('evaluation.batch');

/**
 * A department's project self-evaluations, whether it holds them itself or its batches do (each
 * asked by `batchItems`, a query of its batchStatusQuery), in the batches' order.
 */
export async function departmentItems(status: DepartmentStatus, batchItems: (workflowId: string) => Promise<SelfEvaluationItem[]>): Promise<SelfEvaluationItem[]> {
  if (!status.batches) return status.items;
  const out: SelfEvaluationItem[][] = [];
  for (let i = 0; i < status.batches.length; i += 8) out.push(...(await Promise.all(status.batches.slice(i, i + 8).map((b) => batchItems(b.workflowId)))));
  return out.flat();
}

export interface CycleStatus {
  year: number;
  dueAt: string;
  departments: Array<{ deptId: string; workflowId: string; done: boolean; projects: number | null }>;
  stage: 'opening' | 'open' | 'closed';
}

export interface ChecksStatus {
  year: number;
  stage: 'drawing' | 'confirming' | 'checking' | 'done';
  draw: CheckDraw | null;
  /** Draws finance turned down before confirming one (each with its seed). */
  redraws: number;
  checks: Array<{ projectId: string; deptId: string; unitId: string; selfScore: number | null; adjustedScore: number | null; grade: Grade | null; problems: number; rectificationId: string | null; done: boolean }>;
  reEvaluations: Array<{ projectId: string; score: number; grade: Grade; by: string }>;
  /** Draws of the profile's re-evaluation share (再评价抽取), each with its seed, as confirmed or turned down. */
  reEvaluationDraws?: Array<{ seed: number; share: number; population: number; projectIds: string[]; outcome: 'confirming' | 'sent' | 'redrawn' }>;
}

export const departmentStatusQuery = defineQuery<DepartmentStatus>('evaluation.department');
export const cycleStatusQuery = defineQuery<CycleStatus>('evaluation.cycle');
export const checksStatusQuery = defineQuery<ChecksStatus>('evaluation.checks');
/** Finance chooses a project for re-evaluation (再评价) while the checks run. */
export const reEvaluateSignal = defineSignal<[{ projectId: string; by: string }]>('evaluation.reEvaluate');
/** Finance asks for the seeded draw of the profile's re-evaluation share (reEvaluationShare), shown to it before sending. */
export const reEvaluationDrawSignal = defineSignal<[{ by: string; seed?: number }]>('evaluation.reEvaluationDraw');

/**
 * The grade a project's evaluation results carry: a re-evaluation's replaces the self grade (002,
 * 004); a checker's adjusted score replaces it too; otherwise the self grade.
 */
export function resultGrade(self: Grade | null, check: Grade | null, reEvaluation: Grade | null): { grade: Grade | null; source: 'reEvaluation' | 'check' | 'self' | null } {
  if (reEvaluation) return { grade: reEvaluation, source: 'reEvaluation' };
  if (check) return { grade: check, source: 'check' };
  return self ? { grade: self, source: 'self' } : { grade: null, source: null };
}

export interface KeyEvaluationStatus {
  ref: string;
  stage: 'fieldwork' | 'acceptance' | 'accepted';
  agencyId: string;
  experts: string[];
  recusedExperts: string[];
  expertSeed: number;
  financeStaff: string[];
  revisions: number;
  score: number | null;
  grade: Grade | null;
  /** Each drawn expert's fieldwork opinion, once given (patched 'jixiao.evaluation.expert-fieldwork'); absent in older runs. */
  expertOpinions?: Array<{ expertId: string; opinion: string; at: string }>;
}
export const keyEvaluationStatusQuery = defineQuery<KeyEvaluationStatus>('evaluation.keyEvaluation');

export interface DepartmentEvaluationStatus {
  year: number;
  deptId: string;
  stage: 'evaluating' | 'reporting' | 'done';
  projects: Array<{ projectId: string; name: string; unitId: string; score: number | null; grade: Grade | null; findings: string | null; by: string | null }>;
  report: { summary: string; by: string; at: string } | null;
}
export const departmentEvaluationStatusQuery = defineQuery<DepartmentEvaluationStatus>('evaluation.departmentEvaluation');
