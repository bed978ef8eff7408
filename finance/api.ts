// The HTTP form of the finance contract: one route per FinanceClient method. The server validates with
// these schemas, the OpenAPI document is generated from them, and the HTTP client follows the same table.
import { z } from 'zod';
import * as c from '../contracts/finance/finance.zod';

export interface Route {
  method: 'get' | 'post';
  /** Express-style path; `:name` segments are taken from the input object. */
  path: string;
  /** Path params plus query (GET) or body (POST), as one object. */
  input: z.ZodObject;
  output: z.ZodType;
  summary: string;
}

const none = z.strictObject({});

export const routes = {
  listDepartments: { method: 'get', path: '/v1/departments', input: none, output: c.DepartmentList, summary: 'Budget departments (预算部门)' },
  listUnits: { method: 'get', path: '/v1/units', input: c.ListUnitsQuery, output: c.UnitPage, summary: 'Budget units (预算单位), paged' },
  listIndustries: { method: 'get', path: '/v1/industries', input: none, output: c.IndustryList, summary: 'Industry types of the indicator library' },
  listIndicators: { method: 'get', path: '/v1/indicators', input: c.ListIndicatorsQuery, output: c.IndicatorPage, summary: 'Indicator library (指标库), paged' },
  getIndicator: { method: 'get', path: '/v1/indicators/:code', input: c.GetIndicatorQuery, output: c.Indicator, summary: 'One indicator, retired or not, at its current or an older version' },
  addIndicator: { method: 'post', path: '/v1/indicators', input: c.AddIndicatorRequest, output: c.Indicator, summary: 'Add an indicator to the library (finance)' },
  reviseIndicator: { method: 'post', path: '/v1/indicator-revisions', input: c.ReviseIndicatorRequest, output: c.Indicator, summary: 'A new version of an indicator; the old stays readable' },
  retireIndicator: { method: 'post', path: '/v1/indicator-retirements', input: c.RetireIndicatorRequest, output: c.Indicator, summary: 'Retire an indicator: refused for new applications, readable for old ones' },
  listIndicatorChanges: { method: 'get', path: '/v1/indicators/:code/changes', input: c.ListIndicatorChangesQuery, output: c.IndicatorChangeList, summary: "An indicator's changes: who, when, what, why" },
  listCases: { method: 'get', path: '/v1/cases', input: c.ListCasesQuery, output: c.CasePage, summary: 'Past cases of the indicator library (案例库), paged, by industry, indicator code or text' },
  getCase: { method: 'get', path: '/v1/cases/:id', input: c.GetCaseQuery, output: c.PastCase, summary: 'One past case with its indicators, targets and values achieved' },
  addCase: { method: 'post', path: '/v1/cases', input: c.AddCaseRequest, output: c.PastCase, summary: 'Add a case from a project concluded in the system (finance)' },
  listTransfers: { method: 'get', path: '/v1/transfers', input: c.ListTransfersQuery, output: c.TransferList, summary: 'Special transfer payments (专项转移支付)' },
  getProject: { method: 'get', path: '/v1/projects/:projectId', input: c.GetProjectQuery, output: c.Project, summary: 'A project with its budget lines' },
  listProjects: { method: 'get', path: '/v1/projects', input: c.ListProjectsQuery, output: c.ProjectPage, summary: 'Projects, paged by cursor' },
  getExecution: { method: 'get', path: '/v1/projects/:projectId/execution', input: c.GetExecutionQuery, output: c.Execution, summary: 'Budget execution (预算执行率) of a project at a date' },
  listExecution: { method: 'get', path: '/v1/execution', input: c.ListExecutionQuery, output: c.ExecutionPage, summary: 'Budget execution of many projects at a date, paged' },
  suspendPayments: { method: 'post', path: '/v1/suspensions', input: c.SuspendRequest, output: c.StatusResult, summary: 'Suspend payments of a project (暂停支付)' },
  resumePayments: { method: 'post', path: '/v1/resumptions', input: c.ResumeRequest, output: c.StatusResult, summary: 'Resume payments of a suspended project' },
  reclaimFunds: { method: 'post', path: '/v1/reclaims', input: c.ReclaimRequest, output: c.ReclaimResult, summary: 'Reclaim unspent funds (收回资金)' },
  adjustBudget: { method: 'post', path: '/v1/adjustments', input: c.AdjustRequest, output: c.AdjustResult, summary: 'Adjust a project budget (调整预算)' },
  recordPayment: { method: 'post', path: '/v1/payments', input: c.PaymentRequest, output: c.PaymentResult, summary: 'Record a payment (generator, benchmarks)' },
  addToProjectLibrary: { method: 'post', path: '/v1/project-library', input: c.LibraryRequest, output: c.LibraryResult, summary: 'Enter an application into the project library (项目库)' },
  listProjectLibrary: { method: 'get', path: '/v1/project-library', input: c.ListLibraryQuery, output: c.LibraryPage, summary: 'Project library, paged' },
  recommendNextYearBudget: { method: 'post', path: '/v1/recommendations', input: c.RecommendRequest, output: c.RecommendResult, summary: "Recommend a project's next-year budget (结果应用)" },
  listRecommendations: { method: 'get', path: '/v1/recommendations', input: c.ListRecommendationsQuery, output: c.RecommendationPage, summary: 'Next-year budget recommendations, paged' },
  reviseTargets: { method: 'post', path: '/v1/target-versions', input: c.ReviseTargetsRequest, output: c.ReviseTargetsResult, summary: "Revise a project's performance targets: a new version (绩效目标调整)" },
  getTargets: { method: 'get', path: '/v1/projects/:projectId/targets', input: c.GetTargetsQuery, output: c.TargetVersion, summary: "A project's current targets, or the version asked for" },
  listTargetVersions: { method: 'get', path: '/v1/projects/:projectId/target-versions', input: c.ListTargetVersionsQuery, output: c.TargetVersionList, summary: "Every version of a project's targets, with who revised them and why" },
  listTargets: { method: 'get', path: '/v1/targets', input: c.ListTargetsQuery, output: c.TargetsPage, summary: 'Current targets of the revised projects of a year, paged by project id' },
  listLedger: { method: 'get', path: '/v1/ledger', input: c.ListLedgerQuery, output: c.LedgerPage, summary: 'Ledger of applied mutations, with their idempotency keys' },
} satisfies Record<c.FinanceOp, Route>;

export type FinanceRoutes = typeof routes;

/** Names of the `:param` segments of a path. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
}
