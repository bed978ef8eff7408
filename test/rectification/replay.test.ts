// The recorded rectification histories (test/replay/histories/rectification-*.json: a notice closed
// after two rounds, an accountability case after the final escalation) replay against the workflow
// code as it is now: a change that would break a running notice fails here.
import { dataConverter } from '../../app/codec';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowsEntry } from '../../worker/processes';
import { WITH_RECTIFICATION } from './helpers';

const DIR = join('test', 'replay', 'histories');

describe('recorded rectification histories', () => {
  it('replay against the rectification workflow', async () => {
    const files = readdirSync(DIR).filter((f) => f.startsWith('rectification-') && f.endsWith('.json'));
    expect(files.length, 'no recorded rectification history: run test/rectification/notice.test.ts with RECORD_HISTORIES=1').toBeGreaterThan(0);
    for (const f of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, f), 'utf8')));
      const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? f;
      await Worker.runReplayHistory({ workflowsPath: workflowsEntry(WITH_RECTIFICATION), replayName: f, dataConverter: dataConverter() }, history, workflowId);
    }
  });
});
