// The warning runs on a task queue of its own (<main>.warning), so a suspension never waits behind a
// round's forms: a worker process that polls only the main queue leaves a raised warning untouched,
// and the worker process polling the warning's queue (WORKER_QUEUES=warning) suspends its payments.
import { describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../worker/worker';
import { harness, PROCESSES_WITH_WARNING } from './harness';

const w = harness('D02', 7, { env: { WORKER_QUEUES: 'main' } });

describe('the warning on its own task queue', () => {
  it('a worker of the main queue alone leaves the warning unsuspended; the warning queue\'s worker suspends it once', async () => {
    const p = w.project();
    const id = await w.raise(p);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await w.ledger(p.id)).toEqual([]); // nobody polls the warning's queue yet
    let lane: RunningWorker | undefined;
    try {
      const deps = { ...w.sys.deps, config: { ...w.sys.config, temporal: { ...w.sys.config.temporal, workerQueues: ['warning'] } } };
      lane = await startWorker(deps, { identity: 'warning-lane' }, { processes: PROCESSES_WITH_WARNING });
      const s = await w.suspended(id);
      expect(s.stage).toBe('verification');
      expect((await w.ledger(p.id)).map((e) => `${e.op}:${e.idempotencyKey}`)).toEqual([`suspend:${id}/suspend`]);
      const history = await w.sys.deps.temporal.workflow.getHandle(id).fetchHistory();
      const by = new Set((history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : [])));
      expect([...by]).toEqual(['warning-lane']);
    } finally {
      await lane?.shutdown();
    }
  }, 60_000);

  it('a worker asked to poll a queue no process has refuses to start, naming it', async () => {
    const deps = { ...w.sys.deps, config: { ...w.sys.config, temporal: { ...w.sys.config.temporal, workerQueues: ['warnings'] } } };
    await expect(startWorker(deps, {}, { processes: PROCESSES_WITH_WARNING })).rejects.toThrow(/no process has the task queue warnings/);
  });
});
