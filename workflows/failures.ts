// What every process's workflows say of a failure: whether it ends the workflow for good, and the
// reason a person reads (on a part's page, in finance's notice). Shared, not a process's own: monitoring
// and evaluation report their failed parts with the same two rules.
import { TemporalFailure, isCancellation } from '@temporalio/workflow';

/**
 * A failure that fails the workflow for good: a TemporalFailure (a non-retryable ApplicationFailure,
 * such as invalid input; a failed activity; a child that could not start), not a cancellation.
 * Anything else (a plain Error: a bug) fails only the workflow task, which the worker retries until a
 * deploy fixes it.
 */
export function failsForGood(e: unknown): e is TemporalFailure {
  return e instanceof TemporalFailure && !isCancellation(e);
}

/** The failure and its causes, outermost first, each said once ("Activity task failed: InvalidInput: …"), at most 500 characters. */
export function reasonOf(e: unknown): string {
  const parts: string[] = [];
  let x: unknown = e;
  for (let depth = 0; x instanceof Error && depth < 6; depth++) {
    const type = (x as { type?: unknown }).type;
    const text = `${typeof type === 'string' && type && !x.message.startsWith(type) ? `${type}: ` : ''}${x.message}`;
    if (text && !parts.includes(text)) parts.push(text);
    x = (x as { cause?: unknown }).cause;
  }
  const out = parts.join(': ') || String(e);
  return out.length > 500 ? `${out.slice(0, 497)}...` : out;
}
