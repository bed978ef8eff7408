// The inbox API: list, counts, detail, the moves (as Temporal Updates), comments, attachments, bulk.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SerialId } from '../../contracts/common.zod';
import { TASKS } from '../../contracts/registry.zod';
import { check, MoveError } from '../../contracts/humanTask/moves';
import { TaskAction, TASK_ACTIONS, type TaskState } from '../../contracts/humanTask/tasks.zod';
import { TaskErrors, taskActUpdate, type TaskActionResult } from '../../contracts/humanTask/messages';
import type { Db } from '../../db';
import type { Client } from '@temporalio/client';
import { actorOf, can, require, scopeSql, type User } from '../auth';
import { HttpError, type Api } from '../http';
import { checkedType, receiveUpload } from '../uploads';
import { upsertTasks } from '../../activities/inbox/projection';
import { MoveRefused, UpdateCoalescer } from '../coalescer';
import { checkHandoff, mayReassign } from '../handoffs';

const Sort = z.enum(['due', 'priority', 'created']);
const SORT_COL: Record<z.infer<typeof Sort>, string> = { due: 't.due_at', priority: 't.priority', created: 't.created_at' };

const zBool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const TaskListQuery = z.object({
  mine: z.enum(['actionable', 'assigned', 'group', 'submitted', 'visible']).default('actionable'),
  status: z.enum(['open', 'completed', 'cancelled', 'all']).default('open'),
  process: z.string().max(50).optional(),
  type: z.string().max(100).optional(),
  deptId: z.string().max(100).optional(),
  unitId: z.string().max(100).optional(),
  dueBefore: z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString()).optional(),
  overdue: zBool.optional(),
  q: z.string().max(100).optional(),
  sort: Sort.default('due'),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

const TaskSummary = z.object({
  id: z.string(),
  workflowId: z.string(),
  process: z.string(),
  type: z.string(),
  title: z.string(),
  status: z.string(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  projectCode: z.string().nullable(),
  deptId: z.string().nullable(),
  unitId: z.string().nullable(),
  actors: z.array(z.string()),
  submittedBy: z.string().nullable(),
  priority: z.number(),
  dueAt: z.string(),
  createdAt: z.string(),
  outcome: z.string().nullable(),
  escalated: z.boolean(),
  overdue: z.boolean(),
  bulkApprovable: z.boolean(),
  claimedBy: z.string().nullable(),
  version: z.number(),
});
type TaskSummary = z.infer<typeof TaskSummary>;

interface Row {
  id: string;
  workflow_id: string;
  process: string;
  type: string;
  title: string;
  status: string;
  project_id: string | null;
  project_name: string | null;
  project_code: string | null;
  dept_id: string | null;
  unit_id: string | null;
  actors: string[];
  submitted_by: string | null;
  priority: number;
  due_at: Date | string;
  created_at: Date | string;
  outcome: string | null;
  escalated: boolean;
  version: number;
  state: TaskState;
  bulk_approvable: boolean;
}

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

function summary(r: Row, now = Date.now()): TaskSummary {
  const due = iso(r.due_at);
  return {
    id: r.id,
    workflowId: r.workflow_id,
    process: r.process,
    type: r.type,
    title: r.title,
    status: r.status,
    projectId: r.project_id,
    projectName: r.project_name,
    projectCode: r.project_code,
    deptId: r.dept_id,
    unitId: r.unit_id,
    actors: r.actors,
    submittedBy: r.submitted_by,
    priority: r.priority,
    dueAt: due,
    createdAt: iso(r.created_at),
    outcome: r.outcome,
    escalated: r.escalated,
    overdue: r.status === 'open' && Date.parse(due) < now,
    bulkApprovable: r.bulk_approvable,
    claimedBy: r.state?.claimedBy ?? null,
    version: r.version,
  };
}

const LIST_COLS = `t.id, t.workflow_id, t.process, t.type, t.title, t.status, t.project_id, t.project_name, t.project_code,
  t.dept_id, t.unit_id, t.actors, t.submitted_by, t.priority, t.due_at, t.created_at, t.outcome, t.escalated, t.version,
  t.bulk_approvable, jsonb_build_object('claimedBy', t.state->'claimedBy') AS state`;

/** Builds the WHERE clause of a task list for a user (shared by list and counts). */
export function taskFilter(u: User, q: Omit<TaskListQuery, 'sort' | 'order' | 'limit' | 'cursor'>, params: unknown[]): string {
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const keys = [u.id, ...u.groups];
  const where: string[] = [];
  if (q.status !== 'all') where.push(`t.status = ${add(q.status)}`);
  switch (q.mine) {
    case 'actionable':
      where.push(`t.actors && ${add(keys)}::text[]`);
      break;
    case 'assigned':
      where.push(`t.actors && ${add([u.id])}::text[]`);
      break;
    case 'group':
      where.push(`t.actors && ${add(u.groups)}::text[] AND NOT (t.actors && ${add([u.id])}::text[])`);
      break;
    case 'submitted':
      where.push(`t.submitted_by = ${add(u.id)}`);
      break;
    case 'visible':
      where.push(scopeSql(u, params));
      break;
  }
  if (q.process) where.push(`t.process = ${add(q.process)}`);
  if (q.type) where.push(`t.type = ${add(q.type)}`);
  if (q.deptId) where.push(`t.dept_id = ${add(q.deptId)}`);
  if (q.unitId) where.push(`t.unit_id = ${add(q.unitId)}`);
  if (q.dueBefore) where.push(`t.due_at < ${add(q.dueBefore)}`);
  if (q.overdue === true) where.push(`t.due_at < now()`);
  if (q.overdue === false) where.push(`t.due_at >= now()`);
  if (q.q) where.push(`t.search LIKE ${add(`%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  return where.length ? where.join(' AND ') : 'true';
}

function encodeCursor(v: unknown, id: string): string {
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}
/**
 * A cursor is [sort value, task id] as encodeCursor wrote it; anything else (a forged or edited
 * cursor, one of another sort) is a 400 before the database sees it: a date as toISOString writes
 * it (years 0001–9999), a priority as an int4, an id of storable text.
 */
function decodeCursor(c: string, sort: z.infer<typeof Sort>): [string | number, string] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(c, 'base64url').toString());
  } catch {
    v = undefined;
  }
  if (Array.isArray(v) && v.length === 2 && validSortValue(sort, v[0]) && validCursorId(v[1])) return v as [string | number, string];
  throw new HttpError(400, 'VALIDATION', `query.cursor: not a cursor this API issued for sort=${sort}`, 'query.cursor');
}
const ISO_MS = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const validSortValue = (sort: z.infer<typeof Sort>, x: unknown): boolean =>
  sort === 'priority'
    ? Number.isInteger(x) && (x as number) >= -2147483648 && (x as number) <= 2147483647
    : typeof x === 'string' && ISO_MS.test(x) && new Date(x).toISOString() === x;
