// Contract with the finance department's integrated budget management system (预算管理一体化系统).
// One typed interface (FinanceClient) for the activities; zod schemas for every request and response,
// shared by the stand-in's validation, its OpenAPI document and the HTTP client.
// Imported by workflow code: zod and ./common only, no Node built-ins.
import { z } from 'zod';
import { Fen, Id, IsoDate, IsoDateTime } from '../common.zod';
import { BUSINESS_RULES, TARGET_REVISION_REASON_MAX } from './retry';

// ---- primitives --------------------------------------------------------------------------------

/** A signed amount in fen (adjustments, changes): integer, never a float of yuan. */
export const FenDelta = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export type FenDelta = z.infer<typeof FenDelta>;
/** Execution rate in basis points: 10000 = 100%. Integers, so no float drifts into comparisons. */
export const RateBp = z.number().int().nonnegative();
export const Year = z.coerce.number().int().min(2000).max(2100);
/** Opaque paging cursor: pass back what the previous page returned. */
export const Cursor = z.string().min(1).max(200);
export const Limit = z.coerce.number().int().min(1).max(1000);
/** Caller-chosen key that makes a mutation safe to retry; activities use `<workflowId>/<step>`. */
export const IdempotencyKey = z.string().min(1).max(500);

export const ProjectStatus = z.enum(['active', 'suspended']);
export const ProjectKind = z.enum(['project', 'policy']);
/**
 * 基本支出 (basic expenditure: staff and running costs) or 项目支出 (project expenditure). Monitoring
 * rounds cover own-level projects except basic expenditure (000: 本级预算项目(除基本支出外)).
 */
export const Expenditure = z.enum(['basic', 'project']);
export type Expenditure = z.infer<typeof Expenditure>;
export const UnitLevel = z.enum(['province', 'prefecture', 'county']);
export const Grade = z.enum(['优', '良', '中', '差']);

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: Cursor.nullable() });
const paging = { cursor: Cursor.optional(), limit: Limit.optional() };
const mutation = { idempotencyKey: IdempotencyKey };

// ---- reference data ----------------------------------------------------------------------------

export const Department = z.object({ id: Id, name: z.string() });
export type Department = z.infer<typeof Department>;
export const DepartmentList = z.object({ items: z.array(Department) });

export const Unit = z.object({ id: Id, deptId: Id, name: z.string(), level: UnitLevel, region: z.string() });
export type Unit = z.infer<typeof Unit>;
export const ListUnitsQuery = z.strictObject({ ...paging, deptId: Id.optional() });
export type ListUnitsQuery = z.infer<typeof ListUnitsQuery>;
export const UnitPage = page(Unit);

export const Industry = z.object({ code: Id, name: z.string() });
export type Industry = z.infer<typeof Industry>;
export const IndustryList = z.object({ items: z.array(Industry) });

