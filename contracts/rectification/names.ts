// Rectification's names, messages and status without zod, for its workflow, activities and routes.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ProblemReport, ProblemSourceKind } from './problems.zod';

export const RECTIFICATION_TASKS = {
  plan: 'rectification.plan',
  report: 'rectification.report',
  signOff: 'rectification.signOff',
  verify: 'rectification.verify',
  extension: 'rectification.extension',
  accountability: 'rectification.accountability',
} as const;

export type ProblemStatus = 'open' | 'partly' | 'returned' | 'closed';
export type RectificationStage = 'plan' | 'report' | 'signOff' | 'verify' | 'extension' | 'done';

/** One source that reported a problem (a problem merged from a second report has two). */
export interface ProblemSource {
  kind: ProblemSourceKind;
  ref: string;
  label: string;
  reportedBy: string;
  reportedAt: string;
  evidence: Record<string, unknown>;
}

/** One verification round of a problem: what the department reported and finance's verdict. */
export interface ProblemRound {
  round: number;
  done: string;
  attachmentIds: number[];
  verdict: 'accepted' | 'partly' | 'returned' | null;
  comment: string | null;
  verifiedBy: string | null;
  verifiedAt: string | null;
}

export interface NoticeProblem {
  key: string;
  projectId: string | null;
  description: string;
  measures: string | null;
  /** The department's planned measures (整改方案). */
  plannedMeasures: string | null;
  status: ProblemStatus;
  sources: ProblemSource[];
  rounds: ProblemRound[];
  openedAt: string;
  closedAt: string | null;
}

export interface RectificationEvent {
  at: string;
  kind: 'issued' | 'merged' | 'added' | 'reminded' | 'escalated' | 'extensionRequested' | 'extensionGranted' | 'extensionRefused' | 'planSubmitted' | 'reportSubmitted' | 'signed' | 'signReturned' | 'verified' | 'accountability' | 'closed';
  by: string;
  detail: Record<string, unknown>;
}

/** The notice (整改通知书) and where it stands: what the status query, the routes and the dashboard read. */
export interface RectificationStatus {
  workflowId: string;
  noticeNo: string;
  deptId: string;
  unitId: string;
  source: { kind: ProblemSourceKind; ref: string; label: string };
  issuedAt: string;
  issuedBy: string;
  dueAt: string;
  originalDueAt: string;
  stage: RectificationStage;
  round: number;
  problems: NoticeProblem[];
  reminders: string[];
  escalations: Array<{ at: string; level: number; overdueDays: number; to: string[] }>;
  extensions: Array<{ requestedAt: string; requestedBy: string; days: number; reason: string; decision: 'granted' | 'refused' | null; grantedDays: number | null; decidedBy: string | null; comment: string | null }>;
  accountability: { openedAt: string; taskId: string; outcome: string | null; decidedBy: string | null; comment: string | null } | null;
  /** Days past the due date: now while open, at closure once closed. */
  overdueDays: number;
  closedAt: string | null;
  closedOnTime: boolean | null;
  events: RectificationEvent[];
}

/** RECTIFICATION_PROBLEMS_SIGNAL of problems.zod.ts (the same name, for zod-free code): more problems for the open notice. */
export const rectificationProblemsSignal = defineSignal<[ProblemReport]>('rectification.problems');

export const rectificationStatusQuery = defineQuery<RectificationStatus>('rectification.status');

/** Whole days past the due date at `at` (0 before it). */
export const overdueDaysAt = (dueAt: string, at: number, dayMs: number): number => Math.max(0, Math.floor((at - Date.parse(dueAt)) / dayMs));

/** The notice's number (文号) from its workflow id, stable and short. */
export function noticeNumber(workflowId: string, issuedAt: string): string {
  let h = 0;
  for (const c of workflowId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `整改〔${issuedAt.slice(0, 4)}〕${String(h % 100000).padStart(5, '0')}号`;
}
