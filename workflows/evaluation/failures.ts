// What a self-evaluation's batch and department share about a batch that fails for good (issue 22):
// the patch, which failures end a batch for good, and the reason a person reads on the department's
// page and in finance's notice. (Monitoring has its own: a process folder does not reach into another's.)
import { TemporalFailure, isCancellation } from '@temporalio/workflow';

/**
 * A batch that fails for good closes its open forms and tells its department why before failing; the
 * department lists it (and does not end) until finance re-runs it.
 */
export const BATCH_FAILURES = 'jixiao.evaluation.batch-failures';

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
