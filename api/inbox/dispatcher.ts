// Carries queued decisions (db/inbox/decisions.ts) to their workflows: the queued decisions of one
// execution leave together in one `task.actMany` Update (one workflow task for all of them), one
// Update in flight per execution, up to `maxExecutions` executions at once. The more decisions wait,
// the more share an Update: under load the queue makes fewer workflow tasks than decisions.
//
// Exactly once: a batch's Update id comes from its batch and the decisions in it, so a batch sent
// again (this process died after Temporal applied it, before it settled the rows) is answered by
// Temporal from the first time. A batch the workflow refuses in part (it refuses a batch whole,
// naming the moves) is settled for those and sent again without them. A decision whose execution
// is gone (completed, terminated, timed out, or never there) is settled refused (TaskNotOpen,
// TaskNotFound), as any answer of the workflow is: only while Temporal or the worker is away do the
// decisions stay queued, tried again with a growing delay.
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Db } from '../../db';
import { TaskErrors, taskActManyUpdate, type TaskActManyResult } from '../../contracts/humanTask/messages';
import type { ProjectionBatch } from '../../contracts/humanTask/inbox';
import { assignBatch, claimDecisions, releaseDecisions, settleDecisions, type DecisionRow, type Settlement } from '../../db/inbox/decisions';
import { committedOf, refusedMoves } from '../coalescer';
import { insertAudit } from '../../db/inbox/audit';

export interface DispatcherOptions {
  db: Db;
  temporal: Client;
  log: Pick<Logger, 'warn' | 'info'>;
  /** Writes what an answer committed for the inbox (the API's own projection write). */
  writeCommitted: (batch: ProjectionBatch) => Promise<void>;
  /** Executions with an Update in flight at once. */
  maxExecutions?: number;
  /** Moves in one Update (the board takes up to 1,000). */
  maxBatch?: number;
  /** How long a claim holds before another dispatcher may take the decisions (a dead holder). */
  leaseMs?: number;
  /** Deadline of one Update; past it the decisions go back to the queue. */
  updateDeadlineMs?: number;
  /** How often the queue is looked at when nothing pokes it (other processes' decisions, retries). */
  pollMs?: number;
  /** Called after an answer, before its decisions settle (fault tests: die there). */
  afterAnswer?: (batchId: string) => void;
}

export interface Dispatcher {
  /** A decision was queued: look at the queue now. */
  poke(): void;
  stop(): Promise<void>;
}

const REFUSAL_TYPES = new Set<string>(Object.values(TaskErrors));
const backoffMs = (attempts: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempts, 6));

/** The Update id of a batch: the same decisions of the same batch always make the same id. */
export function batchUpdateId(batchId: string, decisionIds: string[]): string {
  return `decisions:${batchId}:${createHash('sha256').update([...decisionIds].sort().join('\n')).digest('hex').slice(0, 16)}`;
}

