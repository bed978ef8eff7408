// Evaluation's recorded histories (test/replay/histories/evaluation*-*.json, recorded by
// RECORD_HISTORIES=1 npx vitest run test/evaluation/selfEvaluation.test.ts) replay against its
// workflow code: the draw, the scores and the order of the tasks come out the same.
import { dataConverter } from '../../app/codec';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { evaluation } from '../../contracts/evaluation/manifest.zod';
import { workflowsEntry } from '../../worker/processes';
import { REPO_ROOT } from '../../app/processPaths';

const HISTORIES = join(REPO_ROOT, 'test', 'replay', 'histories');

describe('evaluation’s recorded histories', () => {
  it.each(evaluation.workflows)('%s replays against the workflow code', async (type) => {
    const files = readdirSync(HISTORIES).filter((f) => f.startsWith(`${type}-`) && f.endsWith('.json'));
    expect(files.length, `no recorded ${type} history`).toBeGreaterThan(0);
    for (const f of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8')));
      const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? f;
      await Worker.runReplayHistory({ workflowsPath: workflowsEntry([evaluation]), replayName: f, dataConverter: dataConverter() }, history, workflowId);
    }
  }, 120_000);
});