const validCursorId = (x: unknown): boolean => typeof x === 'string' && x.length >= 1 && x.length <= 300 && !x.includes('\u0000') && !/\p{Cs}/u.test(x);

export async function listTasks(db: Db, u: User, q: TaskListQuery): Promise<{ items: TaskSummary[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  const where = [taskFilter(u, q, params)];
  const col = SORT_COL[q.sort];
  const order = q.order ?? (q.sort === 'priority' ? 'desc' : q.sort === 'created' ? 'desc' : 'asc');
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor, q.sort);
    params.push(v, id);
    where.push(`(${col}, t.id) ${order === 'asc' ? '>' : '<'} ($${params.length - 1}, $${params.length})`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query<Row>(
    `SELECT ${LIST_COLS} FROM tasks t WHERE ${where.join(' AND ')} ORDER BY ${col} ${order}, t.id ${order} LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const sortValue = (r: Row): string | number => (q.sort === 'priority' ? r.priority : iso(q.sort === 'due' ? r.due_at : r.created_at));
  return { items: page.map((r) => summary(r)), nextCursor: more && last ? encodeCursor(sortValue(last), last.id) : null };
}

async function loadTask(db: Db, u: User, id: string): Promise<Row> {
  const params: unknown[] = [id];
  const { rows } = await db.query<Row>(`SELECT t.* FROM tasks t WHERE t.id = $1 AND ${scopeSql(u, params)}`, params);
  if (!rows[0]) throw new HttpError(404, 'NOT_FOUND', `task ${id} not found`, 'id');
  return rows[0];
}

const STATUS_OF: Record<string, number> = {
  [TaskErrors.NotFound]: 404,
  [TaskErrors.NotOpen]: 409,
  [TaskErrors.Conflict]: 409,
  [TaskErrors.Forbidden]: 403,
  [TaskErrors.Invalid]: 400,
};

/** Maps a refused move (from our pre-check or from the workflow's validator) to an HTTP error. */
export function moveHttpError(type: string | undefined, message: string): HttpError {
  const status = (type && STATUS_OF[type]) || 409;
  return new HttpError(status, type ?? 'REFUSED', message);
}

/** Which moves the user could make on the task now (the UI shows only these). */
function allowedMoves(u: User, t: TaskState): string[] {
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

export interface TaskRouteDeps {
  db: Db;
  temporal: Client;
}

export function taskRoutes(api: Api<User>, { db, temporal }: TaskRouteDeps): void {
  // Update results are committed: their task states go to the inbox at once (read your writes);
  // the board's projection activity writes the same versions, with the audit and the mail, a moment later
  const writeCommitted = (states: TaskState[]): Promise<void> => upsertTasks(db, states);
  const coalescer = new UpdateCoalescer(temporal, writeCommitted);
  const IdParam = z.object({ id: z.string().min(1).max(300) });

  /** A move from a request body, with the task and the actor filled in from the row and the token. */
  function parseMove(u: User, row: Row, body: Record<string, unknown>) {
    require(u, 'task.act');
    const parsed = TaskAction.safeParse({ ...body, taskId: row.id, actor: actorOf(u) });
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: ['body', ...i.path.map(String)].join('.'), message: i.message }));
      throw new HttpError(400, 'VALIDATION', details.map((d) => `${d.field}: ${d.message}`).join('; '), details[0]?.field, details);
    }
    if (parsed.data.action === 'reassign') require(u, 'task.reassign');
    return parsed.data;
  }

  /** Sends a move to the task's workflow as an Update; refusals come back as HTTP errors. */
  async function act(u: User, row: Row, body: Record<string, unknown>, idempotencyKey?: string): Promise<unknown> {
    const move = parseMove(u, row, body);
    await checkHandoff(db, u, row.state, move); // the workflow has no directory: who may receive a hand-off is checked here
    const handle = temporal.workflow.getHandle(row.workflow_id);
    // an Idempotency-Key becomes the Update's id (per user), so a retried request gets the first answer
    const updateId = idempotencyKey ? `${u.id}:${idempotencyKey}` : undefined;
    // Temporal decides when the projection says the task is closed: a row that is wrong must not
    // make a task undecidable (the workflow's validator refuses, leaving no trace, if it is closed)
    let rowSaysClosed = false;
    try {
      check(row.state, move, TASKS.info(row.type)); // fast answer from the projection; the workflow re-checks
    } catch (e) {
      if (!(e instanceof MoveError)) throw e;
      const replayed = updateId && (e.type === TaskErrors.NotOpen || e.type === TaskErrors.Conflict) ? await earlierAnswer(handle, updateId) : undefined;
      if (replayed) return brief(replayed);
      if (e.type !== TaskErrors.NotOpen) throw moveHttpError(e.type, e.message);
      rowSaysClosed = true;
    }
    try {
      // a request with an Idempotency-Key is its own Update (its id is the key); the rest share one
      const r = updateId ? await handle.executeUpdate(taskActUpdate, { args: [move], updateId }) : await coalescer.submit(row.workflow_id, move);
      if (updateId && r.state) await writeCommitted([r.state]);
      if (rowSaysClosed && r.state) await upsertTasks(db, [r.state], { force: true }); // Temporal wins over the row
      return brief(r);
    } catch (e) {
      if (e instanceof MoveRefused) throw moveHttpError(e.type, e.message);
      if (e instanceof WorkflowUpdateFailedError) {
        const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
        throw moveHttpError(cause?.type ?? undefined, cause?.message ?? e.message);
      }
      if (e instanceof WorkflowNotFoundError) throw new HttpError(409, TaskErrors.NotOpen, 'the process of this task has ended');
      throw e;
    }
  }

  /** The result of an Update made earlier with this id, if there was one. */
  async function earlierAnswer(handle: ReturnType<Client['workflow']['getHandle']>, updateId: string): Promise<TaskActionResult | undefined> {
    try {
      return await temporal.connection.withDeadline(Date.now() + 3000, () => handle.getUpdateHandle<TaskActionResult>(updateId).result());
    } catch {
      return undefined;
    }
  }

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
      return listTasks(db, ctx, query);
    },
  });

  api.route({
    method: 'get',
    path: '/api/task-types',
    summary: 'Every task type: its process, labels, outcomes and the JSON Schema of each outcome\'s form',
    tags: ['tasks'],
    auth: true,
    handler: async () =>
      Object.values(TASKS.types).map((def) => ({
        type: def.type,
        process: def.type.split('.')[0],
        label: def.label,
        outcomes: Object.entries(def.outcomes).map(([key, o]) => ({ key, label: o.label, style: o.style ?? 'default', schema: z.toJSONSchema(o.form, { unrepresentable: 'any' }) })),
      })),
  });

  api.route({
    method: 'get',
    path: '/api/tasks/counts',
    summary: 'Counts of my open tasks: actionable, assigned to me, my groups, overdue, due within 3 days, submitted by me; per process',
    tags: ['tasks'],
    auth: true,
    response: z.object({ actionable: z.number(), assigned: z.number(), group: z.number(), overdue: z.number(), dueSoon: z.number(), submitted: z.number(), byProcess: z.record(z.string(), z.number()) }),
    handler: async ({ ctx }) => {
      require(ctx, 'task.read');
      const keys = [ctx.id, ...ctx.groups];
      const { rows } = await db.query<Record<string, number>>(
        `SELECT count(*) FILTER (WHERE t.actors && $1::text[])::int AS actionable,
                count(*) FILTER (WHERE t.actors && $2::text[])::int AS assigned,
                count(*) FILTER (WHERE t.actors && $3::text[] AND NOT t.actors && $2::text[])::int AS "group",
                count(*) FILTER (WHERE t.actors && $1::text[] AND t.due_at < now())::int AS overdue,
                count(*) FILTER (WHERE t.actors && $1::text[] AND t.due_at >= now() AND t.due_at < now() + interval '3 days')::int AS "dueSoon",
                count(*) FILTER (WHERE t.submitted_by = $4)::int AS submitted
         FROM tasks t WHERE t.status = 'open' AND (t.actors && $1::text[] OR t.submitted_by = $4)`,
        [keys, [ctx.id], ctx.groups, ctx.id],
      );
      const { rows: per } = await db.query<{ process: string; n: number }>(
        `SELECT t.process, count(*)::int AS n FROM tasks t WHERE t.status = 'open' AND t.actors && $1::text[] GROUP BY t.process`,
        [keys],
      );
      return { ...(rows[0] as Record<string, number>), byProcess: Object.fromEntries(per.map((p) => [p.process, p.n])) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/tasks/:id',
    summary: 'Task detail: state, project data, form schema per outcome, allowed moves, history, comments, attachments',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    handler: async ({ params, ctx }) => {
      require(ctx, 'task.read');
      const row = await loadTask(db, ctx, params.id);
      const def = TASKS.types[row.type];
      const [history, comments, attachments] = await Promise.all([
        db.query(`SELECT at, actor_id AS "actorId", actor_name AS "actorName", action, reason, detail FROM audit WHERE task_id = $1 ORDER BY at, id`, [row.id]),
        db.query(`SELECT id, author_id AS "authorId", author_name AS "authorName", body, at FROM comments WHERE task_id = $1 ORDER BY id`, [row.id]),
        db.query(`SELECT id, filename, mime, size, sha256, uploader_id AS "uploaderId", at FROM attachments WHERE task_id = $1 ORDER BY id`, [row.id]),
      ]);
      return {
        task: summary(row),
        state: row.state,
        type: def
          ? {
              type: def.type,
              label: def.label,
              outcomes: Object.entries(def.outcomes).map(([key, o]) => ({ key, label: o.label, style: o.style ?? 'default', schema: z.toJSONSchema(o.form, { unrepresentable: 'any' }) })),
            }
          : null,
        allowedMoves: allowedMoves(ctx, row.state),
        history: history.rows,
        comments: comments.rows,
        attachments: attachments.rows,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/api/tasks/:id/actions',
    summary: 'Make a move on a task (claim, unclaim, decide, saveDraft, return, withdraw, transfer, delegate, resolve, addSigner, urge, reassign). Idempotency-Key header makes a retry harmless.',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    body: z.looseObject({ action: z.enum(TASK_ACTIONS as [string, ...string[]]) }),
    response: z.object({ taskId: z.string(), status: z.string(), version: z.number() }),
    handler: async ({ params, body, ctx, req }) => {
      const row = await loadTask(db, ctx, params.id);
      return act(ctx, row, body, req.header('idempotency-key') ?? undefined);
    },
  });

  api.route({
    method: 'post',
    path: '/api/tasks/bulk-decide',
    summary: 'Approve many tasks at once (leads; only task types that allow it)',
    tags: ['tasks'],
    auth: true,
    body: z.object({ taskIds: z.array(z.string()).min(1).max(500), outcome: z.string(), comment: z.string().max(2000).nullable().default(null), form: z.record(z.string(), z.unknown()).default({}) }),
    handler: async ({ body, ctx }) => {
      require(ctx, 'task.bulk');
      // checked first, then each workflow's decisions are queued together: they leave in one Update
      type Outcome = { taskId: string; ok: boolean; error?: string };
      const failed = (taskId: string, e: unknown): Outcome => ({ taskId, ok: false, error: (e as Error).message });
      const checked = await Promise.all(
        [...new Set(body.taskIds)].map(async (taskId) => {
          try {
            const row = await loadTask(db, ctx, taskId);
            if (!row.bulk_approvable) throw new HttpError(409, 'NOT_BULK', 'this task type is not approved in bulk');
            const move = parseMove(ctx, row, { action: 'decide', outcome: body.outcome, form: body.form, comment: body.comment });
            check(row.state, move, TASKS.info(row.type));
            return { taskId, workflowId: row.workflow_id, move };
          } catch (e) {
            return failed(taskId, e);
          }
        }),
      );
      const byWorkflow = new Map<string, Array<{ taskId: string; move: TaskAction }>>();
      for (const c of checked) if ('move' in c) byWorkflow.set(c.workflowId, [...(byWorkflow.get(c.workflowId) ?? []), c]);
      const sent = [...byWorkflow.entries()].flatMap(([workflowId, list]) =>
        coalescer.submitMany(workflowId, list.map((c) => c.move)).map((p, i): Promise<Outcome> => p.then(() => ({ taskId: list[i].taskId, ok: true }), (e: unknown) => failed(list[i].taskId, e))),
      );
      const results = [...checked.filter((c): c is Outcome => !('move' in c)), ...(await Promise.all(sent))];
      return { decided: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
    },
  });

  api.route({
    method: 'post',
    path: '/api/tasks/:id/comments',
    summary: 'Comment on a task',
    tags: ['tasks'],
    auth: true,
    params: IdParam,
    body: z.object({ body: z.string().trim().min(1).max(5000) }),
    status: 201,
    handler: async ({ params, body, ctx }) => {
      require(ctx, 'task.act');
      const row = await loadTask(db, ctx, params.id);
      return db.tx(async (q) => {
        const { rows } = await q.query<{ id: number; at: string }>(`INSERT INTO comments (task_id, author_id, author_name, body) VALUES ($1, $2, $3, $4) RETURNING id, at`, [row.id, ctx.id, ctx.name, body.body]);
        await auditDirect(q, { key: `comment:${rows[0].id}`, actor: ctx, action: 'task.comment', row, reason: null, detail: { commentId: rows[0].id } });
        return rows[0];
      });
    },
  });

  api.raw({
    method: 'post',
    path: '/api/tasks/:id/attachments',
    summary: 'Attach an evidence file (multipart field "file"; ≤ 10 MB; pdf, png, jpeg, office documents, UTF-8 text; the content must match the declared type)',
    tags: ['tasks'],
    auth: true,
    middleware: [],
    requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
    handler: async (req, res, ctx) => {
      require(ctx, 'task.act');
      const row = await loadTask(db, ctx, String(req.params.id));
      const f = await receiveUpload(req, res); // malformed uploads: 400/413 naming the field
      const mime = await checkedType(f); // the declared type, once the content is seen to be it
      const sha256 = createHash('sha256').update(f.buffer).digest('hex');
      const name = Buffer.from(f.originalname, 'latin1').toString('utf8').slice(0, 200);
      const out = await db.tx(async (q) => {
        const { rows } = await q.query<{ id: number }>(
          `INSERT INTO attachments (task_id, uploader_id, filename, mime, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
          [row.id, ctx.id, name, mime, f.size, sha256, f.buffer],
        );
        await auditDirect(q, { key: `attachment:${rows[0].id}`, actor: ctx, action: 'task.attach', row, reason: null, detail: { attachmentId: rows[0].id, filename: name, sha256, size: f.size } });
        return { id: rows[0].id, filename: name, mime, size: f.size, sha256 };
      });
      res.status(201).json(out);
    },
  });

  api.raw({
    method: 'get',
    path: '/api/attachments/:id',
    summary: 'Download an attachment',
    tags: ['tasks'],
    auth: true,
    middleware: [],
    handler: async (req, res, ctx) => {
      require(ctx, 'task.read');
      const parsed = SerialId.safeParse(req.params.id);
      if (!parsed.success) throw new HttpError(400, 'VALIDATION', `params.id: ${parsed.error.issues[0]?.message ?? 'not an attachment id'}`, 'params.id');
      const id = parsed.data;
      const { rows } = await db.query<{ task_id: string; filename: string; mime: string; content: Uint8Array; sha256: string }>(`SELECT task_id, filename, mime, content, sha256 FROM attachments WHERE id = $1`, [id]);
      if (!rows[0]) throw new HttpError(404, 'NOT_FOUND', `attachment ${id} not found`);
      await loadTask(db, ctx, rows[0].task_id);
      res.setHeader('content-type', rows[0].mime);
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(rows[0].filename)}`);
      res.setHeader('x-checksum-sha256', rows[0].sha256);
      res.setHeader('x-content-type-options', 'nosniff');
      res.end(Buffer.from(rows[0].content));
    },
  });
}

/** The answer to a move, without the state the API has already written. */
const brief = (r: TaskActionResult): TaskActionResult => ({ taskId: r.taskId, status: r.status, version: r.version });

async function auditDirect(
  q: { query: Db['query'] },
  e: { key: string; actor: User; action: string; row: Row; reason: string | null; detail: Record<string, unknown> },
): Promise<void> {
  await q.query(
    `INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, task_id, project_id, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
    [e.key, e.actor.id, e.actor.name, e.action, e.row.workflow_id, e.row.id, e.row.project_id, e.reason, JSON.stringify(e.detail)],
  );
}
