// Shared by the rectification tests: the process beside the registry, a report as another process
// sends it, and the moves a department and finance make on its tasks over HTTP.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from '@temporalio/client';
import { PROCESSES } from '../../contracts/registry.zod';
import { rectification } from '../../contracts/rectification/manifest.zod';
import { RECTIFICATION_WORKFLOW, rectificationWorkflowId, type ProblemReport, type RectificationInput } from '../../contracts/rectification/problems.zod';
import { rectificationProblemsSignal, rectificationStatusQuery, type RectificationStatus } from '../../contracts/rectification/names';
import type { RectificationProfile } from '../../contracts/rectification/profile.zod';
import { SA } from '../../contracts/searchAttributes';
import { eventually, type Http } from '../helpers/system';

/** Until contracts/registry.zod.ts lists it: the registry's processes and rectification. */
export const WITH_RECTIFICATION = PROCESSES.includes(rectification) ? PROCESSES : [...PROCESSES, rectification];

/** A monitoring round's report on 第一中学 (U0101, 教育厅 D01), each problem keyed within the round. */
export function report(ref: string, problems: Array<{ key: string; description: string; evidence?: Record<string, unknown>; measures?: string }>, over: Partial<ProblemReport> = {}): ProblemReport {
  return {
    deptId: 'D01',
    unitId: 'U0101',
    source: { kind: 'monitoring', ref, label: `2027年第二轮绩效运行监控 ${ref}` },
    problems: problems.map((p) => ({ evidence: {}, ...p })),
    reportedBy: 'system',
    reportedAt: new Date().toISOString(),
    ...over,
  };
}

export const uniqueRef = (): string => `R-${randomUUID().slice(0, 8)}`;

/** Starts (or signals) the notice as monitoring does: by its id, the report as input and as signal. */
export async function raise(client: Client, taskQueue: string, r: ProblemReport, profile: RectificationProfile, dayMs?: number) {
  const workflowId = rectificationWorkflowId(r.unitId, r.source.kind, r.source.ref);
  const input: RectificationInput = { report: r, profile, dayMs };
  return client.workflow.signalWithStart(RECTIFICATION_WORKFLOW, {
    workflowId,
    taskQueue,
    args: [input],
    signal: rectificationProblemsSignal,
    signalArgs: [r],
    typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'rectification' }],
  });
}

export const status = (client: Client, workflowId: string): Promise<RectificationStatus> => client.workflow.getHandle(workflowId).query(rectificationStatusQuery);

export interface TaskRow {
  id: string;
  type: string;
  workflowId: string;
  dueAt: string;
  status: string;
}

/** The open task of this type of this notice in the person's inbox. */
export async function openTask(who: Http, workflowId: string, type: string, not: string[] = []): Promise<TaskRow> {
  return eventually(async () => {
    const l = await who.get('/api/tasks?process=rectification');
    return (l.body.items as TaskRow[] | undefined)?.find((t) => t.workflowId === workflowId && t.type === type && !not.includes(t.id));
  }, `${type} of ${workflowId} in the inbox`);
}

export async function decide(who: Http, task: TaskRow, outcome: string, form: Record<string, unknown>, comment?: string): Promise<void> {
  const r = await who.post(`/api/tasks/${encodeURIComponent(task.id)}/actions`, { action: 'decide', outcome, form, ...(comment ? { comment } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Uploads an evidence file to a task; returns its attachment id. */
export async function attach(url: string, who: Http, task: TaskRow, filename: string, text: string): Promise<number> {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/plain' }), filename);
  const r = await fetch(`${url}/api/tasks/${encodeURIComponent(task.id)}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` }, body: fd });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: number }).id;
}
