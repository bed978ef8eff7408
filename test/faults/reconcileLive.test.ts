// `npm run reconcile` against a running system on the embedded database goes through that
// process (a second opener of the PGlite directory would corrupt it), and on its own when none runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { application } from '../helpers/fixtures';
import { eventually } from '../helpers/system';
import { startChild, type Child } from './child';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'jixiao-reconcile-'));
const taskQueue = `reconcile-${randomUUID()}`;
let child: Child | undefined;
afterAll(async () => {
  await child?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const reconcile = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts', ...args], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TASK_QUEUE: taskQueue,
      JIXIAO_DATA_DIR: dataDir,
      MAIL_CATCHER: 'false',
      LOG_LEVEL: 'info',
    },
  });

describe('reconcile on the embedded database', () => {
  it('while the system runs it reconciles through the running process, which keeps working; when none runs it opens the database itself', { timeout: 90_000 }, async () => {
    child = await startChild({ dataDir, taskQueue });
    const preparer = await child.as('u0101-preparer');
    const app = application({ amountFen: 30_000_000, isNew: false });
    const r = await preparer.post('/api/pre-assessments', app);
    const reviewer = await child.as('d01-reviewer');
    await eventually(async () => (await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the review task');

    const live = await reconcile('--dry-run', `WorkflowId = "${r.body.workflowId}"`);
    expect(live.stdout).toContain('0 differences found in 1 tasks of 1 workflows');
    expect(live.stdout + live.stderr).toContain('reconciling through it');
    // the running system still has its database
    expect((await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items).toHaveLength(1);
    await child.stop();

    // with nothing running it opens the database itself; no worker answers for the workflow, which it says (exit 1)
    const alone = await reconcile(`WorkflowId = "${r.body.workflowId}"`).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(alone?.code).toBe(1);
    expect(alone?.stdout).toContain('0 differences fixed in 0 tasks of 1 workflows; 1 could not be asked');
    expect(`${alone?.stdout}${alone?.stderr}`).not.toContain('reconciling through it');
  });
});
