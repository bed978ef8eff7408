// Evaluation routes: finance opens a year's self-evaluation cycle and its checks, asks for a
// re-evaluation; anyone in scope reads a cycle, a department's self-evaluations, the checks and the
// results (a re-evaluation's or checker's grade replacing the self grade); a score is previewed by
// the same rule the workflow applies. Finance sees a department's batches that failed for good (with
// the reason) and re-runs one once the cause is removed.
import { z } from 'zod';
import { ApplicationFailure, QueryNotRegisteredError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Id } from '../../contracts/common.zod';
import { EvaluationDepartmentEvaluationInput, EvaluationKeyEvaluationInput, EvaluationPeerReviewInput } from '../../contracts/evaluation/evaluation.zod';
import { SA } from '../../contracts/searchAttributes';
import {
  batchStatusQuery,
  checksStatusQuery,
  cycleStatusQuery,
  departmentStatusQuery,
  evaluationChecksId,
  evaluationCycleId,
  evaluationDepartmentId,
  reEvaluateSignal,
  reEvaluationDrawSignal,
  evaluationPeerReviewId,
  evaluationKeyEvaluationId,
  evaluationDepartmentEvaluationId,
  departmentEvaluationStatusQuery,
  departmentItems,
  RERUN_REFUSALS,
  rerunBatchUpdate,
  totalsOf,
  keyEvaluationStatusQuery,
  peerReviewStatusQuery,
  resultGrade,
  type ChecksStatus,
  type CycleStatus,
  type DepartmentStatus,
  type KeyEvaluationStatus,
  type PeerReviewStatus,
  type RerunBatchResult,
} from '../../contracts/evaluation/names';
import { EXPERT_PANEL } from '../../contracts/evaluation/rotation';
import { scoreSelfEvaluation } from '../../contracts/evaluation/scoring';
import { require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';
import { loadAgencies, loadExperts, recordCommission, registerRoutes } from './register';
import { selectAgencies } from '../../contracts/evaluation/register';

const Year = z.coerce.number().int().min(2000).max(2100);
const FINANCE_ROLES = ['finance_performance', 'division_head', 'finance_director'];

function requireFinance(ctx: User): void {
  if (!ctx.roles.some((r) => FINANCE_ROLES.includes(r))) throw new HttpError(403, 'FORBIDDEN', 'only finance’s performance division opens evaluations');
}

/** A third-party agency's or an expert's staff (their own orgs, outside government): they read only what they were given. */
const outsider = (ctx: User): boolean => ctx.orgKind === 'agency' || ctx.orgKind === 'expert';

export function routes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, temporal, config } = deps;
  registerRoutes(api, deps);
  const urgeWindowMs = () => Math.round(config.region.inbox.urgeWindowHours * 3_600_000);
  /**
   * A department's status with every project's self-evaluation in `items`, held by it or by its
   * batches (a failed batch's as it stood when it failed; none from one that never started).
   */
  const withItems = async (s: DepartmentStatus): Promise<DepartmentStatus> => {
    if (!s.batches) return s;
    const failed = new Set(s.batches.filter((b) => b.failure).map((b) => b.workflowId));
    const neverStarted = new Set(s.batches.filter((b) => b.failure?.notStarted).map((b) => b.workflowId));
    const items = await departmentItems(s, async (id) => {
      if (neverStarted.has(id)) return []; // its id is another's: nothing of ours to ask
      try {
        return (await temporal.workflow.getHandle(id).query(batchStatusQuery)).items;
      } catch (e) {
        // failed before it held any form (its input refused), as the department may not have heard yet
        if (failed.has(id) || e instanceof QueryNotRegisteredError) return [];
        throw e;
      }
    });
    return { ...s, items };
  };
  const isFinance = (ctx: User): boolean => ctx.roles.some((r) => FINANCE_ROLES.includes(r));
  const query = async <T>(workflowId: string, q: Parameters<ReturnType<typeof temporal.workflow.getHandle>['query']>[0], what: string): Promise<T> => {
    try {
      return (await temporal.workflow.getHandle(workflowId).query(q)) as T;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `${what} not found`);
      throw e;
    }
  };

  api.route({
    method: 'post',
    path: '/api/evaluations/cycles',
    summary: 'Open the self-evaluation cycle of a budget year (one per year): every department’s project forms in its units’ inboxes',
    tags: ['evaluation'],
    auth: true,
    body: z.object({ year: z.number().int().min(2000).max(2100), deptIds: z.array(Id).min(1).max(500).optional(), dueInMs: z.number().int().positive().optional() }),
    status: 201,
    response: z.object({ workflowId: z.string(), dueMonthDay: z.string() }),
    handler: async ({ body, ctx }) => {
      requireFinance(ctx);
      const workflowId = evaluationCycleId(body.year);
      const profile = config.region.evaluation;
      try {
        await temporal.workflow.start('evaluationCycle', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ year: body.year, profile, deptIds: body.deptIds, openedBy: ctx.id, openedByName: ctx.name, dueInMs: body.dueInMs, urgeWindowMs: urgeWindowMs() }],
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'evaluation' }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'ALREADY_OPEN', `the self-evaluation of ${body.year} is already open`, 'body.year');
        throw e;
      }
      return { workflowId, dueMonthDay: profile.selfEvaluation.dueMonthDay };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/cycles/:year',
    summary: 'A year’s self-evaluation cycle: its departments and due date',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      return query(evaluationCycleId(params.year), cycleStatusQuery, `the self-evaluation cycle of ${params.year}`);
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/cycles/:year/progress',
    summary: 'A year’s self-evaluation progress by department: forms by stage (filling, signing, department review, finance review, filed), returns and grades',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const cycle = await query<CycleStatus>(evaluationCycleId(params.year), cycleStatusQuery, `the self-evaluation cycle of ${params.year}`);
      const departments = await Promise.all(
        cycle.departments.map(async (d) => {
          let s: DepartmentStatus | null = null;
          try {
            s = await temporal.workflow.getHandle(d.workflowId).query(departmentStatusQuery);
          } catch (e) {
            if (!(e instanceof WorkflowNotFoundError)) throw e;
          }
          // with batches the department adds up their counts; before, it held every form
          const t = s?.totals ?? totalsOf(s?.items ?? []);
          // its batches that failed for good, with the reason, until finance re-runs them
          const failedBatches = (s?.batches ?? []).filter((b) => b.failure).map((b) => ({ batch: b.batch, projects: b.projects, ...(b.failure as NonNullable<typeof b.failure>) }));
          return { deptId: d.deptId, opened: s?.opened ?? false, done: d.done, projects: t.projects, byStage: t.byStage, grades: t.grades, returns: t.returns, failedBatches };
        }),
      );
      const total = departments.reduce((n, d) => n + d.projects, 0);
      const filed = departments.reduce((n, d) => n + d.byStage.filed, 0);
      // what the caller may do here: re-run a failed batch (finance only, as the route checks)
      return { year: cycle.year, stage: cycle.stage, dueAt: cycle.dueAt, projects: total, filed, departments, allowedActions: isFinance(ctx) ? ['rerunBatch'] : [] };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/cycles/:year/departments/:deptId',
    summary: 'A department’s project self-evaluations of the year: stage, score and grade of each',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year, deptId: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      if (ctx.deptId && ctx.deptId !== params.deptId && !ctx.roles.some((r) => FINANCE_ROLES.includes(r) || r === 'observer')) throw new HttpError(403, 'FORBIDDEN', 'another department’s self-evaluations', 'deptId');
      const s = await query<DepartmentStatus>(evaluationDepartmentId(params.year, params.deptId), departmentStatusQuery, `the self-evaluations of ${params.deptId} in ${params.year}`);
      // every project's form, wherever it is held, and the counts (with batches: as the department added them up)
      const all = await withItems(s);
      return { ...all, totals: s.totals ?? totalsOf(all.items) };
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/cycles/:year/departments/:deptId/batches/:batch/rerun',
    summary:
      'Re-run a batch of a department’s project self-evaluations that failed for good (重新下发), once its cause is removed: a new execution of the batch reads the projects of its forms not filed again from finance and opens their forms, keeping the filed ones; finance only. A batch that has not failed (one re-run already) is 409, an unknown one 404; an Idempotency-Key header makes a retry harmless (the first answer again).',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year, deptId: Id, batch: z.coerce.number().int().min(0).max(100_000) }),
    body: z.strictObject({}).optional(),
    response: z.object({ batch: z.number().int(), workflowId: z.string(), projects: z.number().int(), filed: z.number().int() }),
    handler: async ({ params, ctx, req }) => {
      requireFinance(ctx);
      const handle = temporal.workflow.getHandle(evaluationDepartmentId(params.year, params.deptId));
      // an Idempotency-Key becomes the Update's id (per user): a retried request gets the first answer, opens nothing twice
      const key = req.header('idempotency-key');
      const updateId = key ? `${ctx.id}:rerunBatch:${key}` : undefined;
      try {
        return await handle.executeUpdate(rerunBatchUpdate, { args: [{ batch: params.batch, by: ctx.id, byName: ctx.name }], ...(updateId ? { updateId } : {}) }) satisfies RerunBatchResult;
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `the self-evaluations of ${params.deptId} in ${params.year} are not running`, 'deptId');
        if (e instanceof WorkflowUpdateFailedError) {
          const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
          if (cause?.type === RERUN_REFUSALS.unknown) throw new HttpError(404, 'NOT_FOUND', cause.message, 'batch');
          if (cause?.type === RERUN_REFUSALS.invalid) throw new HttpError(400, 'VALIDATION', cause.message, 'batch');
          throw new HttpError(409, 'CONFLICT', cause?.message ?? e.message, 'batch');
        }
        throw e;
      }
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/score-preview',
    summary: 'The score and grade a self-evaluation form would get, by the region’s weights and bands (the workflow computes the same)',
    tags: ['evaluation'],
    auth: true,
    body: z.object({
      indicators: z
        .array(
          z.object({
            kind: z.enum(['output', 'benefit', 'satisfaction']),
            name: z.string().min(1).max(200),
            target: z.string().min(1).max(100),
            direction: z.enum(['>=', '<=', '=']),
            actual: z.string().max(100).nullable().optional(),
            completionPct: z.number().min(0).max(100).nullable().optional(),
          }),
        )
        .min(1)
        .max(100),
      executionRateBp: z.number().int().min(0).max(100_000),
    }),
    handler: async ({ body, ctx }) => {
      require(ctx, 'task.read');
      const p = config.region.evaluation;
      return scoreSelfEvaluation(body.indicators, body.executionRateBp, p.weights, p.grades);
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/checks',
    summary: 'Open the checks of a year’s filed self-evaluations: the seeded draw goes to finance to confirm before any check is sent',
    tags: ['evaluation'],
    auth: true,
    body: z.object({
      year: z.number().int().min(2000).max(2100),
      seed: z.number().int().min(0).max(4294967295).optional(),
      keyProjectIds: z.array(Id).max(5000).default([]),
      deptIds: z.array(Id).min(1).max(500).optional(),
      checkDueMs: z.number().int().positive().optional(),
    }),
    status: 201,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body, ctx }) => {
      requireFinance(ctx);
      const workflowId = evaluationChecksId(body.year);
      try {
        await temporal.workflow.start('evaluationChecks', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...body, profile: config.region.evaluation, openedBy: ctx.id, openedByName: ctx.name, rectification: { profile: config.region.rectification, urgeWindowMs: urgeWindowMs() } }],
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'evaluation' }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'ALREADY_OPEN', `the checks of ${body.year} are already open`, 'body.year');
        throw e;
      }
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/checks/:year',
    summary: 'A year’s checks: the draw with its seed, each check, the re-evaluations',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      return query(evaluationChecksId(params.year), checksStatusQuery, `the checks of ${params.year}`);
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/checks/:year/re-evaluations',
    summary: 'Choose a filed self-evaluation for re-evaluation (再评价): its grade will replace the self grade',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year }),
    body: z.object({ projectId: Id }),
    status: 202,
    response: z.object({ accepted: z.literal(true) }),
    handler: async ({ params, body, ctx }) => {
      requireFinance(ctx);
      try {
        await temporal.workflow.getHandle(evaluationChecksId(params.year)).signal(reEvaluateSignal, { projectId: body.projectId, by: ctx.id });
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `the checks of ${params.year} are not open`, 'year');
        throw e;
      }
      return { accepted: true as const };
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/checks/:year/re-evaluation-draws',
    summary: 'Draw the region’s re-evaluation share (再评价) of the filed self-evaluations by a seed: the list goes to finance to confirm before any re-evaluation is sent',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year }),
    body: z.object({ seed: z.number().int().min(0).max(4294967295).optional() }),
    status: 202,
    response: z.object({ accepted: z.literal(true), share: z.number() }),
    handler: async ({ params, body, ctx }) => {
      requireFinance(ctx);
      try {
        await temporal.workflow.getHandle(evaluationChecksId(params.year)).signal(reEvaluationDrawSignal, { by: ctx.id, seed: body.seed });
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw new HttpError(404, 'NOT_FOUND', `the checks of ${params.year} are not open`, 'year');
        throw e;
      }
      return { accepted: true as const, share: config.region.evaluation.reEvaluationShare };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/results/:year/:deptId',
    summary: 'A department’s evaluation results: per project the grade that counts (re-evaluation, else check, else self) and where it comes from',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year, deptId: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const dept = await withItems(await query<DepartmentStatus>(evaluationDepartmentId(params.year, params.deptId), departmentStatusQuery, `the self-evaluations of ${params.deptId} in ${params.year}`));
      let checks: ChecksStatus | null = null;
      try {
        checks = await temporal.workflow.getHandle(evaluationChecksId(params.year)).query(checksStatusQuery);
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
      return dept.items.map((i) => {
        const check = checks?.checks.find((c) => c.projectId === i.projectId && c.adjustedScore !== null) ?? null;
        const re = checks?.reEvaluations.find((r) => r.projectId === i.projectId) ?? null;
        return { projectId: i.projectId, name: i.name, selfScore: i.score?.total ?? null, selfGrade: i.grade, ...resultGrade(i.grade, check?.grade ?? null, re?.grade ?? null) };
      });
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/department-evaluations',
    summary: 'A department evaluates chosen projects of its units (部门评价), with its own report, apart from the self-evaluations',
    tags: ['evaluation'],
    auth: true,
    body: EvaluationDepartmentEvaluationInput.pick({ year: true, projects: true, dueInMs: true }),
    status: 201,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body, ctx }) => {
      if (!ctx.deptId || !ctx.roles.some((r) => r === 'competent_head' || r === 'competent_reviewer')) throw new HttpError(403, 'FORBIDDEN', 'only a competent department evaluates its units’ projects');
      const deptId = ctx.deptId;
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM orgs WHERE id = ANY($1::text[]) AND parent_id = $2`, [body.projects.map((p) => p.unitId), deptId]);
      const ours = new Set(rows.map((r) => r.id));
      const bad = body.projects.findIndex((p) => !ours.has(p.unitId));
      if (bad >= 0) throw new HttpError(400, 'VALIDATION', `body.projects.${bad}.unitId: ${body.projects[bad].unitId} is not a unit of ${deptId}`, `body.projects.${bad}.unitId`);
      const workflowId = evaluationDepartmentEvaluationId(body.year, deptId);
      try {
        await temporal.workflow.start('evaluationDepartmentEvaluation', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...body, deptId, grades: config.region.evaluation.grades, openedBy: ctx.id }],
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'evaluation' }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'ALREADY_OPEN', `the department evaluation of ${body.year} is already open`, 'body.year');
        throw e;
      }
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/department-evaluations/:year/:deptId',
    summary: 'A department evaluation: each chosen project’s score, grade and findings, and the department’s report',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ year: Year, deptId: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      if (ctx.deptId && ctx.deptId !== params.deptId && !ctx.roles.some((r) => FINANCE_ROLES.includes(r) || r === 'observer')) throw new HttpError(403, 'FORBIDDEN', 'another department’s evaluation', 'deptId');
      return query(evaluationDepartmentEvaluationId(params.year, params.deptId), departmentEvaluationStatusQuery, `the department evaluation of ${params.deptId} in ${params.year}`);
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/peer-reviews',
    summary: 'Open the circular cross peer review of a batch of key-evaluation reports: the rotation goes to finance to confirm before it is sent',
    tags: ['evaluation'],
    auth: true,
    body: EvaluationPeerReviewInput.pick({ batchId: true, reports: true, dueInMs: true }),
    status: 201,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body, ctx }) => {
      requireFinance(ctx);
      const workflowId = evaluationPeerReviewId(body.batchId);
      try {
        await temporal.workflow.start('evaluationPeerReview', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...body, openedBy: ctx.id }],
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'evaluation' }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'ALREADY_OPEN', `peer review ${body.batchId} is already open`, 'body.batchId');
        throw e;
      }
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/peer-reviews/:batchId',
    summary: 'A peer review batch: who reviews which report, scores, agencies’ quality scores',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ batchId: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'task.read');
      const status = await query<PeerReviewStatus>(evaluationPeerReviewId(params.batchId), peerReviewStatusQuery, `peer review ${params.batchId}`);
      // an agency reads a batch it authored or reviews in; the expert panel one it reviews in; no other
      if (outsider(ctx) && !status.assignments.some((a) => a.author === ctx.orgId || a.reviewer === ctx.orgId || (ctx.orgKind === 'expert' && a.reviewer === EXPERT_PANEL))) {
        throw new HttpError(403, 'FORBIDDEN', `peer review ${params.batchId} is not ${ctx.orgId}’s`, 'batchId');
      }
      return status;
    },
  });

  api.route({
    method: 'post',
    path: '/api/evaluations/key-evaluations',
    summary: 'Commission a key evaluation to an agency of the register (never one with a declared conflict), with experts drawn from the library',
    tags: ['evaluation'],
    auth: true,
    body: EvaluationKeyEvaluationInput.omit({ grades: true, openedBy: true }).extend({
      /** Absent: the register's agencies (their conflicts and credit) and the library's active experts. */
      agencies: EvaluationKeyEvaluationInput.shape.agencies.optional(),
      experts: EvaluationKeyEvaluationInput.shape.experts.unwrap().optional(),
    }),
    status: 201,
    response: z.object({ workflowId: z.string() }),
    handler: async ({ body: given, ctx }) => {
      requireFinance(ctx);
      const fromRegister = !given.agencies;
      const register = fromRegister ? await loadAgencies(db) : [];
      if (fromRegister) {
        // the register's selection: no conflict, credit at the minimum or above
        const sel = selectAgencies(register, { deptId: given.subject.deptId, unitId: given.subject.unitId }, config.region.evaluation.agencyCredit ?? { initialCredit: 80, minCredit: 60 });
        const out = sel.excluded.find((x) => x.id === given.agencyId);
        if (out?.reason === 'credit') throw new HttpError(400, 'VALIDATION', `body.agencyId: ${given.agencyId}'s credit ${out.credit} is below the minimum for selection`, 'body.agencyId');
        if (out?.reason === 'inactive') throw new HttpError(400, 'VALIDATION', `body.agencyId: ${given.agencyId} is not active in the register`, 'body.agencyId');
      }
      const body = {
        ...given,
        agencies: given.agencies ?? register.filter((a) => a.active).map((a) => ({ id: a.id, conflicts: a.conflicts })),
        experts: given.experts ?? (await loadExperts(db)).filter((e) => e.active).map((e) => ({ id: e.id, fields: e.fields, conflicts: e.conflicts })),
      };
      const agency = body.agencies.find((a) => a.id === body.agencyId);
      if (!agency) throw new HttpError(400, 'VALIDATION', `body.agencyId: ${body.agencyId} is not in the register`, 'body.agencyId');
      if (agency.conflicts.includes(body.subject.deptId) || agency.conflicts.includes(body.subject.unitId)) {
        throw new HttpError(400, 'VALIDATION', `body.agencyId: ${body.agencyId} declared a conflict with ${body.subject.deptId}/${body.subject.unitId}`, 'body.agencyId');
      }
      const workflowId = evaluationKeyEvaluationId(body.subject.ref);
      try {
        await temporal.workflow.start('evaluationKeyEvaluation', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...body, grades: config.region.evaluation.grades, openedBy: ctx.id }],
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'evaluation' }],
        });
      } catch (e) {
        if (e instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, 'ALREADY_OPEN', `key evaluation ${body.subject.ref} is already commissioned`, 'body.subject.ref');
        throw e;
      }
      if (register.some((a) => a.id === body.agencyId)) await recordCommission(db, ctx, { ref: body.subject.ref, agencyId: body.agencyId, workflowId, subject: body.subject });
      return { workflowId };
    },
  });

  api.route({
    method: 'get',
    path: '/api/evaluations/key-evaluations/:ref',
    summary: 'A key evaluation: agency, drawn and recused experts with the seed, revisions, score and grade',
    tags: ['evaluation'],
    auth: true,
    params: z.object({ ref: Id }),
    handler: async ({ params, ctx }) => {
      require(ctx, 'task.read');
      const status = await query<KeyEvaluationStatus>(evaluationKeyEvaluationId(params.ref), keyEvaluationStatusQuery, `key evaluation ${params.ref}`);
      // the commissioned agency reads its own commission, a drawn expert the fieldwork it was drawn for; no other agency or expert
      if (outsider(ctx) && status.agencyId !== ctx.orgId && !status.experts.includes(ctx.id)) throw new HttpError(403, 'FORBIDDEN', `key evaluation ${params.ref} is not commissioned to ${ctx.orgId}`, 'ref');
      return status;
    },
  });
}