export const IndicatorLevel1 = z.enum(['output', 'benefit', 'satisfaction']);
export const Indicator = z.object({
  code: Id,
  industry: Id,
  level1: IndicatorLevel1,
  /** 数量/质量/时效/成本, 经济/社会/生态/可持续影响, 服务对象满意度 */
  level2: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: z.enum(['>=', '<=', '=']),
  isCore: z.boolean(),
  /** The entry's version: a revision makes a new one, the old ones stay readable (getIndicator with version). */
  version: z.number().int().positive().optional(),
  /** A retired entry is refused for new applications and stays readable for old ones. */
  status: z.enum(['active', 'retired']).optional(),
});
export type Indicator = z.infer<typeof Indicator>;
/** Lists the library in force; includeRetired lists retired entries too. */
export const ListIndicatorsQuery = z.strictObject({ ...paging, industry: Id.optional(), coreOnly: z.stringbool().optional(), includeRetired: z.stringbool().optional() });
export type ListIndicatorsQuery = z.infer<typeof ListIndicatorsQuery>;
export const IndicatorPage = page(Indicator);
/** One indicator, retired or not, at its current version or the one asked for. */
export const GetIndicatorQuery = z.strictObject({ code: Id, version: z.coerce.number().int().positive().optional() });
export type GetIndicatorQuery = z.infer<typeof GetIndicatorQuery>;
/** Who changes the library and why (指标库维护, by finance). */
const change = { ...mutation, by: z.string().min(1).max(100), reason: z.string().trim().min(1).max(2000) };
/** A new common (通用) or industry indicator; the industry must be the library's. */
export const AddIndicatorRequest = z.strictObject({
  ...change,
  code: z.string().regex(/^[a-z][a-z0-9]*\.[A-Za-z0-9.-]{1,40}$/, 'an industry prefix and a number, e.g. edu.07'),
  industry: Id,
  level1: IndicatorLevel1,
  level2: z.string().trim().min(1).max(50),
  name: z.string().trim().min(1).max(200),
  unit: z.string().max(20).default(''),
  direction: z.enum(['>=', '<=', '=']),
  isCore: z.boolean().default(false),
});
export type AddIndicatorRequest = z.input<typeof AddIndicatorRequest>;
/** A new version of an indicator: the fields given change, the old version stays readable. */
export const ReviseIndicatorRequest = z.strictObject({
  ...change,
  code: Id,
  level2: z.string().trim().min(1).max(50).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  unit: z.string().max(20).optional(),
  direction: z.enum(['>=', '<=', '=']).optional(),
  isCore: z.boolean().optional(),
});
export type ReviseIndicatorRequest = z.input<typeof ReviseIndicatorRequest>;
export const RetireIndicatorRequest = z.strictObject({ ...change, code: Id });
export type RetireIndicatorRequest = z.input<typeof RetireIndicatorRequest>;
export const IndicatorChange = z.object({
  seq: z.number().int(),
  code: Id,
  version: z.number().int(),
  action: z.enum(['added', 'revised', 'retired']),
  by: z.string(),
  reason: z.string(),
  before: Indicator.nullable(),
  after: Indicator,
  at: IsoDateTime,
});
export type IndicatorChange = z.infer<typeof IndicatorChange>;
export const ListIndicatorChangesQuery = z.strictObject({ code: Id });
export type ListIndicatorChangesQuery = z.infer<typeof ListIndicatorChangesQuery>;
export const IndicatorChangeList = z.object({ items: z.array(IndicatorChange) });

/** One indicator of a past case: what the project set and what it achieved (a library code, or none for a custom one). */
export const CaseIndicator = z.object({
  code: Id.nullable(),
  level1: IndicatorLevel1,
  level2: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  unit: z.string().max(20),
  direction: z.enum(['>=', '<=', '=']),
  target: z.string().min(1).max(100),
  /** The value achieved at evaluation; null: not known. */
  achieved: z.string().min(1).max(100).nullable(),
  isCore: z.boolean(),
});
export type CaseIndicator = z.infer<typeof CaseIndicator>;
/**
 * A past case of the indicator library (案例库, 004: 61 project cases imported into Wuhai's case
 * library): a past project with its industry, amount, the indicators it set and the values achieved,
 * and its evaluation's score and grade when known. 'imported': loaded with the library; 'concluded':
 * added by finance from a project concluded in the system.
 */
export const PastCase = z.object({
  id: Id,
  year: z.number().int(),
  deptId: Id,
  unitId: Id,
  name: z.string(),
  industry: Id,
  amountFen: Fen,
  score: z.number().min(0).max(100).nullable(),
  grade: Grade.nullable(),
  source: z.enum(['imported', 'concluded']),
  sourceRef: z.string().nullable(),
  indicators: z.array(CaseIndicator),
  addedBy: z.string(),
  reason: z.string().nullable(),
});
export type PastCase = z.infer<typeof PastCase>;
/** Cases by industry, by an indicator's library code they used, by text in the name or an indicator's name. */
export const ListCasesQuery = z.strictObject({
  ...paging,
  industry: Id.optional(),
  indicator: Id.optional(),
  q: z.string().trim().min(1).max(100).optional(),
});
export type ListCasesQuery = z.infer<typeof ListCasesQuery>;
export const CasePage = page(PastCase);
export const GetCaseQuery = z.strictObject({ id: Id });
export type GetCaseQuery = z.infer<typeof GetCaseQuery>;
/** Finance adds a case from a project concluded in the system (its reference, e.g. the pre-assessment's workflow id). */
export const AddCaseRequest = z.strictObject({
  ...change,
  sourceRef: z.string().min(1).max(200),
  year: z.number().int().min(2000).max(2100),
  deptId: Id,
  unitId: Id,
  name: z.string().trim().min(1).max(200),
  industry: Id,
  amountFen: Fen,
  score: z.number().min(0).max(100).nullable().default(null),
  grade: Grade.nullable().default(null),
  indicators: z.array(CaseIndicator).min(1).max(100),
});
export type AddCaseRequest = z.input<typeof AddCaseRequest>;

