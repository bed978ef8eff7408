// Crashes inside the decision path, at chosen points (JIXIAO_FAULTS), not by luck of timing: the
// API and worker run in a process of their own that kills itself (kill -9) there, then start again
// on the same embedded data. After each crash the inbox, the audit trail and the mail say only what
// Temporal committed, and the decision can be made, once.
import { dataConverter } from '../../app/codec';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { listMail } from '../../scripts/mailCatcher';
import { tasksQuery } from '../../contracts/humanTask/messages';
import { application } from '../helpers/fixtures';
import { eventually, type Http } from '../helpers/system';
import { startChild, type Child } from './child';

const children: Child[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function temporal(): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), namespace: inject('temporalNamespace'), dataConverter: dataConverter() });
}

async function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'jixiao-fault-'));
  dirs.push(dataDir);
  const taskQueue = `fault-${randomUUID()}`;
  const start = async (faults?: string, worker = true) => {
    const c = await startChild({ dataDir, taskQueue, faults, worker });
    children.push(c);
    return c;
  };
  return { start };
}

/** A continuing 300,000-yuan project: target review by 教育厅's reviewers (D01). */
async function submit(sys: Child) {
  const preparer = await sys.as('u0101-preparer');
  const app = application({ amountFen: 30_000_000, isNew: false, name: `故障测试 ${randomUUID().slice(0, 8)}` });
  const r = await preparer.post('/api/pre-assessments', app);
  expect(r.status).toBe(201);
  const reviewer = await sys.as('d01-reviewer');
  const task = await eventually(async () => (await reviewer.get(`/api/tasks?q=${app.projectCode.toLowerCase()}`)).body.items?.[0], 'the review task');
  return { workflowId: r.body.workflowId as string, name: app.name, taskId: task.id as string };
}

const decide = (who: Http, taskId: string) => who.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, { action: 'decide', outcome: 'approve', form: {}, comment: '同意' });

async function auditActions(sys: Child, workflowId: string): Promise<string[]> {
  const director = await sys.as('director');
  const r = await director.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`);
  return (r.body as Array<{ action: string }>).map((a) => a.action);
}

const conclusionMails = async (name: string) => (await listMail(inject('mailWebUrl'))).filter((m) => m.subject.includes(name) && m.to.some((t) => t.includes('u0101-preparer')) && m.subject.includes('通过'));

describe('a crash inside the decision path', () => {
  it('a worker killed after applying a decision, before Temporal recorded it, leaves no trace of it in the inbox, the audit or the mail; the task is then decided once', async () => {
    const { start } = await setup();
    const first = await start('board.moveAnswered');
    const { workflowId, name, taskId } = await submit(first);
    const reviewer = await first.as('d01-reviewer');

    await decide(reviewer, taskId).catch(() => undefined); // the process dies under this request
    expect(await first.exited).toBe('SIGKILL');

    // first the inbox as the crash left it, with no worker to move anything in Temporal meanwhile:
    // the history says the decision was never recorded, so nothing of it may be there
    const client = await temporal();
    const looking = await start(undefined, false);
    const row = (await (await looking.as('d01-reviewer')).get(`/api/tasks/${encodeURIComponent(taskId)}`)).body;
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);
    expect(row.task).toMatchObject({ status: 'open', version: 1 });
    expect(await auditActions(looking, workflowId)).not.toContain('task.decide');
    expect(await conclusionMails(name)).toHaveLength(0);
    await looking.stop();

    const second = await start();
    const officer = await second.as('d01-reviewer');
    const truth = (await client.connection.withDeadline(Date.now() + 30_000, () => client.workflow.getHandle(workflowId).query(tasksQuery))).find((t) => t.id === taskId);
    if (truth?.status === 'open') expect((await decide(officer, taskId)).status).toBe(200);
    // Temporal may also have delivered the admitted Update again to the new worker: then it counts once
    await client.workflow.getHandle(workflowId).result();
    await eventually(async () => (await auditActions(second, workflowId)).includes('preAssessment.passed'), 'the conclusion in the audit trail');
    expect((await auditActions(second, workflowId)).filter((a) => a === 'task.decide')).toHaveLength(1);
    await eventually(async () => (await conclusionMails(name)).length > 0, 'the conclusion mail');
    await new Promise((r) => setTimeout(r, 1500)); // a second copy would come within the dispatcher's sweep
    expect(await conclusionMails(name)).toHaveLength(1);
    expect((await officer.get(`/api/tasks/${encodeURIComponent(taskId)}`)).body.task.status).toBe('completed');
    await client.connection.close();
  });

  it('a worker killed after the projection committed a decision, before its activity completed: the retry writes nothing twice', async () => {
    const { start } = await setup();
    const first = await start();
    const { workflowId, name, taskId } = await submit(first);
    await first.stop();

    const armed = await start('projection.written');
    const reviewer = await armed.as('d01-reviewer');
    await decide(reviewer, taskId).catch(() => undefined); // committed; the answer may or may not get out
    expect(await armed.exited).toBe('SIGKILL');

    const second = await start();
    const client = await temporal();
    await client.workflow.getHandle(workflowId).result(); // the activity is retried after its timeout
    await eventually(async () => (await auditActions(second, workflowId)).includes('preAssessment.passed'), 'the conclusion in the audit trail', 60_000);
    const actions = await auditActions(second, workflowId);
    expect(actions.filter((a) => a === 'task.decide')).toHaveLength(1);
    expect(actions.filter((a) => a === 'task.created')).toHaveLength(1);
    await eventually(async () => (await conclusionMails(name)).length > 0, 'the conclusion mail');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await conclusionMails(name)).toHaveLength(1);
    await client.connection.close();
  }, 120_000);
});
