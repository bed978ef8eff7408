// Adding a sixth process takes its folder and one registry line: a toy process (test/fixtures/toy/,
// a root of its own) joins the registry's in the worker, the API, its OpenAPI document, the task
// catalog and GET /api/process-types, and runs end to end over HTTP on the real system.
import { dataConverter } from '../app/codec';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROCESSES } from '../contracts/registry.zod';
import { workflowsEntry } from '../worker/processes';
import { toy } from './fixtures/toy/contracts/toy/manifest.zod';
import { eventually, startSystem, type Http, type TestSystem } from './helpers/system';

const HISTORIES = join(toy.root, 'test', 'replay', 'histories');
const withToy = [...PROCESSES, toy]; // the one registry line

describe('a toy process added beside the registry', () => {
  let sys: TestSystem;
  let preparer: Http;
  let reviewer: Http;

  beforeAll(async () => {
    sys = await startSystem({}, { processes: withToy });
    [preparer, reviewer] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-reviewer')]);
  });
  afterAll(async () => sys?.stop());

  it('is started over HTTP, asks its one person in the inbox with its labels, and ends with the decision', async () => {
    const started = await preparer.post('/api/toys', { title: '购买一台打印机', assignee: 'd01-reviewer' });
    expect(started.status).toBe(201);
    const { workflowId } = started.body as { workflowId: string };

    const task = await eventually(async () => (await reviewer.get('/api/tasks?process=toy')).body.items?.find((t: { workflowId: string }) => t.workflowId === workflowId), 'the toy task in the reviewer’s inbox');
    expect(task).toMatchObject({ process: 'toy', type: 'toy.approve', title: '玩具审批：购买一台打印机', submittedBy: 'u0101-preparer' });
    expect((await preparer.get(`/api/toys/${encodeURIComponent(workflowId)}`)).body).toEqual({ stage: 'asking', outcome: null, decidedBy: null });
    const detail = await reviewer.get(`/api/tasks/${encodeURIComponent(task.id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.type.label).toEqual({ zh: '玩具审批', en: 'Toy approval' });
    expect(detail.body.type.outcomes.map((o: { key: string; label: unknown }) => [o.key, o.label])).toEqual([
      ['approve', { zh: '同意', en: 'Approve' }],
      ['reject', { zh: '不同意', en: 'Reject' }],
    ]);
    expect(detail.body.allowedMoves).toContain('decide');
    const types = (await reviewer.get('/api/task-types')).body as Array<{ type: string; process: string }>;
    expect(types.find((t) => t.type === 'toy.approve')).toMatchObject({ process: 'toy', label: { zh: '玩具审批', en: 'Toy approval' } });

    // its form is checked by the catalog: a rejection needs a comment
    const bare = await reviewer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'reject', form: {} });
    expect(bare.status).toBe(400);
    const decided = await reviewer.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome: 'approve', form: { comment: '同意购买' } });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'completed' });

    const result = await sys.deps.temporal.workflow.getHandle(workflowId).result();
    expect(result).toEqual({ stage: 'done', outcome: 'approve', decidedBy: 'd01-reviewer' });
    expect((await preparer.get(`/api/toys/${encodeURIComponent(workflowId)}`)).body).toEqual(result);

    if (process.env.RECORD_HISTORIES) {
      const history = await sys.deps.temporal.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(join(HISTORIES, `toy-approved-${new Date().toISOString().slice(0, 10)}.json`), historyToJSON(history));
    }
  });

  it('has its paths in /openapi.json beside the registry’s', async () => {
    const doc = (await (await fetch(`${sys.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/toys', '/api/toys/{workflowId}', '/api/pre-assessments']));
    expect(doc.paths['/api/toys'].post.tags).toEqual(['toy']);
    expect(doc.paths['/api/toys/{workflowId}'].get.tags).toEqual(['toy']);
  });

  it('is listed by GET /api/process-types with its labels and its web module, which the API serves', async () => {
    const list = (await reviewer.get('/api/process-types')).body as Array<{ name: string; web: string | null }>;
    expect(list.map((p) => p.name)).toEqual([...PROCESSES.map((p) => p.name), 'toy']);
    expect(list.at(-1)).toEqual({
      name: 'toy',
      label: { zh: '玩具流程', en: 'Toy process' },
      stages: toy.stages,
      conclusions: toy.conclusions,
      taskTypes: ['toy.approve'],
      startedBy: ['hand'],
      web: '/toy/index.js',
    });
    const web = await fetch(`${sys.url}${list.at(-1)?.web}`);
    expect(web.status).toBe(200);
    expect(web.headers.get('content-type')).toMatch(/javascript/);
    expect(await web.text()).toContain('toy_start');
  });

  it('replays its recorded history against its workflow code', async () => {
    const files = readdirSync(HISTORIES).filter((f) => f.startsWith('toy-') && f.endsWith('.json'));
    expect(files.length, 'no recorded toy history: run this test with RECORD_HISTORIES=1').toBeGreaterThan(0);
    for (const f of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, f), 'utf8')));
      const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? f; // its tasks' ids start with it
      await Worker.runReplayHistory({ workflowsPath: workflowsEntry([toy]), replayName: f, dataConverter: dataConverter() }, history, workflowId);
    }
  });
});