/** A special transfer payment (专项转移支付), broken down to county-level projects. */
export const Transfer = z.object({ id: Id, deptId: Id, year: z.number().int(), name: z.string(), totalFen: Fen });
export type Transfer = z.infer<typeof Transfer>;
export const ListTransfersQuery = z.strictObject({ year: Year.optional() });
export type ListTransfersQuery = z.infer<typeof ListTransfersQuery>;
export const TransferList = z.object({ items: z.array(Transfer) });

// ---- projects and execution --------------------------------------------------------------------

export const BudgetLine = z.object({ lineNo: z.number().int().positive(), econClass: z.string(), name: z.string(), budgetFen: Fen });
export const Project = z.object({
  id: Id,
  deptId: Id,
  unitId: Id,
  year: z.number().int(),
  name: z.string(),
  industry: Id,
  kind: ProjectKind,
  /** Basic expenditure (基本支出) or project expenditure (项目支出); absent from older stores: project. */
  expenditure: Expenditure.default('project'),
  isNew: z.boolean(),
  transferId: Id.nullable(),
  /** Budget as approved: the sum of its lines. */
  originalFen: Fen,
  lines: z.array(BudgetLine),
  status: ProjectStatus,
});
export type Project = z.infer<typeof Project>;
/** A project in lists: without its lines, to keep pages small. */
export const ProjectSummary = Project.omit({ lines: true });
export type ProjectSummary = z.infer<typeof ProjectSummary>;
export const GetProjectQuery = z.strictObject({ projectId: Id });
export type GetProjectQuery = z.infer<typeof GetProjectQuery>;
export const ListProjectsQuery = z.strictObject({
  ...paging,
  deptId: Id.optional(),
  unitId: Id.optional(),
  year: Year.optional(),
  transferId: Id.optional(),
  status: ProjectStatus.optional(),
  expenditure: Expenditure.optional(),
});
export type ListProjectsQuery = z.infer<typeof ListProjectsQuery>;
export const ProjectPage = page(ProjectSummary);

/** Budget execution of one project at a date: rate = paid / available (预算执行率). */
export const Execution = z.object({
  projectId: Id,
  deptId: Id,
  unitId: Id,
  asOf: IsoDate,
  /** Original budget plus adjustments. */
  budgetFen: Fen,
  reclaimedFen: Fen,
  /** budget − reclaimed: what the project may spend. */
  availableFen: Fen,
  /** Paid on or before asOf. */
  paidFen: Fen,
  executionRateBp: RateBp,
  status: ProjectStatus,
});
export type Execution = z.infer<typeof Execution>;
export const GetExecutionQuery = z.strictObject({ projectId: Id, asOf: IsoDate });
export type GetExecutionQuery = z.infer<typeof GetExecutionQuery>;
export const ListExecutionQuery = z.strictObject({
  ...paging,
  year: Year,
  asOf: IsoDate,
  deptId: Id.optional(),
  unitId: Id.optional(),
  transferId: Id.optional(),
  /** Only basic or only project expenditure (a monitoring round reads project expenditure only). */
  expenditure: Expenditure.optional(),
  /** Only projects at or below this rate: the laggards of a round, filtered where the data is. */
  maxRateBp: z.coerce.number().int().nonnegative().optional(),
});
export type ListExecutionQuery = z.infer<typeof ListExecutionQuery>;
export const ExecutionPage = page(Execution);

// ---- mutations (each carries an idempotency key; each applied one is a ledger row) -------------

export const SuspendRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  reason: z.string().min(1).max(500),
  /** The product's reference, e.g. the warning's workflow id. */
  ref: z.string().max(500).optional(),
});
export type SuspendRequest = z.infer<typeof SuspendRequest>;
export const ResumeRequest = SuspendRequest;
export type ResumeRequest = SuspendRequest;
export const StatusResult = z.object({ projectId: Id, status: ProjectStatus, ledgerSeq: z.number().int(), at: IsoDateTime });
export type StatusResult = z.infer<typeof StatusResult>;

export const ReclaimRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  /** Omitted: reclaim everything not yet paid. */
  amountFen: Fen.positive().optional(),
  reason: z.string().min(1).max(500),
  ref: z.string().max(500).optional(),
});
export type ReclaimRequest = z.infer<typeof ReclaimRequest>;
export const ReclaimResult = z.object({
  projectId: Id,
  reclaimedFen: Fen,
  totalReclaimedFen: Fen,
  availableFen: Fen,
  ledgerSeq: z.number().int(),
  at: IsoDateTime,
});
export type ReclaimResult = z.infer<typeof ReclaimResult>;

