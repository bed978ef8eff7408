// The inbox, read: the list, the counts, the task types, a task's detail with the moves the user
// could make on it now. Rows come from the read model (db/inbox/tasks.ts).
import { z } from 'zod';
import type { TaskCatalog } from '../../contracts/registry.zod';
import { check, MoveError } from '../../contracts/humanTask/moves';
import { TaskAction, TASK_ACTIONS, type TaskState } from '../../contracts/humanTask/tasks.zod';
import { TaskErrors } from '../../contracts/humanTask/messages';
import type { Db } from '../../db';
import { BadCursor, countTasks, listTasks, summary, TaskCounts, TaskListQuery, TaskSummary } from '../../db/inbox/tasks';
import { taskHistory } from '../../db/inbox/audit';
import { decisionMarks } from '../../db/inbox/decisions';
import { actorOf, can, require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import { mayReassign } from '../handoffs';
import { IdParam, loadTask, readerOf } from './task';
import { stateFor } from './visibility';

/** Which moves the user could make on the task now (the UI shows only these). */
function allowedMoves(u: User, t: TaskState, TASKS: TaskCatalog): string[] {
  if (!can(u, 'task.act')) return [];
  const def = TASKS.info(t.spec.type);
  return TASK_ACTIONS.filter((action) => {
    const probe = { taskId: t.id, actor: actorOf(u), action, outcome: Object.keys(def?.outcomes ?? {})[0] ?? 'x', form: {}, comment: null, reason: 'x', toUserId: '__probe__', userId: '__probe__', position: 'after', toStep: null };
    const parsed = TaskAction.safeParse(probe);
    if (!parsed.success) return false;
    try {
      check(t, parsed.data, action === 'decide' ? undefined : def);
      return true;
    } catch (e) {
      // decide is probed without a form: only "not yours / not open" refusals count
      return action === 'decide' && e instanceof MoveError && e.type === TaskErrors.Invalid;
    }
  }).filter((a) => a !== 'reassign' || (can(u, 'task.reassign') && mayReassign(u, t)));
}

const Label = z.object({ zh: z.string(), en: z.string() });
const OutcomeInfo = z.object({ key: z.string(), label: Label, style: z.string(), schema: z.record(z.string(), z.unknown()).describe("the outcome's form, as JSON Schema") });

/** GET /api/tasks/:id (its parts that are not the task's row stay loose: state is the workflow's, per viewer). */
const TaskDetail = z.object({
  task: TaskSummary.describe('the task; queuedDecision says whether a decision on it waits for its workflow (the form is not for deciding again), or yours was refused and why'),
  state: z.record(z.string(), z.unknown()).describe("the task's state as its process holds it, as this viewer may see it (a draft is its author's only)"),
  type: z.object({ type: z.string(), label: Label, outcomes: z.array(OutcomeInfo) }).nullable(),
  allowedMoves: z.array(z.string()),
  history: z.array(z.record(z.string(), z.unknown())).describe("the task's audit trail (a refused queued decision is task.decisionRefused)"),
  comments: z.array(z.object({ id: z.union([z.number(), z.string()]), authorId: z.string(), authorName: z.string(), body: z.string(), at: z.string() })),
  attachments: z.array(z.object({ id: z.union([z.number(), z.string()]), filename: z.string(), mime: z.string(), size: z.number(), sha256: z.string(), uploaderId: z.string(), at: z.string() })),
});

export function readRoutes(api: Api<User>, { db, catalog: TASKS }: { db: Db; catalog: TaskCatalog }): void {
  api.route({
    method: 'get',
    path: '/api/tasks',
    summary: 'List tasks: mine, my groups, submitted by me, or all I may see; filters, sort, cursor paging',
    tags: ['tasks'],
    auth: true,
    query: TaskListQuery,
    response: z.object({ items: z.array(TaskSummary), nextCursor: z.string().nullable() }),
    handler: async ({ query, ctx }) => {
      require(ctx, 'task.read');
      try {
        return await listTasks(db, readerOf(ctx), query);
      } catch (e) {
        if (e instanceof BadCursor) throw new HttpError(400, 'VALIDATION', e.message, e.field);
        throw e;
      }
    },
  });

  api.route({
    method: 'get',
    path: '/api/task-types',
    summary: 'Every task type: its process, labels, outcomes, the JSON Schema of each outcome\'s form, and the outcomes a lead may take in bulk',
    tags: ['tasks'],
    auth: true,
    handler: async () =>
      Object.values(TASKS.types).map((def) => ({
        type: def.type,
        process: def.type.split('.')[0],
        label: def.label,
        outcomes: Object.entries(def.outcomes).map(([key, o]) => ({ key, label: o.label, style: o.style ?? 'default', schema: z.toJSONSchema(o.form, { unrepresentable: 'any' }) })),
        bulkOutcomes: TASKS.bulkOutcomes(def.type), // what a lead may decide in bulk (the manifest's `bulk`)
      })),
  });

  api.route({
    method: 'get',
    path: '/api/tasks/counts',
    summary: 'Counts of my open tasks: actionable, assigned to me, my groups, overdue, due within 3 days, submitted by me; per process',
    tags: ['tasks'],
    auth: true,
    response: TaskCounts,
    handler: async ({ ctx }) => {
      require(ctx, 'task.read');
      return countTasks(db, readerOf(ctx));
    },
  });

  api.route({
    method: 'get',
    path: '/api/tasks/:id',
    summary: 'Task detail: state, project data, form schema per outcome, allowed moves, history, comments, attachments',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    response: TaskDetail,
    handler: async ({ params, ctx }) => {
      require(ctx, 'task.read');
      const row = await loadTask(db, ctx, params.id);
      const def = TASKS.types[row.type];
      const [history, comments, attachments, marks] = await Promise.all([
        taskHistory(db, row.id),
        db.query(`SELECT id, author_id AS "authorId", author_name AS "authorName", body, at FROM comments WHERE task_id = $1 ORDER BY id`, [row.id]),
        db.query(`SELECT id, filename, mime, size, sha256, uploader_id AS "uploaderId", at FROM attachments WHERE task_id = $1 ORDER BY id`, [row.id]),
        decisionMarks(db, [row.id], ctx),
      ]);
      return {
        task: summary(row, marks.get(row.id) ?? null),
        state: stateFor(ctx.id, row.state), // the draft is its author's only (visibility.ts)
        type: def
          ? {
              type: def.type,
              label: def.label,
              outcomes: Object.entries(def.outcomes).map(([key, o]) => ({ key, label: o.label, style: o.style ?? 'default', schema: z.toJSONSchema(o.form, { unrepresentable: 'any' }) })),
            }
          : null,
        allowedMoves: allowedMoves(ctx, row.state, TASKS),
        history,
        comments: comments.rows,
        attachments: attachments.rows,
      };
    },
  });
}
