// Monitoring routes: finance starts a round by hand, re-runs it for one department, cancels it
// (作废: every open form closes), pauses or resumes its Schedule; the round page reads progress by department with a drill-down to units and projects,
// the "why this warned" of each project, a transfer payment's county projects (穿透式监控), and the
// round report as printable HTML and xlsx. Every state change is audited.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import ExcelJS from 'exceljs';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { MONITORING_ROUND_WORKFLOW, roundId, scheduleId } from '../../contracts/monitoring/names';
import { monitoring } from '../../contracts/monitoring/manifest.zod';
import { CancelRoundRequest, CancelRoundResponse, StartRoundRequest } from '../../contracts/monitoring/round.zod';
import { cancelRefusal, cancelRoundUpdate, type CancelRoundResult, type RoundCancellation } from '../../contracts/monitoring/messages';
import { rerunDepartmentSignal } from '../../contracts/monitoring/rules';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { SA } from '../../contracts/searchAttributes';
import { Id } from '../../contracts/common.zod';
import { require, type User } from '../auth';
import { HttpError, type Api } from '../http';
import type { ProcessRouteDeps } from '../processes';
import { warningsByIds } from '../warning/read';

const FINANCE_ROLES = ['finance_performance', 'division_head', 'finance_director'];
/** A cancellation is answered when every part has closed its forms, or after this long as accepted (202) and still closing. */
const CANCEL_WAIT_MS = 4_000;
const Cutoff = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');
/** A time as the report prints it: Beijing time, to the minute. */
const beijing = (at: Date | string): string => `${new Date(at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })}（北京时间）`;
const RoundParams = z.object({ year: z.coerce.number().int().min(2000).max(2100), cutoff: Cutoff });

const isFinance = (ctx: User): boolean => ctx.roles.some((r) => FINANCE_ROLES.includes(r));
function financeOnly(ctx: User): void {
  if (!isFinance(ctx)) throw new HttpError(403, 'FORBIDDEN', 'only the finance bureau runs monitoring rounds');
}
type RoundAction = 'cancel' | 'rerun' | 'report';
/**
 * What this user may do with a round in this stage (the round page shows only these buttons): finance
 * cancels a round that is opening or open, re-runs a department while the round runs, and reads the report.
 */
function allowedActions(ctx: User, stage: string): RoundAction[] {
  if (!isFinance(ctx)) return [];
  const out: RoundAction[] = [];
  if (!cancelRefusal(stage)) out.push('cancel');
  if (stage === 'opening' || stage === 'open') out.push('rerun');
  out.push('report');
  return out;
}
/** Finance sees every department; a department its own; a unit its own projects. */
function scope(ctx: User, p: unknown[]): string {
  if (ctx.roles.some((r) => FINANCE_ROLES.includes(r) || r === 'finance_business' || r === 'observer')) return 'true';
  if (ctx.orgKind === 'department' || ctx.roles.some((r) => r.startsWith('competent_'))) {
    p.push(ctx.deptId);
    return `r.dept_id = $${p.length}`;
  }
  p.push(ctx.orgId);
  return `r.unit_id = $${p.length}`;
}

