// The inbox read model (table tasks): one row per task, written only from the human-task
// primitive's task states (the board's projection, the API's committed Update answers, reconcile)
// and read by the inbox list, counts and detail. Its columns, its writer and its reader live here,
// and nowhere else.
import { z } from 'zod';
import type { Queryable } from '../index';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { wellFormedJson } from './json';
import { decisionMarks, QueuedDecisionMark } from './decisions';

// ── the row ──────────────────────────────────────────────────────────────────────────────────────

/** A task row as the database returns it (`SELECT t.*`; the list reads fewer columns of `state`). */
export interface TaskRow {
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
  /** The project's amount, as the list reads it (a full row has it in state.spec.project). */
  amount_fen?: number | null;
}

/** The row a task state is stored as. */
export function taskRow(t: TaskState): Record<string, unknown> & { id: string } {
  const p = t.spec.project;
  return {
    id: t.id,
    workflow_id: t.workflowId,
    process: t.process,
    type: t.spec.type,
    title: t.spec.title,
    status: t.status,
    project_id: p?.id ?? null,
    project_name: p?.name ?? null,
    project_code: p?.code ?? null,
    dept_id: p?.deptId ?? null,
    unit_id: p?.unitId ?? null,
    actors: t.actors,
    submitted_by: t.spec.submittedBy,
    priority: t.spec.priority,
    due_at: t.dueAt,
    created_at: t.createdAt,
    outcome: t.outcome,
    escalated: t.escalated,
    bulk_approvable: t.spec.bulkApprovable,
    version: t.version,
    search: [t.spec.title, p?.name, p?.code, p?.id].filter(Boolean).join(' ').toLowerCase(),
    state: t,
  };
}

const TASK_COLS = `id text, workflow_id text, process text, type text, title text, status text, project_id text,
  project_name text, project_code text, dept_id text, unit_id text, actors text[], submitted_by text, priority int,
  due_at timestamptz, created_at timestamptz, outcome text, escalated boolean, bulk_approvable boolean, version int,
  search text, state jsonb`;

// ── the writer ───────────────────────────────────────────────────────────────────────────────────

/**
 * Writes task rows. By version (`force` off): retries and out-of-order writes never regress a row.
 * `force` writes what it is given whatever the row says: reconcile, with Temporal as the winner.
 */
export async function upsertTasks(q: Queryable, tasks: TaskState[], opts: { force?: boolean } = {}): Promise<void> {
  if (!tasks.length) return;
  await q.query(
    `INSERT INTO tasks (id, workflow_id, process, type, title, status, project_id, project_name, project_code, dept_id,
       unit_id, actors, submitted_by, priority, due_at, created_at, outcome, escalated, bulk_approvable, version, search, state)
     SELECT id, workflow_id, process, type, title, status, project_id, project_name, project_code, dept_id,
       unit_id, actors, submitted_by, priority, due_at, created_at, outcome, escalated, bulk_approvable, version, search, state
     FROM jsonb_to_recordset($1::jsonb) AS x(${TASK_COLS})
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, actors = excluded.actors, outcome = excluded.outcome,
       escalated = excluded.escalated, version = excluded.version, due_at = excluded.due_at, state = excluded.state,
       title = excluded.title, updated_at = now()
     WHERE ${opts.force ? 'tasks.version IS DISTINCT FROM excluded.version OR tasks.state IS DISTINCT FROM excluded.state' : 'tasks.version < excluded.version'}`,
    // in id order: writers of overlapping batches at once (the API's write of an answer, the board's backstop) lock rows in one order
    [wellFormedJson(tasks.map(taskRow).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)))],
  );
}

// ── the reader ───────────────────────────────────────────────────────────────────────────────────

/** Who reads: their id, their groups, and the SQL condition on `t` of the rows they may see. */
export interface InboxReader {
  id: string;
  groups: string[];
  /** A condition on alias `t`; its values are pushed onto `params`. */
  scope(params: unknown[]): string;
}

