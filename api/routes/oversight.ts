// What finance and observers look at: processes, the audit trail and the dashboard figures.
import { z } from 'zod';
import type { Db } from '../../db';
import { require, scopeSql, type User } from '../auth';
import { HttpError, type Api } from '../http';

export function oversightRoutes(api: Api<User>, { db }: { db: Db }): void {
  api.route({
    method: 'get',
    path: '/api/processes',
    summary: 'Process instances I may see (applications, rounds, warnings, evaluations, rectifications)',
    tags: ['oversight'],
    auth: true,
    query: z.object({ process: z.string().max(50).optional(), status: z.enum(['running', 'completed']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    handler: async ({ query, ctx }) => {
      require(ctx, 'process.read');
      const p: unknown[] = [query.process ?? null, query.status ?? null, ctx.id];
      const scope = scopeSql(ctx, p, 't', { actors: false });
      p.push(query.limit);
      const { rows } = await db.query(
        `SELECT workflow_id AS "workflowId", process, project_id AS "projectId", project_name AS "projectName", dept_id AS "deptId",
                unit_id AS "unitId", stage, status, started_by AS "startedBy", started_at AS "startedAt", updated_at AS "updatedAt", summary
         FROM processes t WHERE ($1::text IS NULL OR process = $1) AND ($2::text IS NULL OR status = $2) AND (${scope} OR t.started_by = $3)
         ORDER BY updated_at DESC LIMIT $${p.length}`,
        p,
      );
      return rows;
    },
  });

  api.route({
    method: 'get',
    path: '/api/audit',
    summary: 'The audit trail (who, when, what, why) of a workflow, task or project',
    tags: ['oversight'],
    auth: true,
    query: z
      .object({ workflowId: z.string().max(300).optional(), taskId: z.string().max(300).optional(), projectId: z.string().max(300).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) })
      .refine((q) => q.workflowId || q.taskId || q.projectId, { message: 'give workflowId, taskId or projectId', path: ['workflowId'] }),
    handler: async ({ query, ctx }) => {
      require(ctx, 'audit.read');
      // visible if the user may see the process the events belong to
      const p: unknown[] = [query.workflowId ?? null, query.taskId ?? null, query.projectId ?? null, ctx.id];
      const scope = scopeSql(ctx, p, 'pr', { actors: false });
      p.push(query.limit);
      const { rows } = await db.query(
        `SELECT a.at, a.actor_id AS "actorId", a.actor_name AS "actorName", a.action, a.workflow_id AS "workflowId", a.task_id AS "taskId",
                a.project_id AS "projectId", a.reason, a.detail
         FROM audit a JOIN processes pr ON pr.workflow_id = a.workflow_id
         WHERE ($1::text IS NULL OR a.workflow_id = $1) AND ($2::text IS NULL OR a.task_id = $2) AND ($3::text IS NULL OR a.project_id = $3)
           AND (${scope} OR pr.started_by = $4 OR a.actor_id = $4)
         ORDER BY a.at, a.id LIMIT $${p.length}`,
        p,
      );
      if (!rows.length && query.workflowId) {
        const { rows: exists } = await db.query(`SELECT 1 FROM processes WHERE workflow_id = $1`, [query.workflowId]);
        if (!exists.length) throw new HttpError(404, 'NOT_FOUND', `no process ${query.workflowId}`, 'query.workflowId');
      }
      return rows;
    },
  });

  api.route({
    method: 'get',
    path: '/api/dashboard',
    summary: 'Figures for the finance dashboard: open and overdue tasks by department and process, processes by stage, conclusions',
    tags: ['oversight'],
    auth: true,
    handler: async ({ ctx }) => {
      require(ctx, 'dashboard.read');
      const p: unknown[] = [];
      const scope = scopeSql(ctx, p, 't', { actors: false });
      const [byDept, byProcess, stages, conclusions] = await Promise.all([
        db.query(
          `SELECT t.dept_id AS "deptId", o.name AS "deptName", count(*) FILTER (WHERE t.status = 'open')::int AS open,
                  count(*) FILTER (WHERE t.status = 'open' AND t.due_at < now())::int AS overdue,
                  count(*) FILTER (WHERE t.status = 'completed')::int AS completed
           FROM tasks t LEFT JOIN orgs o ON o.id = t.dept_id WHERE ${scope} GROUP BY t.dept_id, o.name ORDER BY t.dept_id`,
          p,
        ),
        db.query(
          `SELECT t.process, count(*) FILTER (WHERE t.status = 'open')::int AS open, count(*) FILTER (WHERE t.status = 'open' AND t.due_at < now())::int AS overdue,
                  count(*) FILTER (WHERE t.status = 'completed')::int AS completed FROM tasks t WHERE ${scope} GROUP BY t.process ORDER BY t.process`,
          p,
        ),
        db.query(`SELECT t.process, t.stage, t.status, count(*)::int AS n FROM processes t WHERE ${scope} GROUP BY 1, 2, 3 ORDER BY 1, 2`, p),
        db.query(`SELECT t.process, t.summary->>'conclusion' AS conclusion, count(*)::int AS n FROM processes t WHERE ${scope} AND t.status = 'completed' GROUP BY 1, 2 ORDER BY 1, 2`, p),
      ]);
      return { byDept: byDept.rows, byProcess: byProcess.rows, stages: stages.rows, conclusions: conclusions.rows };
    },
  });
}
