// Errors of the finance boundary. The stand-in's store throws them, the HTTP layer turns them into
// `{error: {code, message, field?, rule?}}` and the client turns that back into the same classes,
// so activities see one family of errors whatever the adapter.
import { ErrorBody, FINANCE_UNAVAILABLE, HTTP_STATUS, type BusinessRule, type ErrorCode } from '../contracts/finance/finance.zod';

export class FinanceError extends Error {
  constructor(
    readonly code: ErrorCode | 'CONTRACT',
    message: string,
    /** True when the same call may succeed later (network, timeout, 5xx, maintenance). */
    readonly retryable: boolean,
    readonly extra: { field?: string; rule?: BusinessRule; status?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** ApplicationFailure type for Temporal: the business rule's name, else FINANCE_<code>. */
  get failureType(): string {
    if (this.retryable) return FINANCE_UNAVAILABLE;
    return this.extra.rule ?? `FINANCE_${this.code}`;
  }

  get status(): number {
    return this.extra.status ?? (this.code === 'CONTRACT' ? 502 : HTTP_STATUS[this.code]);
  }

  toBody(): ErrorBody {
    const { field, rule } = this.extra;
    const code = this.code === 'CONTRACT' ? 'INTERNAL' : this.code;
    return { error: { code, message: this.message, ...(field ? { field } : {}), ...(rule ? { rule } : {}) } };
  }
}

export class FinanceValidationError extends FinanceError {
  constructor(message: string, field?: string) {
    super('VALIDATION', message, false, { field });
  }
}

export class FinanceNotFoundError extends FinanceError {
  constructor(message: string, field?: string) {
    super('NOT_FOUND', message, false, { field });
  }
}

export class FinanceConflictError extends FinanceError {
  constructor(message: string) {
    super('CONFLICT_IDEMPOTENCY', message, false);
  }
}

export class FinanceBusinessError extends FinanceError {
  constructor(
    readonly rule: BusinessRule,
    message: string,
    field?: string,
  ) {
    super('BUSINESS_RULE', message, false, { rule, field });
  }
}

/** Network failure, timeout, 5xx or maintenance: retry with backoff. */
export class FinanceUnavailableError extends FinanceError {
  constructor(message: string, status?: number) {
    super('UNAVAILABLE', message, true, { status });
  }
}

/** The other side answered something the contract does not allow: a bug, not a fault to retry. */
export class FinanceContractError extends FinanceError {
  constructor(message: string) {
    super('CONTRACT', message, false);
  }
}

/** Rebuilds the typed error from an HTTP status and (maybe) an error body. */
export function errorFromResponse(status: number, body: unknown): FinanceError {
  const e = ErrorBody.safeParse(body).data?.error;
  const message = e?.message ?? `HTTP ${status}`;
  if (status >= 500 || status === 429 || status === 408) return new FinanceUnavailableError(message, status);
  if (status === 400) return new FinanceValidationError(message, e?.field);
  if (status === 404) return new FinanceNotFoundError(message, e?.field);
  if (status === 409) return new FinanceConflictError(message);
  if (status === 422 && e?.rule) return new FinanceBusinessError(e.rule, message, e.field);
  return new FinanceContractError(`unexpected HTTP ${status}: ${message}`);
}
