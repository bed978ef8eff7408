// Warning routes: finance raises a warning by hand; anyone in scope reads a warning's detail and
// timeline; the dashboard's open warnings by age and department.
import { z } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import { WARNING_TRIGGER_SIGNAL, WARNING_WORKFLOW, WarningTrace, warningTaskQueue, warningWorkflowId, type WarningInput, type WarningTrigger } from '../../contracts/warning/trigger.zod';
import { Fen, Id } from '../../contracts/common.zod';
import { SA } from '../../contracts/searchAttributes';
import { require, scopeSql, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';
import { openWarningFigures } from './read';

const RaiseBody = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  project: z.object({ id: Id, name: z.string().min(1).max(200), deptId: Id, unitId: Id, amountFen: Fen.optional() }),
  trace: WarningTrace,
  /** Why by hand (手工预警): shown on the timeline. */
  reason: z.string().trim().min(1).max(2000),
});

export function routes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, temporal, config } = deps;
  const FINANCE_ROLES = ['finance_performance', 'finance_business', 'division_head', 'finance_director'];

  api.route({
    method: 'post',
    path: '/api/warnings',
    summary: 'Raise a warning by hand (finance): payments suspended at once; a second trigger attaches to the open warning',
    tags: ['warning'],
    auth: true,
    body: RaiseBody,
    status: 202,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body, ctx }) => {
      if (!ctx.roles.some((r) => FINANCE_ROLES.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'only finance raises a warning by hand');
      if (!config.region.warning.raisedBy.includes('hand')) throw new HttpError(409, 'NOT_RAISED_HERE', `this region raises warnings by ${config.region.warning.raisedBy.join(', ')} only`);
      const at = new Date().toISOString();
      const trigger: WarningTrigger = { year: body.year, project: body.project, source: 'hand', trace: { ...body.trace, data: { ...body.trace.data, reason: body.reason } }, triggeredBy: ctx.id, triggeredAt: at };
      const workflowId = warningWorkflowId(body.year, body.project.id);
      const input: WarningInput = { trigger, profile: config.region.warning, urgeWindowMs: Math.round(config.region.inbox.urgeWindowHours * 3_600_000) };
      await temporal.workflow.signalWithStart(WARNING_WORKFLOW, {
        workflowId,
        taskQueue: warningTaskQueue(config.temporal.taskQueue),
        args: [input],
        signal: WARNING_TRIGGER_SIGNAL,
        signalArgs: [trigger],
        typedSearchAttributes: [
          { key: SA.JixiaoProcess, value: 'warning' },
          { key: SA.JixiaoProjectId, value: body.project.id },
          { key: SA.JixiaoDeptId, value: body.project.deptId },
          { key: SA.JixiaoUnitId, value: body.project.unitId },
        ],
      });
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/warnings',
    summary: 'Open warnings by age and department (oldest first)',
    tags: ['warning'],
    auth: true,
    query: z.object({ deptId: Id.optional() }),
    handler: async ({ query, ctx }) => {
      require(ctx, 'process.read');
      const p: unknown[] = [];
      const dept = query.deptId ? (p.push(query.deptId), `AND t.dept_id = $${p.length}`) : '';
      const scope = scopeSql(ctx, p, 't', { actors: false });
      const { rows } = await db.query(
        `SELECT t.workflow_id, t.project_id, t.project_name, t.dept_id, t.unit_id, t.stage, t.started_at, t.summary
           FROM processes t WHERE t.process = 'warning' AND t.status = 'running' ${dept} AND ${scope} ORDER BY t.started_at ASC`,
        p,
      );
      const now = Date.now();
      const items = rows.map((r: Record<string, any>) => ({
        workflowId: r.workflow_id,
        projectId: r.project_id,
        projectName: r.project_name,
        deptId: r.dept_id,
        unitId: r.unit_id,
        stage: r.stage,
        startedAt: new Date(r.started_at).toISOString(),
        ageDays: Math.floor((now - new Date(r.started_at).getTime()) / 86_400_000),
        summary: r.summary,
      }));
      const byDept: Record<string, number> = {};
      for (const i of items) byDept[i.deptId ?? '-'] = (byDept[i.deptId ?? '-'] ?? 0) + 1;
      return { items, byDept };
    },
  });

  api.route({
    method: 'get',
    path: '/api/warnings/dashboard',
    summary: "The dashboard's open warnings: counted by department and by age (days since raised: 0-7, 8-14, 15-30, >30), the oldest's age",
    tags: ['warning'],
    auth: true,
    response: z.object({
      open: z.number().int(),
      byDept: z.array(z.object({ deptId: z.string(), open: z.number().int() })),
      byAge: z.array(z.object({ bucket: z.string(), open: z.number().int() })),
      oldestDays: z.number().int(),
    }),
    handler: async ({ ctx }) => {
      require(ctx, 'dashboard.read');
      const p: unknown[] = [];
      return openWarningFigures(db, scopeSql(ctx, p, 't', { actors: false }), p);
    },
  });

  api.route({
    method: 'get',
    path: '/api/warnings/:year/:projectId',
    summary: "A project's warning: stage, triggers with their traces, and the timeline (trigger, suspension, verification, decision, money)",
    tags: ['warning'],
    auth: true,
    params: z.object({ year: z.coerce.number().int().min(2000).max(2100), projectId: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const workflowId = warningWorkflowId(params.year, params.projectId);
      const p: unknown[] = [workflowId];
      const { rows } = await db.query(`SELECT 1 FROM processes t WHERE t.workflow_id = $1 AND ${scopeSql(ctx, p, 't', { actors: false })}`, p);
      if (!rows.length) throw new HttpError(404, 'NOT_FOUND', `no warning for ${params.projectId} in ${params.year}`, 'projectId');
      try {
        return await temporal.workflow.getHandle(workflowId).query('warning.status');
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `no warning for ${params.projectId} in ${params.year}`, 'projectId');
        throw e;
      }
    },
  });
}
