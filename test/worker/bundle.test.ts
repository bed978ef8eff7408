// The production worker bundles its workflows in a child process (worker/bundle.ts), so that the
// worker never holds webpack's memory; the workflows then run as they do from an in-process bundle.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOutOfProcess } from '../../worker/bundle';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { eventually, startSystem, type TestSystem } from '../helpers/system';
import { application } from '../helpers/fixtures';

describe('the workflow bundle built in a child process', () => {
  it('holds every registered process’s workflows, in a file that is removed when asked', async () => {
    const b = await bundleOutOfProcess(WORKFLOWS_PATH);
    const code = readFileSync(b.codePath, 'utf8');
    for (const name of ['preAssessment', 'monitoringRound', 'monitoringBatch', 'warning', 'rectification']) expect(code).toContain(name);
    b.remove();
    expect(existsSync(b.codePath)).toBe(false);
  });

  it('names the entry and the bundler’s complaint when the workflows do not bundle', async () => {
    await expect(bundleOutOfProcess('/nonexistent/workflows.ts')).rejects.toThrow(/bundling the workflows \(\/nonexistent\/workflows\.ts\) failed with exit code 1/);
  });

  describe('a worker started with it', () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await startSystem({ WORKFLOW_BUNDLE: 'child' });
    });
    afterAll(async () => sys?.stop());

    it('runs a pre-assessment to its first review in the inbox', async () => {
      const [preparer, reviewer] = await Promise.all([sys.as('u0101-preparer'), sys.as('d01-reviewer')]);
      const app = application({ amountFen: 800_000_00, isNew: false });
      const r = await preparer.post('/api/pre-assessments', app);
      expect(r.status).toBe(201);
      const task = await eventually(async () => (await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the review in the department’s inbox');
      expect(task.process).toBe('preAssessment');
    });
  });
});
