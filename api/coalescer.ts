// Decisions on the tasks of one workflow execution go out one Update at a time from this process:
// those that arrive while one is in flight travel together in the next `task.actMany`. Temporal
// refuses more than a few in-flight Updates per execution (history.maxInFlightUpdates, 10 by
// default), and a department's round of 300 forms can easily get more on its last day; sharing one
// Update also shares one workflow task and one projection write. Each answer carries what the
// moves left for the inbox (`{ projection: true }`): it is written here at once, and the board's own
// projection activity becomes a backstop.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TaskErrors, taskActManyUpdate, type RefusedMove, type TaskActionResult } from '../contracts/humanTask/messages';
import type { TaskAction } from '../contracts/humanTask/tasks.zod';
import type { ProjectionBatch } from '../contracts/humanTask/inbox';
import { withUpdateDeadline } from './temporalGuard';

export class MoveRefused extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  move: TaskAction;
  resolve: (r: TaskActionResult) => void;
  reject: (e: unknown) => void;
}

export class UpdateCoalescer {
  private readonly queues = new Map<string, Pending[]>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly temporal: Client,
    /** Called with what each answered batch committed for the inbox before its moves resolve. */
    private readonly onCommitted: (batch: ProjectionBatch) => Promise<void> = async () => undefined,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves with this move's result; rejects with MoveRefused when the workflow refused it. */
  submit(workflowId: string, move: TaskAction): Promise<TaskActionResult> {
    return this.submitMany(workflowId, [move])[0];
  }

  /** Several moves on one execution, queued together so that they leave in the same Update. */
  submitMany(workflowId: string, moves: TaskAction[]): Array<Promise<TaskActionResult>> {
    const q = this.queues.get(workflowId) ?? [];
    this.queues.set(workflowId, q);
    const promises = moves.map((move) => new Promise<TaskActionResult>((resolve, reject) => q.push({ move, resolve, reject })));
    if (!this.busy.has(workflowId)) void this.drain(workflowId);
    return promises;
  }

  private async drain(workflowId: string): Promise<void> {
    this.busy.add(workflowId);
    try {
      for (let q = this.queues.get(workflowId); q?.length; q = this.queues.get(workflowId)) {
        await this.send(workflowId, q.splice(0, this.maxBatch));
      }
    } finally {
      this.queues.delete(workflowId);
      this.busy.delete(workflowId);
    }
  }

  /**
   * One Update for the batch. The workflow refuses a batch whole when any move in it would be
   * refused (so a refused move never enters the history) and names those moves: they are answered
   * with their refusal and the rest go again.
   */
  private async send(workflowId: string, batch: Pending[]): Promise<void> {
    while (batch.length) {
      try {
        const moves = batch.map((p) => p.move);
        const results = await withUpdateDeadline(this.temporal, () => this.temporal.workflow.getHandle(workflowId).executeUpdate(taskActManyUpdate, { args: [moves, { projection: true }] }));
        const committed = committedOf(results);
        if (committed) await this.onCommitted(committed).catch(() => undefined); // the board's backstop writes it too
        batch.forEach((p, i) => {
          const r = results[i];
          if (r && 'error' in r) p.reject(new MoveRefused(r.error.type, r.error.message));
          else if (r) p.resolve(r);
          else p.reject(new Error('no result for this move'));
        });
        return;
      } catch (e) {
        const refused = refusedMoves(e);
        if (!refused) {
          for (const p of batch) p.reject(e);
          return;
        }
        const out = new Set(refused.map((r) => r.index));
        for (const r of refused) batch[r.index]?.reject(new MoveRefused(r.type, r.message));
        batch = batch.filter((_, i) => !out.has(i));
      }
    }
  }
}

/** What an answer committed for the inbox: its projection, or (from a board without it) the moved tasks' states. */
export function committedOf(results: Array<TaskActionResult | { error: unknown } | undefined>): ProjectionBatch | undefined {
  const ok = results.filter((r): r is TaskActionResult => !!r && !('error' in r));
  const carried = ok.find((r) => r.projection)?.projection;
  if (carried) return carried;
  const tasks = ok.flatMap((r) => (r.state ? [r.state] : []));
  return tasks.length ? { tasks, audit: [], mail: [] } : undefined;
}

export function refusedMoves(e: unknown): RefusedMove[] | undefined {
  if (!(e instanceof WorkflowUpdateFailedError) || !(e.cause instanceof ApplicationFailure) || e.cause.type !== TaskErrors.BatchRefused) return undefined;
  const list = e.cause.details?.[0];
  return Array.isArray(list) && list.length ? (list as RefusedMove[]) : undefined;
}
