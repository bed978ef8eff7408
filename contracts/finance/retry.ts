// What workflow code needs of the finance boundary, without zod: the business rules a call can be
// refused by, which failures are not retried, and the activity options (contracts/finance.ts re-exports it).

/** The longest reason a target revision (绩效目标调整) may carry: the finance system refuses a longer one (400, for good). */
export const TARGET_REVISION_REASON_MAX = 2000;

/** Business rules of the integrated budget system (422 answers; ApplicationFailure types in workflows). */
export const BUSINESS_RULES = [
  'ALREADY_SUSPENDED',
  'NOT_SUSPENDED',
  'PROJECT_SUSPENDED',
  'ALREADY_RECLAIMED',
  'INSUFFICIENT_BALANCE',
  'OUTSIDE_BUDGET_YEAR',
  'ALREADY_IN_LIBRARY',
  'UNKNOWN_INDICATOR',
  'PRE_ASSESSMENT_FAILED',
  'UNIT_NOT_IN_DEPARTMENT',
  'INDICATOR_EXISTS',
  'INDICATOR_RETIRED',
  'CASE_EXISTS',
] as const;

/**
 * Failure types (ApplicationFailure.type) the finance activities raise for errors a retry cannot fix:
 * a business rule by its name (workflows switch on it), else the error code prefixed with FINANCE_.
 */
export const FINANCE_NON_RETRYABLE_TYPES: string[] = [
  ...BUSINESS_RULES,
  'FINANCE_VALIDATION',
  'FINANCE_NOT_FOUND',
  'FINANCE_CONFLICT_IDEMPOTENCY',
  'FINANCE_CONTRACT',
];
/** Retryable failure type: network faults, timeouts, 5xx, maintenance. */
export const FINANCE_UNAVAILABLE = 'FINANCE_UNAVAILABLE';

/** Retry policy for finance activities (structurally a @temporalio/common RetryPolicy): rides out faults and maintenance. */
export const financeRetryPolicy = {
  initialInterval: '1s' as const,
  backoffCoefficient: 2,
  maximumInterval: '30s' as const,
  nonRetryableErrorTypes: FINANCE_NON_RETRYABLE_TYPES,
};
/** Activity options for proxyActivities: one call is bounded by the client's timeout (10 s by default). */
export const financeActivityOptions = {
  startToCloseTimeout: '30s' as const,
  retry: financeRetryPolicy,
};
/** For paging scans that heartbeat once per page. */
export const financeScanActivityOptions = {
  startToCloseTimeout: '10m' as const,
  heartbeatTimeout: '30s' as const,
  retry: financeRetryPolicy,
};