export const AdjustRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  deltaFen: FenDelta.refine((v) => v !== 0, 'must not be zero'),
  reason: z.string().min(1).max(500),
  ref: z.string().max(500).optional(),
});
export type AdjustRequest = z.infer<typeof AdjustRequest>;
export const AdjustResult = z.object({
  projectId: Id,
  deltaFen: FenDelta,
  budgetFen: Fen,
  availableFen: Fen,
  ledgerSeq: z.number().int(),
  at: IsoDateTime,
});
export type AdjustResult = z.infer<typeof AdjustResult>;

export const PaymentRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  amountFen: Fen.positive(),
  paidOn: IsoDate,
  lineNo: z.number().int().positive().optional(),
});
export type PaymentRequest = z.infer<typeof PaymentRequest>;
export const PaymentResult = z.object({
  paymentId: z.number().int(),
  projectId: Id,
  amountFen: Fen,
  paidOn: IsoDate,
  totalPaidFen: Fen,
  ledgerSeq: z.number().int(),
});
export type PaymentResult = z.infer<typeof PaymentResult>;

export const PreAssessmentConclusion = z.enum(['pass', 'pass_reduced', 'fail', 'not_required']);
/** One approved target of a library entry: an indicator of the indicator library (code) or custom. */
export const LibraryTarget = z.strictObject({
  code: Id.optional(),
  level1: IndicatorLevel1,
  level2: z.string().min(1).max(50),
  name: z.string().min(1).max(200),
  target: z.string().min(1).max(100),
  unit: z.string().max(20).default(''),
  direction: z.enum(['>=', '<=', '=']),
  isCore: z.boolean().default(false),
});
export type LibraryTarget = z.infer<typeof LibraryTarget>;
export const LibraryRequest = z.strictObject({
  ...mutation,
  /** The product's application id; one library entry per application. */
  applicationId: Id,
  deptId: Id,
  unitId: Id,
  year: z.number().int().min(2000).max(2100),
  name: z.string().min(1).max(200),
  industry: Id,
  kind: ProjectKind,
  isNew: z.boolean(),
  requestedFen: Fen.positive(),
  approvedFen: Fen,
  preAssessment: z.strictObject({ conclusion: PreAssessmentConclusion, reportRef: z.string().max(500).optional() }),
  /** Core indicators (核心指标) must exist in the indicator library. */
  coreIndicators: z.array(Id).min(1).max(50),
  /** The approved performance targets (绩效目标) the project enters with (finance/store/library.ts). */
  targets: z.array(LibraryTarget).max(100).default([]),
  /** A reduced approval (核减/削减): why (the stand-in requires 0 < approvedFen < requestedFen for one). */
  cut: z.strictObject({ reason: z.string().min(1).max(2000) }).optional(),
});
export type LibraryRequest = z.input<typeof LibraryRequest>;
export const LibraryEntry = z.object({
  id: Id,
  applicationId: Id,
  deptId: Id,
  unitId: Id,
  year: z.number().int(),
  name: z.string(),
  industry: Id,
  kind: ProjectKind,
  isNew: z.boolean(),
  requestedFen: Fen,
  approvedFen: Fen,
  preAssessment: z.object({ conclusion: PreAssessmentConclusion, reportRef: z.string().optional() }),
  coreIndicators: z.array(Id),
  targets: z.array(LibraryTarget).default([]),
  cut: z.object({ reason: z.string() }).nullable().default(null),
  addedAt: IsoDateTime,
});
export type LibraryEntry = z.infer<typeof LibraryEntry>;
export const LibraryResult = LibraryEntry.extend({ ledgerSeq: z.number().int() });
export type LibraryResult = z.infer<typeof LibraryResult>;
export const ListLibraryQuery = z.strictObject({ ...paging, deptId: Id.optional(), year: Year.optional() });
export type ListLibraryQuery = z.infer<typeof ListLibraryQuery>;
export const LibraryPage = page(LibraryEntry);

/**
 * Versioned performance targets (绩效目标) of a project. A target adjustment approved by finance for a
 * policy change or an emergency (002: 因政策变化、突发事件等客观因素…调整绩效目标) is a new version;
 * the highest is current and is what monitoring rounds and the evaluation read, older versions stay
 * readable with who revised them, why and from where. Version 0: nothing revised in the finance system
 * yet (no indicators recorded; readers fall back to the approved targets or the industry's core indicators).
 */
