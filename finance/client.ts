// FinanceClient over HTTP (the stand-in, or anything serving the same OpenAPI document).
// Every call has a deadline; failures become FinanceError subclasses with a `retryable` flag,
// and answers are checked against the contract before anyone relies on them.
import type { z } from 'zod';
import type * as c from '../contracts/finance/finance.zod';
import { pathParams, routes, type FinanceRoutes } from './api';
import { FinanceContractError, FinanceUnavailableError, errorFromResponse } from './errors';

export interface HttpFinanceClientOptions {
  baseUrl: string;
  /** Per call, connection to last byte. Keep it below the activity's startToCloseTimeout. */
  timeoutMs?: number;
}

type Out<K extends c.FinanceOp> = z.infer<FinanceRoutes[K]['output']>;

export class HttpFinanceClient implements c.FinanceClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(opts: HttpFinanceClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  listDepartments = () => this.call('listDepartments', {});
  listUnits = (q: c.ListUnitsQuery) => this.call('listUnits', q);
  listIndustries = () => this.call('listIndustries', {});
  listIndicators = (q: c.ListIndicatorsQuery) => this.call('listIndicators', q);
  getIndicator = (q: c.GetIndicatorQuery) => this.call('getIndicator', q);
  addIndicator = (r: c.AddIndicatorRequest) => this.call('addIndicator', r);
  reviseIndicator = (r: c.ReviseIndicatorRequest) => this.call('reviseIndicator', r);
  retireIndicator = (r: c.RetireIndicatorRequest) => this.call('retireIndicator', r);
  listIndicatorChanges = (q: c.ListIndicatorChangesQuery) => this.call('listIndicatorChanges', q);
  listCases = (q: c.ListCasesQuery) => this.call('listCases', q);
  getCase = (q: c.GetCaseQuery) => this.call('getCase', q);
  addCase = (r: c.AddCaseRequest) => this.call('addCase', r);
  listTransfers = (q: c.ListTransfersQuery) => this.call('listTransfers', q);
  getProject = (q: c.GetProjectQuery) => this.call('getProject', q);
  listProjects = (q: c.ListProjectsQuery) => this.call('listProjects', q);
  getExecution = (q: c.GetExecutionQuery) => this.call('getExecution', q);
  listExecution = (q: c.ListExecutionQuery) => this.call('listExecution', q);
  suspendPayments = (r: c.SuspendRequest) => this.call('suspendPayments', r);
  resumePayments = (r: c.ResumeRequest) => this.call('resumePayments', r);
  reclaimFunds = (r: c.ReclaimRequest) => this.call('reclaimFunds', r);
  adjustBudget = (r: c.AdjustRequest) => this.call('adjustBudget', r);
  recordPayment = (r: c.PaymentRequest) => this.call('recordPayment', r);
  addToProjectLibrary = (r: c.LibraryRequest) => this.call('addToProjectLibrary', r);
  listProjectLibrary = (q: c.ListLibraryQuery) => this.call('listProjectLibrary', q);
  recommendNextYearBudget = (r: c.RecommendRequest) => this.call('recommendNextYearBudget', r);
  listRecommendations = (q: c.ListRecommendationsQuery) => this.call('listRecommendations', q);
  reviseTargets = (r: c.ReviseTargetsRequest) => this.call('reviseTargets', r);
  getTargets = (q: c.GetTargetsQuery) => this.call('getTargets', q);
  listTargetVersions = (q: c.ListTargetVersionsQuery) => this.call('listTargetVersions', q);
  listTargets = (q: c.ListTargetsQuery) => this.call('listTargets', q);
  listLedger = (q: c.ListLedgerQuery) => this.call('listLedger', q);

  private async call<K extends c.FinanceOp>(op: K, input: object): Promise<Out<K>> {
    const route: FinanceRoutes[K] = routes[op];
    const rest: Record<string, unknown> = { ...input };
    let path = route.path;
    for (const p of pathParams(route.path)) {
      path = path.replace(`:${p}`, encodeURIComponent(String(rest[p])));
      delete rest[p];
    }
    const init: RequestInit = { method: route.method.toUpperCase(), signal: AbortSignal.timeout(this.timeoutMs) };
    if (route.method === 'get') {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) qs.set(k, String(v));
      if ([...qs.keys()].length) path += `?${qs}`;
    } else {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(rest);
    }
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, init);
      text = await res.text();
    } catch (e) {
      // Refused, reset or past the deadline: the call may or may not have been applied; a retry
      // with the same idempotency key settles it.
      const why = (e as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e as Error).message;
      throw new FinanceUnavailableError(`finance ${op}: ${why}`);
    }
    const data = parseJson(text);
    if (!res.ok) throw errorFromResponse(res.status, data);
    const parsed = route.output.safeParse(data);
    if (!parsed.success) throw new FinanceContractError(`finance ${op}: answer breaks the contract: ${parsed.error.issues[0]?.message}`);
    return parsed.data as Out<K>;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
