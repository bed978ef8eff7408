// Replays monitoring's recorded histories (test/monitoring/histories, recorded by record.test.ts)
// against today's workflow code: a change that would break a running round fails here.
import { dataConverter } from '../../app/codec';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROCESSES } from '../../contracts/registry.zod';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { workflowsEntry } from '../../worker/processes';
import { rectificationStandIn, warningStandIn } from './standIns/contracts/standIns';

const dir = new URL('./histories/', import.meta.url);
const has = (type: string) => PROCESSES.some((p) => p.workflows.includes(type));
const entry = workflowsEntry([...PROCESSES.filter((p) => p.name !== 'monitoring'), monitoring, ...(has('warning') ? [] : [warningStandIn]), ...(has('rectification') ? [] : [rectificationStandIn])]);
const recorded = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    return { file, history, workflowType: started?.workflowType?.name ?? '?', workflowId: started?.workflowId ?? file };
  });

describe('replay of recorded monitoring histories', () => {
  it('every monitoring workflow type has a recorded history', () => {
    expect(new Set(recorded.map((r) => r.workflowType))).toEqual(new Set(monitoring.workflows));
  });

  it.each(recorded.map((r) => [r.file, r] as const))('%s replays without non-determinism', async (_file, r) => {
    await Worker.runReplayHistory({ workflowsPath: entry, replayName: r.file, dataConverter: dataConverter() }, r.history, r.workflowId);
  });
});
