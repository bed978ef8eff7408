// Pre-assessment routes: a unit preparer submits an application; anyone in scope reads its status.
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ProjectApplication } from '../../contracts/preAssessment/application.zod';
import { preAssessmentStatusQuery, preAssessmentWorkflowId, routeApplication } from '../../contracts/preAssessment/rules';
import { SA } from '../../contracts/searchAttributes';
import { require, scopeSql, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';
import { HttpFinanceClient } from '../../finance/client';
import { checkIndicators, readLibrary } from './indicators';
import { publicationRoutes } from './publication';
import { figureRoutes } from './figures';
import { noticeRoutes } from './notices';
import { congressReportRoutes } from './congressReport';
import { libraryMaintenanceRoutes } from './libraryMaintenance';
import { caseRoutes } from './cases';

export function routes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, temporal, config } = deps;
  // the finance system's indicator library (here: the stand-in, over HTTP)
  const finance = new HttpFinanceClient({ baseUrl: config.finance.url });
  publicationRoutes(api, db, finance);
  figureRoutes(api, db);
  noticeRoutes(api, db);
  congressReportRoutes(api, db, finance, () => config.region.preAssessment);
  libraryMaintenanceRoutes(api, db, finance);
  caseRoutes(api, db, finance, temporal);

  api.route({
    method: 'get',
    path: '/api/indicator-library',
    summary: 'The indicator library (指标库): common and industry indicators, by industry (code or name), level and core',
    tags: ['preAssessment'],
    auth: true,
    query: z.object({
      industry: z.string().min(1).max(50).optional(),
      level: z.enum(['output', 'benefit', 'satisfaction']).optional(),
      core: z.stringbool().optional(),
      /** Retired entries too (they stay readable for the applications that used them). */
      includeRetired: z.stringbool().optional(),
    }),
    handler: async ({ query }) => ({ items: await readLibrary(finance, query) }),
  });

  api.route({
    method: 'post',
    path: '/api/pre-assessments',
    summary: 'Submit a project application with performance targets for pre-assessment / target review',
    tags: ['preAssessment'],
    auth: true,
    body: ProjectApplication,
    status: 201,
    response: z.object({ workflowId: z.string(), route: z.string() }),
    handler: async ({ body, ctx }) => {
      require(ctx, 'application.submit');
      if (body.unitId !== ctx.orgId) throw new HttpError(403, 'FORBIDDEN', `you submit for your own unit ${ctx.orgId}`, 'body.unitId');
      if (body.deptId !== ctx.deptId) throw new HttpError(400, 'VALIDATION', `body.deptId: unit ${ctx.orgId} belongs to ${ctx.deptId}`, 'body.deptId');
      const workflowId = preAssessmentWorkflowId(body.projectCode);
      const profile = config.region.preAssessment;
      await checkIndicators(finance, body, profile);
      try {
        await temporal.workflow.start('preAssessment', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ application: body, submittedBy: ctx.id, submittedByName: ctx.name, profile, projectLibrary: profile.projectLibrary, urgeWindowMs: Math.round(config.region.inbox.urgeWindowHours * 3_600_000) }],
          typedSearchAttributes: [
            { key: SA.JixiaoProcess, value: 'preAssessment' },
            { key: SA.JixiaoProjectId, value: body.projectCode },
            { key: SA.JixiaoDeptId, value: body.deptId },
            { key: SA.JixiaoUnitId, value: body.unitId },
          ],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) {
          throw new HttpError(409, 'ALREADY_SUBMITTED', `project ${body.projectCode} has already been submitted`, 'body.projectCode');
        }
        throw e;
      }
      return { workflowId, route: routeApplication(body, profile) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/pre-assessments/:projectCode',
    summary: 'Status of an application (stage, route, revision, conclusion)',
    tags: ['preAssessment'],
    auth: true,
    params: z.object({ projectCode: z.string().min(1).max(100) }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const workflowId = preAssessmentWorkflowId(params.projectCode);
      const p: unknown[] = [workflowId, ctx.id];
      const { rows } = await db.query(`SELECT 1 FROM processes t WHERE t.workflow_id = $1 AND (t.started_by = $2 OR ${scopeSql(ctx, p, 't', { actors: false })})`, p);
      if (!rows.length) throw new HttpError(404, 'NOT_FOUND', `application ${params.projectCode} not found`, 'projectCode');
      try {
        return await temporal.workflow.getHandle(workflowId).query(preAssessmentStatusQuery);
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `application ${params.projectCode} not found`, 'projectCode');
        throw e;
      }
    },
  });
}
