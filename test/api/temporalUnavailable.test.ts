// Which Temporal errors the API answers 503 (try again: the same request, an Update's id, is answered
// once) rather than 500: the server unreachable, too slow, overloaded, or an Update it aborted because
// the workflow task it was in failed under load; a call our code got wrong stays a 500.
import { describe, expect, it } from 'vitest';
import { isTemporalUnavailable } from '../../app/temporalHealth';

const grpc = (code: number, details: string) => Object.assign(new Error(details), { code, details, metadata: {} });
const wrapped = (cause: unknown) => Object.assign(new Error('Service error'), { cause });

describe('a Temporal error the API answers 503', () => {
  it('unreachable, too slow, cancelled, overloaded or aborted: 503', () => {
    expect(isTemporalUnavailable(grpc(14, 'connect ECONNREFUSED'))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(4, 'context deadline exceeded')))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(1, 'context canceled')))).toBe(true);
    expect(isTemporalUnavailable(grpc(8, 'namespace rate limit exceeded'))).toBe(true);
    expect(isTemporalUnavailable(grpc(10, 'workflow update was aborted'))).toBe(true);
  });

  it('an Update aborted because its workflow task failed (FAILED_PRECONDITION, not ready): 503', () => {
    expect(isTemporalUnavailable(wrapped(grpc(9, 'Workflow is not ready to handle the request.')))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(9, 'workflow update was aborted')))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.')))).toBe(true);
  });

  it('a query while no worker polls the execution’s task queue (the worker restarting): 503, not 500', () => {
    expect(isTemporalUnavailable(wrapped(grpc(9, 'no poller seen for task queue recently, worker may be down')))).toBe(true);
  });

  it('our own mistake (a bad argument, another precondition) or a plain error: not 503', () => {
    expect(isTemporalUnavailable(grpc(3, 'invalid argument: workflowId is empty'))).toBe(false);
    expect(isTemporalUnavailable(grpc(9, 'namespace is not active'))).toBe(false);
    expect(isTemporalUnavailable(new Error('boom'))).toBe(false);
  });
});