export const TargetIndicator = LibraryTarget;
export type TargetIndicator = z.output<typeof LibraryTarget>;
/** Where a revision comes from: a monitoring form's adjustment request, a warning's adjust outcome, finance by hand. */
export const TargetSource = z.enum(['monitoring', 'warning', 'evaluation', 'finance']);
export type TargetSource = z.infer<typeof TargetSource>;
export const ReviseTargetsRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  /** The project's budget year (a revision for another year is refused: OUTSIDE_BUDGET_YEAR). */
  year: z.number().int().min(2000).max(2100),
  indicators: z.array(LibraryTarget).min(1).max(100),
  reason: z.string().min(1).max(TARGET_REVISION_REASON_MAX),
  source: TargetSource,
  /** Who approved the revision (a user id). */
  by: z.string().min(1).max(100),
  /** The product's reference, e.g. the approving workflow's id. */
  ref: z.string().max(500).optional(),
});
export type ReviseTargetsRequest = z.input<typeof ReviseTargetsRequest>;
export const TargetVersion = z.object({
  projectId: Id,
  year: z.number().int(),
  version: z.number().int().nonnegative(),
  indicators: z.array(LibraryTarget),
  /** Null for version 0 (nothing revised). */
  reason: z.string().nullable(),
  source: TargetSource.nullable(),
  by: z.string().nullable(),
  ref: z.string().nullable(),
  at: IsoDateTime.nullable(),
});
export type TargetVersion = z.infer<typeof TargetVersion>;
export const ReviseTargetsResult = TargetVersion.extend({ ledgerSeq: z.number().int() });
export type ReviseTargetsResult = z.infer<typeof ReviseTargetsResult>;
/** A project's current targets, or the version asked for. */
export const GetTargetsQuery = z.strictObject({ projectId: Id, version: z.coerce.number().int().nonnegative().optional() });
export type GetTargetsQuery = z.infer<typeof GetTargetsQuery>;
/** Every version of a project's targets, oldest first. */
export const ListTargetVersionsQuery = z.strictObject({ projectId: Id });
export type ListTargetVersionsQuery = z.infer<typeof ListTargetVersionsQuery>;
export const TargetVersionList = z.object({ items: z.array(TargetVersion) });
/**
 * The current targets of the revised projects of a year, paged by project id; fromId/toId (inclusive)
 * bound the ids, so a reader paging projects asks for exactly its page's range.
 */
export const ListTargetsQuery = z.strictObject({ ...paging, year: Year, deptId: Id.optional(), fromId: Id.optional(), toId: Id.optional() });
export type ListTargetsQuery = z.infer<typeof ListTargetsQuery>;
export const TargetsPage = page(TargetVersion);

/** Result linkage (结果应用): next year's budget for a project, from its evaluation. Latest one counts. */
export const RecommendRequest = z.strictObject({
  ...mutation,
  projectId: Id,
  recommendedFen: Fen,
  grade: Grade.optional(),
  reason: z.string().min(1).max(500),
  ref: z.string().max(500).optional(),
});
export type RecommendRequest = z.infer<typeof RecommendRequest>;
export const Recommendation = z.object({
  projectId: Id,
  deptId: Id,
  /** The budget year the recommendation is for: the project's year + 1. */
  year: z.number().int(),
  /** This year's available budget, the base of the change. */
  baseFen: Fen,
  recommendedFen: Fen,
  changeFen: FenDelta,
  grade: Grade.nullable(),
  reason: z.string(),
  at: IsoDateTime,
});
export type Recommendation = z.infer<typeof Recommendation>;
export const RecommendResult = Recommendation.extend({ ledgerSeq: z.number().int() });
export type RecommendResult = z.infer<typeof RecommendResult>;
export const ListRecommendationsQuery = z.strictObject({ ...paging, year: Year, deptId: Id.optional() });
export type ListRecommendationsQuery = z.infer<typeof ListRecommendationsQuery>;
export const RecommendationPage = page(Recommendation);

// ---- ledger: proof of what happened, exactly once -----------------------------------------------