export function startDispatcher(o: DispatcherOptions): Dispatcher {
  const { db, temporal, log } = o;
  const maxExecutions = o.maxExecutions ?? 32;
  const maxBatch = o.maxBatch ?? 200;
  const leaseMs = o.leaseMs ?? 60_000;
  const updateDeadlineMs = o.updateDeadlineMs ?? 30_000;
  const busy = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let scanning: Promise<void> | null = null;
  let again = false;

  const scan = (): void => {
    if (stopped) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = (async () => {
      do {
        again = false;
        const room = maxExecutions - busy.size;
        if (room <= 0) break;
        const rows = await claimDecisions(db, { executions: room, busy: [...busy], leaseMs });
        const byWorkflow = new Map<string, DecisionRow[]>();
        for (const r of rows) byWorkflow.set(r.workflow_id, [...(byWorkflow.get(r.workflow_id) ?? []), r]);
        for (const [workflowId, list] of byWorkflow) {
          busy.add(workflowId);
          const p = sendAll(workflowId, list)
            .catch((e: unknown) => log.warn({ err: e, workflowId }, 'queued decisions: sending failed; they stay queued'))
            .finally(() => {
              busy.delete(workflowId);
              inFlight.delete(p);
              scan();
            });
          inFlight.add(p);
        }
        if (rows.length) again = true; // more may be waiting behind the executions just claimed
      } while (again && !stopped && busy.size < maxExecutions);
    })()
      .catch((e: unknown) => log.warn({ err: e }, 'queued decisions: the queue could not be read'))
      .finally(() => (scanning = null));
  };

  /** The claimed decisions of one execution: in their batches (earlier ones first), then new ones. */
  async function sendAll(workflowId: string, rows: DecisionRow[]): Promise<void> {
    const batches = new Map<string, DecisionRow[]>();
    const fresh = rows.filter((r) => !r.batch_id);
    for (const r of rows) if (r.batch_id) batches.set(r.batch_id, [...(batches.get(r.batch_id) ?? []), r]);
    for (let i = 0; i < fresh.length; i += maxBatch) {
      const chunk = fresh.slice(i, i + maxBatch);
      const id = randomUUID();
      await assignBatch(db, chunk.map((r) => r.id), id);
      batches.set(id, chunk);
    }
    for (const [batchId, list] of batches) await send(workflowId, batchId, list);
  }

  async function send(workflowId: string, batchId: string, list: DecisionRow[]): Promise<void> {
    let rows = list;
    while (rows.length && !stopped) {
      const updateId = batchUpdateId(batchId, rows.map((r) => r.id));
      let results: TaskActManyResult;
      try {
        const handle = temporal.workflow.getHandle(workflowId);
        results = await temporal.connection.withDeadline(Date.now() + updateDeadlineMs, () => handle.executeUpdate(taskActManyUpdate, { args: [rows.map((r) => r.move), { projection: true }], updateId }));
      } catch (e) {
        const refused = refusedMoves(e);
        if (refused) {
          const out = new Set(refused.map((r) => r.index));
          await settle(refused.map((r) => ({ id: rows[r.index].id, status: 'refused', error: { type: r.type, message: r.message } })), rows);
          rows = rows.filter((_, i) => !out.has(i));
          continue;
        }
        const final = await finalRefusal(temporal, workflowId, e);
        if (final) {
          await settle(rows.map((r) => ({ id: r.id, status: 'refused', error: final })), rows);
          return;
        }
        // Temporal away, overloaded, or the Update past its deadline: queued still, tried again later
        log.warn({ workflowId, decisions: rows.length, err: (e as Error).message }, 'queued decisions: not delivered; tried again later');
        await releaseDecisions(db, rows.map((r) => r.id), backoffMs(Math.max(...rows.map((r) => r.attempts))));
        return;
      }
      const committed = committedOf(results);
      if (committed) await o.writeCommitted(committed).catch(() => undefined); // the board's backstop writes it too
      o.afterAnswer?.(batchId);
      await settle(
        rows.map((r, i): Settlement => {
          const a = results[i];
          if (a && 'error' in a) return { id: r.id, status: 'refused', error: a.error };
          if (!a) return { id: r.id, status: 'refused', error: { type: 'NoAnswer', message: 'the workflow gave no answer for this decision' } };
          return { id: r.id, status: 'applied', result: { status: a.status, version: a.version } };
        }),
        rows,
      );
      return;
    }
  }

  /** Settles decisions; a refused one goes on the task's audit trail (its maker, the workflow's reason). */
  async function settle(list: Settlement[], rows: DecisionRow[]): Promise<void> {
    const settled = new Set(await settleDecisions(db, list));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const refused = list.filter((x) => x.status === 'refused' && settled.has(x.id));
    await insertAudit(
      db,
      refused.map((x) => {
        const r = byId.get(x.id)!;
        const m = r.move as { action: string; outcome?: string; actor: { userId: string; name: string } };
        return { key: `decision-refused:${r.id}`, at: new Date().toISOString(), actorId: m.actor.userId, actorName: m.actor.name, action: 'task.decisionRefused', workflowId: r.workflow_id, taskId: r.task_id, projectId: null, reason: x.error?.message ?? null, detail: { decisionId: r.id, action: m.action, ...(m.outcome ? { outcome: m.outcome } : {}), type: x.error?.type } };
      }),
    );
    for (const x of refused) log.info({ decision: x.id, error: x.error }, 'queued decision refused by its workflow');
  }

  const timer = setInterval(scan, o.pollMs ?? 1_000);
  timer.unref();
  scan();
  return {
    poke: scan,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await scanning;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * A refusal that sending again would not change: any answer of the workflow to the Update (its
 * validator's or handler's refusal, the same as the direct moves get), or an execution that is not
 * there to answer: ended (TaskNotOpen) or never there (TaskNotFound). Undefined: Temporal or the
 * worker did not answer (away, overloaded, past the deadline), and the decisions wait.
 */
async function finalRefusal(temporal: Client, workflowId: string, e: unknown): Promise<{ type: string; message: string } | undefined> {
  if (e instanceof WorkflowUpdateFailedError) {
    const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
    if (cause?.type && REFUSAL_TYPES.has(cause.type)) return { type: cause.type, message: cause.message };
    // the execution closed after it took the Update, before it answered (Temporal's own failure)
    if (cause?.type === 'AcceptedUpdateCompletedWorkflow') return { type: TaskErrors.NotOpen, message: 'the process of this task ended before it answered the decision' };
    return { type: cause?.type || 'TaskRefused', message: cause?.message || e.message };
  }
  if (e instanceof WorkflowNotFoundError) return endedOrMissing(temporal, workflowId);
  return undefined;
}

/** Why an Update found no running execution: it ended (and how), or Temporal has none by that id. */
async function endedOrMissing(temporal: Client, workflowId: string): Promise<{ type: string; message: string } | undefined> {
  const ended = { type: TaskErrors.NotOpen, message: 'the process of this task has ended' };
  try {
    const d = await temporal.workflow.getHandle(workflowId).describe();
    if (d.status.name === 'RUNNING') return undefined; // a new run since: send again
    return { ...ended, message: `the process of this task has ended (${d.status.name.toLowerCase().replaceAll('_', ' ')})` };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { type: TaskErrors.NotFound, message: 'the process of this task was not found' };
    return ended; // the Update's answer already said it is not running
  }
}