const Sort = z.enum(['due', 'priority', 'created']);
type Sort = z.infer<typeof Sort>;
const SORT_COL: Record<Sort, string> = { due: 't.due_at', priority: 't.priority', created: 't.created_at' };

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
  ids: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().min(1).max(300)).max(200))
    .optional()
    .describe('only these tasks (ids=a&ids=b, at most 200): a page re-reads its rows, e.g. those with a decision queued'),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const TaskSummary = z.object({
  id: z.string(),
  workflowId: z.string(),
  process: z.string(),
  type: z.string(),
  title: z.string(),
  status: z.string(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  projectCode: z.string().nullable(),
  /** The project's amount in fen, when the task has one (a bulk approval's preview shows it). */
  amountFen: z.number().nullable(),
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
  /** A decision queued on it that its workflow has not applied yet (or the reader's own, refused). */
  queuedDecision: QueuedDecisionMark.nullable(),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

const iso = (d: Date | string): string => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A row as the API shows it, with the task's queued decision (decisionMarks) if it has one. */
export function summary(r: TaskRow, queuedDecision: QueuedDecisionMark | null = null, now = Date.now()): TaskSummary {
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
    amountFen: r.amount_fen ?? r.state?.spec?.project?.amountFen ?? null,
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
    queuedDecision,
  };
}

const LIST_COLS = `t.id, t.workflow_id, t.process, t.type, t.title, t.status, t.project_id, t.project_name, t.project_code,
  t.dept_id, t.unit_id, t.actors, t.submitted_by, t.priority, t.due_at, t.created_at, t.outcome, t.escalated, t.version,
  t.bulk_approvable, t.state->'spec'->'project'->'amountFen' AS amount_fen, jsonb_build_object('claimedBy', t.state->'claimedBy') AS state`;

/** Builds the WHERE clause of a task list for a reader (shared by list and counts). */
export function taskFilter(u: InboxReader, q: Omit<TaskListQuery, 'sort' | 'order' | 'limit' | 'cursor'>, params: unknown[]): string {
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
      where.push(u.scope(params));
      break;
  }
  if (q.process) where.push(`t.process = ${add(q.process)}`);
  if (q.type) where.push(`t.type = ${add(q.type)}`);
  if (q.deptId) where.push(`t.dept_id = ${add(q.deptId)}`);
  if (q.unitId) where.push(`t.unit_id = ${add(q.unitId)}`);
  if (q.dueBefore) where.push(`t.due_at < ${add(q.dueBefore)}`);
  if (q.overdue === true) where.push(`t.due_at < now()`);
  if (q.overdue === false) where.push(`t.due_at >= now()`);
  if (q.ids) where.push(`t.id = ANY(${add(q.ids)}::text[])`);
  if (q.q) where.push(`t.search LIKE ${add(`%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  return where.length ? where.join(' AND ') : 'true';
}

/** A cursor the list did not issue (the API answers 400 on `query.cursor`). */
export class BadCursor extends Error {
  readonly field = 'query.cursor';
}

function encodeCursor(v: unknown, id: string): string {
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}
/**
 * A cursor is [sort value, task id] as encodeCursor wrote it; anything else (a forged or edited
 * cursor, one of another sort) is refused before the database sees it: a date as toISOString
 * writes it (years 0001–9999), a priority as an int4, an id of storable text.
 */
function decodeCursor(c: string, sort: Sort): [string | number, string] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(c, 'base64url').toString());
  } catch {
    v = undefined;
  }
  if (Array.isArray(v) && v.length === 2 && validSortValue(sort, v[0]) && validCursorId(v[1])) return v as [string | number, string];
  throw new BadCursor(`query.cursor: not a cursor this API issued for sort=${sort}`);
}
const ISO_MS = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const validSortValue = (sort: Sort, x: unknown): boolean =>
  sort === 'priority'
    ? Number.isInteger(x) && (x as number) >= -2147483648 && (x as number) <= 2147483647
    : typeof x === 'string' && ISO_MS.test(x) && new Date(x).toISOString() === x;
const validCursorId = (x: unknown): boolean => typeof x === 'string' && x.length >= 1 && x.length <= 300 && !x.includes('\u0000') && !/\p{Cs}/u.test(x);