export const LedgerOp = z.enum(['suspend', 'resume', 'reclaim', 'adjust', 'payment', 'library', 'recommend', 'targets', 'indicator', 'case']);
export type LedgerOp = z.infer<typeof LedgerOp>;
export const LedgerEntry = z.object({
  seq: z.number().int(),
  op: LedgerOp,
  projectId: Id.nullable(),
  /** Signed: reclaims and payments positive, adjustments as requested. */
  amountFen: FenDelta.nullable(),
  idempotencyKey: IdempotencyKey,
  detail: z.record(z.string(), z.unknown()),
  at: IsoDateTime,
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;
export const ListLedgerQuery = z.strictObject({
  ...paging,
  projectId: Id.optional(),
  op: LedgerOp.optional(),
  idempotencyKey: IdempotencyKey.optional(),
});
export type ListLedgerQuery = z.infer<typeof ListLedgerQuery>;
export const LedgerPage = page(LedgerEntry);

// ---- errors ------------------------------------------------------------------------------------

export const ErrorCode = z.enum(['VALIDATION', 'NOT_FOUND', 'CONFLICT_IDEMPOTENCY', 'BUSINESS_RULE', 'UNAVAILABLE', 'INTERNAL']);
export type ErrorCode = z.infer<typeof ErrorCode>;
/** Business rules the finance system enforces; each is a 422 and a non-retryable failure type. */
export const BusinessRule = z.enum(BUSINESS_RULES);
export type BusinessRule = z.infer<typeof BusinessRule>;
export const ErrorBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string(), field: z.string().optional(), rule: BusinessRule.optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT_IDEMPOTENCY: 409,
  BUSINESS_RULE: 422,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export * from './retry';

// ---- the client interface ----------------------------------------------------------------------

type Out<T extends z.ZodType> = z.infer<T>;

/**
 * What jixiao needs from the integrated budget management system. HttpFinanceClient talks to the
 * stand-in; a production adapter to a real system is one more class implementing this interface.
 * Failures are FinanceError subclasses (finance/errors) with a `retryable` flag.
 */
export interface FinanceClient {
  listDepartments(): Promise<Out<typeof DepartmentList>>;
  listUnits(q: ListUnitsQuery): Promise<Out<typeof UnitPage>>;
  listIndustries(): Promise<Out<typeof IndustryList>>;
  listIndicators(q: ListIndicatorsQuery): Promise<Out<typeof IndicatorPage>>;
  getIndicator(q: GetIndicatorQuery): Promise<Indicator>;
  addIndicator(r: AddIndicatorRequest): Promise<Indicator>;
  reviseIndicator(r: ReviseIndicatorRequest): Promise<Indicator>;
  retireIndicator(r: RetireIndicatorRequest): Promise<Indicator>;
  listIndicatorChanges(q: ListIndicatorChangesQuery): Promise<Out<typeof IndicatorChangeList>>;
  listCases(q: ListCasesQuery): Promise<Out<typeof CasePage>>;
  getCase(q: GetCaseQuery): Promise<PastCase>;
  addCase(r: AddCaseRequest): Promise<PastCase>;
  listTransfers(q: ListTransfersQuery): Promise<Out<typeof TransferList>>;
  getProject(q: GetProjectQuery): Promise<Project>;
  listProjects(q: ListProjectsQuery): Promise<Out<typeof ProjectPage>>;
  getExecution(q: GetExecutionQuery): Promise<Execution>;
  listExecution(q: ListExecutionQuery): Promise<Out<typeof ExecutionPage>>;
  suspendPayments(r: SuspendRequest): Promise<StatusResult>;
  resumePayments(r: ResumeRequest): Promise<StatusResult>;
  reclaimFunds(r: ReclaimRequest): Promise<ReclaimResult>;
  adjustBudget(r: AdjustRequest): Promise<AdjustResult>;
  recordPayment(r: PaymentRequest): Promise<PaymentResult>;
  addToProjectLibrary(r: LibraryRequest): Promise<LibraryResult>;
  listProjectLibrary(q: ListLibraryQuery): Promise<Out<typeof LibraryPage>>;
  recommendNextYearBudget(r: RecommendRequest): Promise<RecommendResult>;
  listRecommendations(q: ListRecommendationsQuery): Promise<Out<typeof RecommendationPage>>;
  reviseTargets(r: ReviseTargetsRequest): Promise<ReviseTargetsResult>;
  getTargets(q: GetTargetsQuery): Promise<TargetVersion>;
  listTargetVersions(q: ListTargetVersionsQuery): Promise<Out<typeof TargetVersionList>>;
  listTargets(q: ListTargetsQuery): Promise<Out<typeof TargetsPage>>;
  listLedger(q: ListLedgerQuery): Promise<Out<typeof LedgerPage>>;
}
export type FinanceOp = keyof FinanceClient;
