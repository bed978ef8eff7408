// Rectification routes: finance opens a notice by hand; anyone in scope reads a notice (and its
// printable HTML, 整改通知书), the open problems by department, age and source, the dashboard's
// figures (share closed on time), and a unit's open problems for next year's budget requests (the
// pre-assessment and results pages call it).
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Id } from '../../contracts/common.zod';
import { Problem, ProblemSourceKind, RECTIFICATION_WORKFLOW, rectificationWorkflowId, type ProblemReport, type RectificationInput } from '../../contracts/rectification/problems.zod';
import { rectificationProblemsSignal, rectificationStatusQuery } from '../../contracts/rectification/names';
import { noticeHtml } from '../../contracts/rectification/notice';
import { noticeLink } from '../../activities/rectification';
import { SA } from '../../contracts/searchAttributes';
import { require, scopeSql, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';

const FINANCE_OPENERS = ['finance_performance', 'division_head', 'finance_director'];
const DAY = 86_400_000;

/** A problem as the process row's summary keeps it (the workflow's publish()). */
interface SummaryProblem {
  key: string;
  projectId: string | null;
  description: string;
  status: 'open' | 'partly' | 'returned' | 'closed';
  sourceKinds: string[];
  sourceLabel: string;
  openedAt: string;
  closedAt: string | null;
}
interface Summary {
  noticeNo: string;
  source: { kind: string; ref: string; label: string };
  issuedAt: string;
  dueAt: string;
  closedAt: string | null;
  closedOnTime: boolean | null;
  escalations: number;
  accountability: boolean;
  problems: SummaryProblem[];
}
interface Row {
  workflow_id: string;
  dept_id: string;
  unit_id: string;
  status: string;
  summary: Summary;
}

export const OpenProblem = z.object({
  workflowId: z.string(),
  noticeNo: z.string(),
  deptId: z.string(),
  unitId: z.string(),
  key: z.string(),
  projectId: z.string().nullable(),
  description: z.string(),
  status: z.enum(['open', 'partly', 'returned', 'closed']),
  sourceKinds: z.array(z.string()),
  sourceLabel: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  dueAt: z.string(),
  ageDays: z.number().int(),
  overdueDays: z.number().int(),
  escalations: z.number().int(),
  accountability: z.boolean(),
});
export type OpenProblem = z.infer<typeof OpenProblem>;

export const AGE_BUCKETS = [
  { key: 'lt30', max: 30 },
  { key: 'd30to90', max: 90 },
  { key: 'd90to180', max: 180 },
  { key: 'gt180', max: Infinity },
] as const;

export function routes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, temporal, config } = deps;

  const rows = async (ctx: User, where = 'true', extra: unknown[] = []): Promise<Row[]> => {
    const p: unknown[] = [...extra];
    const { rows } = await db.query<Row>(`SELECT workflow_id, dept_id, unit_id, status, summary FROM processes t WHERE t.process = 'rectification' AND ${where} AND ${scopeSql(ctx, p, 't', { actors: false })}`, p);
    return rows;
  };
  const problemsOf = (list: Row[], now = Date.now()): OpenProblem[] =>
    list.flatMap((r) =>
      (r.summary.problems ?? []).map((p) => ({
        workflowId: r.workflow_id,
        noticeNo: r.summary.noticeNo,
        deptId: r.dept_id,
        unitId: r.unit_id,
        key: p.key,
        projectId: p.projectId,
        description: p.description,
        status: p.status,
        sourceKinds: p.sourceKinds,
        sourceLabel: p.sourceLabel,
        openedAt: p.openedAt,
        closedAt: p.closedAt,
        dueAt: r.summary.dueAt,
        ageDays: Math.max(0, Math.floor(((p.closedAt ? Date.parse(p.closedAt) : now) - Date.parse(p.openedAt)) / DAY)),
        overdueDays: Math.max(0, Math.floor(((p.closedAt ? Date.parse(p.closedAt) : now) - Date.parse(r.summary.dueAt)) / DAY)),
        escalations: r.summary.escalations ?? 0,
        accountability: r.summary.accountability ?? false,
      })),
    );

  api.route({
    method: 'post',
    path: '/api/rectifications',
    summary: 'Open a rectification notice (整改通知书) by hand, or add problems to the open notice of the same unit and source',
    tags: ['rectification'],
    auth: true,
    body: z.object({
      deptId: Id,
      unitId: Id,
      source: z.object({ ref: z.string().min(1).max(200), label: z.string().min(1).max(200) }),
      problems: z.array(Problem).min(1).max(500),
    }),
    status: 201,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body, ctx }) => {
      require(ctx, 'process.read');
      if (!ctx.roles.some((r) => FINANCE_OPENERS.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'only the finance performance division opens a rectification notice by hand');
      const { rows: orgs } = await db.query<{ id: string; kind: string; parent_id: string | null }>('SELECT id, kind, parent_id FROM orgs WHERE id = ANY($1::text[])', [[body.deptId, body.unitId]]);
      const dept = orgs.find((o) => o.id === body.deptId);
      const unit = orgs.find((o) => o.id === body.unitId);
      if (!dept || dept.kind !== 'department') throw new HttpError(400, 'VALIDATION', `body.deptId: ${body.deptId} is not a department`, 'body.deptId');
      if (!unit || (unit.id !== dept.id && unit.parent_id !== dept.id)) throw new HttpError(400, 'VALIDATION', `body.unitId: ${body.unitId} is not ${body.deptId} or one of its units`, 'body.unitId');
      const report: ProblemReport = { deptId: body.deptId, unitId: body.unitId, source: { kind: 'hand', ...body.source }, problems: body.problems, reportedBy: ctx.id, reportedAt: new Date().toISOString() };
      const workflowId = rectificationWorkflowId(body.unitId, 'hand', body.source.ref);
      const input: RectificationInput = { report, profile: config.region.rectification, calendar: config.region.calendar, urgeWindowMs: Math.round(config.region.inbox.urgeWindowHours * 3_600_000) };
      await temporal.workflow.signalWithStart(RECTIFICATION_WORKFLOW, {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [input],
        signal: rectificationProblemsSignal,
        signalArgs: [report],
        typedSearchAttributes: [
          { key: SA.JixiaoProcess, value: 'rectification' },
          { key: SA.JixiaoDeptId, value: body.deptId },
          { key: SA.JixiaoUnitId, value: body.unitId },
        ],
      });
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/rectifications/problems',
    summary: 'Rectification problems by department, unit, source and status, with their age and overdue days',
    tags: ['rectification'],
    auth: true,
    query: z.object({
      deptId: Id.optional(),
      unitId: Id.optional(),
      source: ProblemSourceKind.optional(),
      status: z.enum(['open', 'closed', 'all']).default('open'),
      minAgeDays: z.coerce.number().int().nonnegative().optional(),
    }),
    response: z.object({ items: z.array(OpenProblem) }),
    handler: async ({ query, ctx }) => {
      require(ctx, 'process.read');
      const items = problemsOf(await rows(ctx)).filter(
        (p) =>
          (!query.deptId || p.deptId === query.deptId) &&
          (!query.unitId || p.unitId === query.unitId) &&
          (!query.source || p.sourceKinds.includes(query.source)) &&
          (query.status === 'all' || (query.status === 'closed') === (p.status === 'closed')) &&
          (query.minAgeDays === undefined || p.ageDays >= query.minAgeDays),
      );
      return { items };
    },
  });

  api.route({
    method: 'get',
    path: '/api/rectifications/units/:unitId/open-problems',
    summary: 'A unit’s problems still open, to list against its budget requests for next year (pre-assessment and results pages)',
    tags: ['rectification'],
    auth: true,
    params: z.object({ unitId: Id }),
    response: z.object({ unitId: z.string(), items: z.array(OpenProblem) }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const items = problemsOf(await rows(ctx, 't.unit_id = $1', [params.unitId])).filter((p) => p.status !== 'closed');
      return { unitId: params.unitId, items };
    },
  });

  api.route({
    method: 'get',
    path: '/api/rectifications/dashboard',
    summary: 'Open problems by department, age and source, and the share of notices closed on time',
    tags: ['rectification'],
    auth: true,
    response: z.object({
      open: z.number().int(),
      byDept: z.array(z.object({ deptId: z.string(), name: z.string(), open: z.number().int() })),
      byAge: z.array(z.object({ bucket: z.string(), open: z.number().int() })),
      bySource: z.array(z.object({ source: z.string(), open: z.number().int() })),
      notices: z.object({ closed: z.number().int(), closedOnTime: z.number().int(), shareOnTime: z.number().nullable(), running: z.number().int(), escalated: z.number().int(), accountability: z.number().int() }),
    }),
    handler: async ({ ctx }) => {
      require(ctx, 'dashboard.read');
      const list = await rows(ctx);
      const open = problemsOf(list).filter((p) => p.status !== 'closed');
      const { rows: orgs } = await db.query<{ id: string; name: string }>(`SELECT id, name FROM orgs WHERE kind = 'department' ORDER BY id`);
      const count = <K extends string>(keys: readonly K[], of: (p: OpenProblem) => K[]): Array<[K, number]> => keys.map((k) => [k, open.filter((p) => of(p).includes(k)).length]);
      const depts = [...new Set([...orgs.map((o) => o.id), ...open.map((p) => p.deptId)])];
      const bucket = (age: number): string => AGE_BUCKETS.find((b) => age < b.max)?.key ?? 'gt180';
      const closed = list.filter((r) => r.summary.closedAt);
      const onTime = closed.filter((r) => r.summary.closedOnTime).length;
      return {
        open: open.length,
        byDept: count(depts, (p) => [p.deptId]).map(([deptId, n]) => ({ deptId, name: orgs.find((o) => o.id === deptId)?.name ?? deptId, open: n })),
        byAge: count(
          AGE_BUCKETS.map((b) => b.key),
          (p) => [bucket(p.ageDays) as (typeof AGE_BUCKETS)[number]['key']],
        ).map(([b, n]) => ({ bucket: b, open: n })),
        bySource: count(ProblemSourceKind.options, (p) => p.sourceKinds as ProblemSourceKind[]).map(([source, n]) => ({ source, open: n })),
        notices: {
          closed: closed.length,
          closedOnTime: onTime,
          shareOnTime: closed.length ? onTime / closed.length : null,
          running: list.length - closed.length,
          escalated: list.filter((r) => (r.summary.escalations ?? 0) > 0).length,
          accountability: list.filter((r) => r.summary.accountability).length,
        },
      };
    },
  });

  const inScope = async (ctx: User, workflowId: string): Promise<void> => {
    if (!(await rows(ctx, 't.workflow_id = $1', [workflowId])).length) throw new HttpError(404, 'NOT_FOUND', `rectification ${workflowId} not found`, 'workflowId');
  };
  const statusOf = async (workflowId: string) => {
    try {
      return await temporal.workflow.getHandle(workflowId).query(rectificationStatusQuery);
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `rectification ${workflowId} not found`, 'workflowId');
      throw e;
    }
  };

  api.raw({
    method: 'get',
    path: '/api/rectifications/:workflowId/notice.html',
    summary: 'The rectification notice (整改通知书) as a printable HTML page',
    tags: ['rectification'],
    auth: true,
    middleware: [],
    handler: async (req, res, ctx) => {
      require(ctx, 'process.read');
      const workflowId = z.string().min(1).max(300).safeParse(req.params.workflowId);
      if (!workflowId.success) throw new HttpError(400, 'VALIDATION', 'params.workflowId: required', 'params.workflowId');
      await inScope(ctx, workflowId.data);
      const s = await statusOf(workflowId.data);
      const { rows: orgs } = await db.query<{ id: string; name: string }>('SELECT id, name FROM orgs WHERE id = ANY($1::text[])', [[s.deptId, s.unitId]]);
      const name = (id: string): string => orgs.find((o) => o.id === id)?.name ?? id;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('x-content-type-options', 'nosniff');
      res.end(noticeHtml(s, { dept: name(s.deptId), unit: name(s.unitId) }, noticeLink(config.api.publicUrl, s.workflowId)));
    },
  });

  api.route({
    method: 'get',
    path: '/api/rectifications/:workflowId',
    summary: 'A rectification notice: its problems with sources, evidence, rounds and verdicts, due date, reminders, escalations, extensions, accountability',
    tags: ['rectification'],
    auth: true,
    params: z.object({ workflowId: z.string().min(1).max(300) }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      await inScope(ctx, params.workflowId);
      return statusOf(params.workflowId);
    },
  });
}