/** One page of a reader's task list, with its queued decisions (one more query for the page); throws BadCursor for a cursor it did not issue. */
export async function listTasks(db: Queryable, u: InboxReader, q: TaskListQuery): Promise<{ items: TaskSummary[]; nextCursor: string | null }> {
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
  const { rows } = await db.query<TaskRow>(
    `SELECT ${LIST_COLS} FROM tasks t WHERE ${where.join(' AND ')} ORDER BY ${col} ${order}, t.id ${order} LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const sortValue = (r: TaskRow): string | number => (q.sort === 'priority' ? r.priority : iso(q.sort === 'due' ? r.due_at : r.created_at));
  const marks = await decisionMarks(db, page.map((r) => r.id), u);
  return { items: page.map((r) => summary(r, marks.get(r.id) ?? null)), nextCursor: more && last ? encodeCursor(sortValue(last), last.id) : null };
}

export const TaskCounts = z.object({ actionable: z.number(), assigned: z.number(), group: z.number(), overdue: z.number(), dueSoon: z.number(), submitted: z.number(), byProcess: z.record(z.string(), z.number()) });
export type TaskCounts = z.infer<typeof TaskCounts>;

/** Counts of a reader's open tasks: actionable, assigned, group, overdue, due within 3 days, submitted; per process. */
export async function countTasks(db: Queryable, u: Pick<InboxReader, 'id' | 'groups'>): Promise<TaskCounts> {
  const keys = [u.id, ...u.groups];
  const { rows } = await db.query<Record<string, number>>(
    `SELECT count(*) FILTER (WHERE t.actors && $1::text[])::int AS actionable,
            count(*) FILTER (WHERE t.actors && $2::text[])::int AS assigned,
            count(*) FILTER (WHERE t.actors && $3::text[] AND NOT t.actors && $2::text[])::int AS "group",
            count(*) FILTER (WHERE t.actors && $1::text[] AND t.due_at < now())::int AS overdue,
            count(*) FILTER (WHERE t.actors && $1::text[] AND t.due_at >= now() AND t.due_at < now() + interval '3 days')::int AS "dueSoon",
            count(*) FILTER (WHERE t.submitted_by = $4)::int AS submitted
     FROM tasks t WHERE t.status = 'open' AND (t.actors && $1::text[] OR t.submitted_by = $4)`,
    [keys, [u.id], u.groups, u.id],
  );
  const { rows: per } = await db.query<{ process: string; n: number }>(
    `SELECT t.process, count(*)::int AS n FROM tasks t WHERE t.status = 'open' AND t.actors && $1::text[] GROUP BY t.process`,
    [keys],
  );
  return { ...(rows[0] as Record<string, number>), byProcess: Object.fromEntries(per.map((p) => [p.process, p.n])) } as TaskCounts;
}

/** The whole row of a task the reader may see; undefined when there is none (or not for them). */
export async function taskById(db: Queryable, u: Pick<InboxReader, 'scope'>, id: string): Promise<TaskRow | undefined> {
  const params: unknown[] = [id];
  const { rows } = await db.query<TaskRow>(`SELECT t.* FROM tasks t WHERE t.id = $1 AND ${u.scope(params)}`, params);
  return rows[0];
}

/** Many tasks the reader may see, in one query (bulk decisions); those it may not see are absent. */
export async function tasksByIds(db: Queryable, u: Pick<InboxReader, 'scope'>, ids: string[]): Promise<Map<string, TaskRow>> {
  if (!ids.length) return new Map();
  const params: unknown[] = [ids];
  const { rows } = await db.query<TaskRow>(`SELECT t.* FROM tasks t WHERE t.id = ANY($1::text[]) AND ${u.scope(params)}`, params);
  return new Map(rows.map((r) => [r.id, r]));
}

// ── reconcile's view ─────────────────────────────────────────────────────────────────────────────

/** The workflows the inbox shows open tasks for. */
export async function openTaskWorkflows(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ workflow_id: string }>(`SELECT DISTINCT workflow_id FROM tasks WHERE status = 'open'`);
  return rows.map((r) => r.workflow_id);
}

export interface TaskVersion {
  id: string;
  status: string;
  version: number;
  state: TaskState;
}

/** Every row of one workflow's tasks, by task id. */
export async function tasksOfWorkflow(q: Queryable, workflowId: string): Promise<Map<string, TaskVersion>> {
  const { rows } = await q.query<TaskVersion>(`SELECT id, status, version, state FROM tasks WHERE workflow_id = $1`, [workflowId]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Closes open rows no process holds open any more: nobody can act on them. */
export async function cancelOpenTasks(q: Queryable, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await q.query(`UPDATE tasks SET status = 'cancelled', actors = '{}', updated_at = now() WHERE id = ANY($1::text[]) AND status = 'open'`, [ids]);
}
