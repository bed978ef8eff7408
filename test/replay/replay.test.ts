// Replays every recorded history against the current workflow code: a change that would break a
// running process (non-determinism) fails here, before it reaches production.
import { dataConverter } from '../../app/codec';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROCESSES } from '../../contracts/registry.zod';
import { WORKFLOWS_PATH } from '../../worker/worker';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
// Standard history JSON (from `npm run record-histories` or `temporal workflow show -o json` in production).
const recorded = files.map((file) => {
  const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return { file, history, workflowType: started?.workflowType?.name ?? '?', workflowId: started?.workflowId ?? file };
});

describe('replay of recorded histories', () => {
  it('every workflow type of every registered process has at least one recorded history', () => {
    const types = new Set(recorded.map((r) => r.workflowType));
    for (const name of PROCESSES.flatMap((p) => p.workflows)) expect(types, `no recorded history of ${name}: run npm run record-histories`).toContain(name);
  });

  it.each(recorded.map((r) => [r.file, r] as const))('%s replays without non-determinism', async (_file, r) => {
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, replayName: r.file, dataConverter: dataConverter() }, r.history, r.workflowId);
  });
});