export function routes(api: Api<User>, deps: ProcessRouteDeps): void {
  const { db, temporal, config } = deps;
  const audit = (ctx: User, action: string, workflowId: string, reason: string | null, detail: Record<string, unknown>) =>
    db.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, reason, detail) VALUES ($1, now(), $2, $3, $4, $5, $6, $7::jsonb)`, [
      `monitoring:${randomUUID()}`, ctx.id, ctx.name, action, workflowId, reason, JSON.stringify(detail),
    ]);
  /** The round's row: its stage and, when cancelled, who, why and when. */
  const roundRow = async (round: string) =>
    (
      await db.query<{ stage: string; cancelledBy: string | null; cancelledByName: string | null; cancelledAt: Date | null; cancelReason: string | null; departments: number }>(
        `SELECT stage, cancelled_by AS "cancelledBy", cancelled_by_name AS "cancelledByName", cancelled_at AS "cancelledAt", cancel_reason AS "cancelReason", departments FROM monitoring_rounds WHERE round = $1`,
        [round],
      )
    ).rows[0];
  const cancellationOf = (r: Awaited<ReturnType<typeof roundRow>>): RoundCancellation | null =>
    r?.cancelledBy ? { by: r.cancelledBy, byName: r.cancelledByName ?? r.cancelledBy, reason: r.cancelReason ?? '', at: r.cancelledAt ? new Date(r.cancelledAt).toISOString() : '' } : null;
  const roundOf = (cutoff: string) => {
    const r = config.region.monitoring.rounds.find((x) => x.cutoff === cutoff);
    if (!r) throw new HttpError(400, 'VALIDATION', `cutoff: the region's rounds are ${config.region.monitoring.rounds.map((x) => x.cutoff).join(', ')}`, 'cutoff');
    return r;
  };

  api.route({
    method: 'post',
    path: '/api/monitoring/rounds',
    summary: 'Start a monitoring round by hand (a second start changes nothing), or re-run it for one department',
    tags: ['monitoring'],
    auth: true,
    body: StartRoundRequest,
    response: z.object({ round: z.string(), started: z.boolean(), rerun: z.string().nullable() }),
    handler: async ({ body, ctx }) => {
      financeOnly(ctx);
      const round = roundId(body.year, body.cutoff);
      const template = roundTemplate(config.region, roundOf(body.cutoff), ctx.id);
      if (body.deptId) {
        const row = await roundRow(round);
        if (row && (row.stage === 'cancelling' || row.stage === 'cancelled')) throw new HttpError(409, 'CONFLICT', `round ${round} is cancelled: nothing to re-run`, 'deptId');
        try {
          await temporal.workflow.getHandle(round).signal(rerunDepartmentSignal, { deptId: body.deptId, by: ctx.id });
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) throw new HttpError(409, 'CONFLICT', `round ${round} is not running: nothing to re-run`, 'deptId');
          throw e;
        }
        await audit(ctx, 'monitoring.rerunDepartment', round, null, { deptId: body.deptId });
        return { round, started: false, rerun: body.deptId };
      }
      let started = true;
      try {
        await temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
          workflowId: round,
          taskQueue: config.temporal.taskQueue,
          args: [{ ...template, year: body.year }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [{ key: SA.JixiaoProcess, value: 'monitoring' }, { key: SA.JixiaoRoundId, value: round }],
        });
      } catch (e) {
        if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        started = false;
      }
      if (started) await audit(ctx, 'monitoring.roundStarted', round, null, { year: body.year, cutoff: body.cutoff });
      return { round, started, rerun: null };
    },
  });

  api.route({
    method: 'post',
    path: '/api/monitoring/rounds/:year/:cutoff/cancel',
    summary:
      'Cancel a round (作废本轮监控), with the reason: every open form of every department closes as cancelled (out of the inboxes), no warning is started afterwards, and the round records who, why and when. 200 once every part has closed its forms, 202 while they still are; a closed or already cancelled round is 409. Idempotency-Key header makes a retry harmless.',
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    body: CancelRoundRequest,
    response: CancelRoundResponse,
    handler: async ({ params, body, ctx, req, res }) => {
      financeOnly(ctx);
      const round = roundId(params.year, params.cutoff);
      const handle = temporal.workflow.getHandle(round);
      // an Idempotency-Key becomes the Update's id (per user), so a retried request gets the first answer
      const key = req.header('idempotency-key');
      const updateId = key ? `${ctx.id}:cancel:${key}` : undefined;
      const answer = (r: CancelRoundResult) => ({ round, stage: r.stage, cancelled: r.cancelled, departments: r.departments, ...(r.unconfirmed?.length ? { unconfirmed: r.unconfirmed } : {}) });
      const earlier = async (): Promise<CancelRoundResult | undefined> => {
        if (!updateId) return undefined;
        try {
          return await temporal.connection.withDeadline(Date.now() + 3000, () => handle.getUpdateHandle<CancelRoundResult>(updateId).result());
        } catch {
          return undefined;
        }
      };
      // fast answer from the row (the workflow's validator decides the same with the same rule)
      const row = await roundRow(round);
      if (!row) throw new HttpError(404, 'NOT_FOUND', `round ${round} not found`, 'cutoff');
      const refused = cancelRefusal(row.stage, cancellationOf(row));
      if (refused) {
        const first = await earlier();
        if (first) return answer(first);
        throw new HttpError(409, 'CONFLICT', refused.message, 'cutoff');
      }
      let update;
      try {
        update = await handle.startUpdate(cancelRoundUpdate, { args: [{ by: ctx.id, byName: ctx.name, reason: body.reason }], waitForStage: WorkflowUpdateStage.ACCEPTED, ...(updateId ? { updateId } : {}) });
      } catch (e) {
        if (e instanceof WorkflowUpdateFailedError) {
          const cause = e.cause instanceof ApplicationFailure ? e.cause : undefined;
          throw new HttpError(cause?.type === 'InvalidInput' ? 400 : 409, cause?.type === 'InvalidInput' ? 'VALIDATION' : 'CONFLICT', cause?.message ?? e.message, cause?.type === 'InvalidInput' ? 'reason' : 'cutoff');
        }
        if (e instanceof WorkflowNotFoundError) {
          const first = await earlier();
          if (first) return answer(first);
          const now = await roundRow(round);
          throw new HttpError(409, 'CONFLICT', cancelRefusal(now?.stage ?? 'closed', cancellationOf(now))?.message ?? `round ${round} is not running: nothing to cancel`, 'cutoff');
        }
        throw e;
      }
      const done = await Promise.race([update.result(), new Promise<null>((r) => setTimeout(() => r(null), CANCEL_WAIT_MS))]);
      if (done) return answer(done);
      res.status(202).json({ round, stage: 'cancelling', cancelled: { by: ctx.id, byName: ctx.name, reason: body.reason.trim(), at: new Date().toISOString() }, departments: row.departments });
      return undefined;
    },
  });

  for (const [action, verb] of [['pause', 'Pause'], ['resume', 'Resume']] as const) {
    api.route({
      method: 'post',
      path: `/api/monitoring/schedules/:cutoff/${action}`,
      summary: `${verb} the Schedule of a round of the region profile`,
      tags: ['monitoring'],
      auth: true,
      params: z.object({ cutoff: Cutoff }),
      body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
      handler: async ({ params, body, ctx }) => {
        financeOnly(ctx);
        roundOf(params.cutoff);
        const h = temporal.schedule.getHandle(scheduleId(config.temporal.taskQueue, params.cutoff));
        if (action === 'pause') await h.pause(body.reason);
        else await h.unpause(body.reason);
        await audit(ctx, `monitoring.schedule.${action}`, scheduleId(config.temporal.taskQueue, params.cutoff), body.reason, { cutoff: params.cutoff });
        const d = await h.describe();
        return { scheduleId: d.scheduleId, paused: d.state.paused, note: d.state.note ?? null };
      },
    });
  }

  api.route({
    method: 'get',
    path: '/api/monitoring/schedules',
    summary: "The round Schedules of the region profile: when each opens, paused or not",
    tags: ['monitoring'],
    auth: true,
    handler: async ({ ctx }) => {
      require(ctx, 'dashboard.read');
      return {
        items: await Promise.all(
          config.region.monitoring.rounds.map(async (r) => {
            try {
              const d = await temporal.schedule.getHandle(scheduleId(config.temporal.taskQueue, r.cutoff)).describe();
              return { cutoff: r.cutoff, name: r.name, scheduleId: d.scheduleId, paused: d.state.paused, nextActionTimes: d.info.nextActionTimes.map((t) => t.toISOString()) };
            } catch {
              return { cutoff: r.cutoff, name: r.name, scheduleId: null, paused: null, nextActionTimes: [] };
            }
          }),
        ),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/api/monitoring/rounds/:year/:cutoff',
    summary: 'A round: its stage, when it opened and closed, progress by department (covered, forms submitted, approved, overdue, warnings, and where its projects stand: awaitingForm, inReview, approved, notSubmitted, cancelled), the departments whose part failed (with the reason), when cancelled who, why and when (and the parts that did not confirm closing their forms within the bound, unconfirmed), and what the caller may do with it (allowedActions: cancel, rerun, report; finance only)',
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    handler: async ({ params, ctx }) => {
      require(ctx, 'process.read');
      const round = roundId(params.year, params.cutoff);
      const head = (
        await db.query(
          `SELECT round, year, cutoff, name, stage, started_by AS "startedBy", departments, totals, opened_at AS "openedAt", closed_at AS "closedAt",
             failures AS failed, unconfirmed, CASE WHEN cancelled_by IS NULL THEN NULL ELSE jsonb_build_object('by', cancelled_by, 'byName', cancelled_by_name, 'at', cancelled_at, 'reason', cancel_reason) END AS cancelled
           FROM monitoring_rounds WHERE round = $1`,
          [round],
        )
      ).rows[0];
      if (!head) throw new HttpError(404, 'NOT_FOUND', `round ${round} not found`, 'cutoff');
      const p: unknown[] = [round];
      const where = scope(ctx, p);
      const { rows } = await db.query(
        `SELECT dept_id AS "deptId", count(*)::int AS projects, count(*) FILTER (WHERE form IS NOT NULL)::int AS submitted,
           count(*) FILTER (WHERE stage = 'approved')::int AS approved, count(*) FILTER (WHERE overdue)::int AS overdue,
           count(*) FILTER (WHERE stage = 'notSubmitted')::int AS "notSubmitted", count(*) FILTER (WHERE warned)::int AS warned,
           count(*) FILTER (WHERE stage = 'form')::int AS "awaitingForm", count(*) FILTER (WHERE stage = 'review')::int AS "inReview",
           count(*) FILTER (WHERE stage = 'cancelled')::int AS cancelled
         FROM monitoring_results r WHERE r.round = $1 AND ${where} GROUP BY dept_id ORDER BY dept_id`,
        p,
      );
      return { ...head, byDepartment: rows, allowedActions: allowedActions(ctx, String(head.stage)) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/monitoring/rounds/:year/:cutoff/projects',
    summary: "A round's projects (drill-down by department and unit), each with why it warned",
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    query: z.object({ deptId: Id.optional(), unitId: Id.optional(), warned: z.stringbool().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), after: Id.optional() }),
    handler: async ({ params, query, ctx }) => {
      require(ctx, 'process.read');
      const p: unknown[] = [roundId(params.year, params.cutoff)];
      const conds = [scope(ctx, p)];
      const add = (v: unknown, sql: (ph: string) => string) => {
        if (v === undefined) return;
        p.push(v);
        conds.push(sql(`$${p.length}`));
      };
      add(query.deptId, (ph) => `r.dept_id = ${ph}`);
      add(query.unitId, (ph) => `r.unit_id = ${ph}`);
      add(query.warned, (ph) => `r.warned = ${ph}`);
      add(query.after, (ph) => `r.project_id > ${ph}`);
      const { rows } = await db.query(
        `SELECT project_id AS "projectId", project_name AS "projectName", dept_id AS "deptId", unit_id AS "unitId", transfer_id AS "transferId", stage, overdue,
           execution_rate_bp AS "executionRateBp", time_progress_bp AS "timeProgressBp", warned, hits, form, response_ref AS "responseRef",
           available_fen AS "availableFen", paid_fen AS "paidFen"
         FROM monitoring_results r WHERE r.round = $1 AND ${conds.join(' AND ')} ORDER BY project_id LIMIT ${query.limit}`,
        p,
      );
      return { items: rows.map((r) => ({ ...r, availableFen: Number(r.availableFen), paidFen: Number(r.paidFen) })) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/monitoring/rounds/:year/:cutoff/transfers',
    summary: "Penetrating monitoring (穿透式监控): a round's special transfer payments, each aggregating its county projects",
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    handler: async ({ params, ctx }) => {
      require(ctx, 'dashboard.read');
      const { rows } = await db.query<{ transferId: string; projects: number; submitted: number; warned: number; overdue: number; availableFen: string; paidFen: string }>(
        `SELECT transfer_id AS "transferId", count(*)::int AS projects, count(*) FILTER (WHERE form IS NOT NULL)::int AS submitted,
           count(*) FILTER (WHERE warned)::int AS warned, count(*) FILTER (WHERE overdue)::int AS overdue,
           sum(available_fen)::text AS "availableFen", sum(paid_fen)::text AS "paidFen"
         FROM monitoring_results WHERE round = $1 AND transfer_id IS NOT NULL GROUP BY transfer_id ORDER BY transfer_id`,
        [roundId(params.year, params.cutoff)],
      );
      return {
        items: rows.map((r) => {
          const available = Number(r.availableFen);
          const paid = Number(r.paidFen);
          return { ...r, availableFen: available, paidFen: paid, executionRateBp: available ? Math.floor((paid * 10_000) / available) : 10_000 };
        }),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/api/monitoring/transfers/:transferId',
    summary: 'Penetrating monitoring (穿透式监控) of a special transfer payment: its county projects with execution, form and warnings',
    tags: ['monitoring'],
    auth: true,
    params: z.object({ transferId: Id }),
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100), cutoff: Cutoff }),
    handler: async ({ params, query, ctx }) => {
      require(ctx, 'dashboard.read');
      const round = roundId(query.year, query.cutoff);
      const { rows } = await db.query<{ warned: boolean; submitted: boolean; availableFen: string; paidFen: string }>(
        `SELECT project_id AS "projectId", project_name AS "projectName", dept_id AS "deptId", unit_id AS "unitId", stage, overdue,
           execution_rate_bp AS "executionRateBp", warned, hits, form IS NOT NULL AS submitted, response_ref AS "responseRef",
           available_fen AS "availableFen", paid_fen AS "paidFen"
         FROM monitoring_results WHERE transfer_id = $1 AND round = $2 ORDER BY project_id`,
        [params.transferId, round],
      );
      if (!rows.length) throw new HttpError(404, 'NOT_FOUND', `transfer ${params.transferId} has no projects in round ${round}`, 'transferId');
      const items = rows.map((r) => ({ ...r, availableFen: Number(r.availableFen), paidFen: Number(r.paidFen) }));
      const available = items.reduce((a, r) => a + r.availableFen, 0);
      const paid = items.reduce((a, r) => a + r.paidFen, 0);
      return {
        transferId: params.transferId,
        round,
        totals: { projects: items.length, availableFen: available, paidFen: paid, executionRateBp: available ? Math.floor((paid * 10_000) / available) : 10_000, warned: items.filter((r) => r.warned).length, submitted: items.filter((r) => r.submitted).length },
        items,
      };
    },
  });

  const reportRows = async (round: string) =>
    (
      await db.query<{ deptId: string; projects: number; submitted: number; approved: number; overdue: number; notSubmitted: number; warned: number }>(
        `SELECT dept_id AS "deptId", count(*)::int AS projects, count(*) FILTER (WHERE form IS NOT NULL)::int AS submitted,
           count(*) FILTER (WHERE stage = 'approved')::int AS approved, count(*) FILTER (WHERE overdue)::int AS overdue,
           count(*) FILTER (WHERE stage = 'notSubmitted')::int AS "notSubmitted", count(*) FILTER (WHERE warned)::int AS warned
         FROM monitoring_results WHERE round = $1 GROUP BY dept_id ORDER BY dept_id`,
        [round],
      )
    ).rows;
  const COLS: Array<[string, string]> = [['deptId', '部门'], ['projects', '监控项目数'], ['submitted', '已填报'], ['approved', '已审核'], ['overdue', '逾期'], ['notSubmitted', '未填报'], ['warned', '预警/偏差']];

  api.route({
    method: 'get',
    path: '/api/monitoring/rounds/:year/:cutoff/report.xlsx',
    summary: 'The round report as an Excel workbook (by department, and every warned project with its rule)',
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    handler: async ({ params, ctx, res }) => {
      require(ctx, 'dashboard.read');
      financeOnly(ctx);
      const round = roundId(params.year, params.cutoff);
      const wb = new ExcelJS.Workbook();
      const byDept = wb.addWorksheet('按部门');
      byDept.columns = COLS.map(([key, header]) => ({ key, header, width: 14 }));
      for (const r of await reportRows(round)) byDept.addRow(r);
      const warned = wb.addWorksheet('预警项目');
      warned.columns = [['projectId', '项目编号'], ['projectName', '项目名称'], ['deptId', '部门'], ['unitId', '单位'], ['rate', '执行率%'], ['rules', '触发规则'], ['warning', '预警处理']].map(([key, header]) => ({ key, header, width: key === 'projectName' ? 40 : 14 }));
      const { rows } = await db.query<{ projectId: string; projectName: string; deptId: string; unitId: string; rate: number; hits: Array<{ rule: { label: string } }>; responseRef: string | null }>(
        `SELECT project_id AS "projectId", project_name AS "projectName", dept_id AS "deptId", unit_id AS "unitId", execution_rate_bp / 100.0 AS rate, hits, response_ref AS "responseRef" FROM monitoring_results WHERE round = $1 AND warned ORDER BY project_id`,
        [round],
      );
      const warnings = await warningsByIds(db, rows.map((r) => r.responseRef ?? '')); // the warning module's read API
      for (const { responseRef, ...r } of rows) warned.addRow({ ...r, rate: Number(r.rate), rules: r.hits.map((h) => h.rule.label).join('；'), warning: [warnings.get(responseRef ?? '')?.stage, warnings.get(responseRef ?? '')?.conclusion].filter(Boolean).join(' / ') });
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('content-disposition', `attachment; filename="monitoring-${params.year}-${params.cutoff}.xlsx"`);
      res.end(Buffer.from(await wb.xlsx.writeBuffer()));
    },
  });

  api.route({
    method: 'get',
    path: '/api/monitoring/rounds/:year/:cutoff/report.html',
    summary: 'The round report, printable HTML',
    tags: ['monitoring'],
    auth: true,
    params: RoundParams,
    handler: async ({ params, ctx, res }) => {
      require(ctx, 'dashboard.read');
      financeOnly(ctx);
      const round = roundId(params.year, params.cutoff);
      const head = (await db.query<{ name: string; stage: string; openedAt: Date; closedAt: Date | null }>(`SELECT name, stage, opened_at AS "openedAt", closed_at AS "closedAt" FROM monitoring_rounds WHERE round = $1`, [round])).rows[0];
      if (!head) throw new HttpError(404, 'NOT_FOUND', `round ${round} not found`, 'cutoff');
      const esc = (v: unknown) => String(v).replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);
      const rows = await reportRows(round);
      const body = rows.map((r) => `<tr>${COLS.map(([k]) => `<td>${esc(r[k as keyof typeof r])}</td>`).join('')}</tr>`).join('');
      const refs = (await db.query<{ ref: string }>(`SELECT response_ref AS ref FROM monitoring_results WHERE round = $1 AND warned AND response_ref IS NOT NULL ORDER BY project_id`, [round])).rows;
      const ws = [...(await warningsByIds(db, refs.map((r) => r.ref))).values()]; // the warning module's read API
      const wTable = ws.length ? `<h2>预警项目</h2><table><thead><tr><th>项目</th><th>部门</th><th>阶段</th><th>结论</th><th>已持续（天）</th></tr></thead><tbody>${ws.map((w) => `<tr><td>${esc(w.projectName)}</td><td>${esc(w.deptId)}</td><td>${esc(w.stage)}</td><td>${esc(w.conclusion ?? '')}</td><td>${w.ageDays}</td></tr>`).join('')}</tbody></table>` : '';
      res.type('html').send(
        `<!doctype html><html lang="zh"><meta charset="utf-8"><title>${esc(params.year)}年${esc(head.name)}报告</title>` +
          `<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;text-align:right}@media print{button{display:none}}</style>` +
          `<h1>${esc(params.year)}年${esc(head.name)}绩效运行监控报告</h1><p>状态：${esc(monitoring.stages[head.stage as keyof typeof monitoring.stages]?.zh ?? head.stage)}；启动于 ${esc(beijing(head.openedAt))}${head.closedAt ? `；结束于 ${esc(beijing(head.closedAt))}` : ''}</p>` +
          `<table><thead><tr>${COLS.map(([, h]) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>${wTable}<button onclick="print()">打印</button></html>`,
      );
    },
  });
}
