// Evaluation's activities: what its workflows read beyond the finance activities (activities/finance):
// the departments and units, the form's pre-fill (targets and monitoring results), and the
// self-evaluations a check draws from (the department workflows' state, by the Temporal client).
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '../index';
import type { Indicator, LibraryEntry, LibraryTarget } from '../../contracts/finance/finance.zod';
import { RECTIFICATION_PROBLEMS_SIGNAL, RECTIFICATION_WORKFLOW, rectificationWorkflowId, type ProblemReport, type RectificationInput } from '../../contracts/rectification/problems.zod';
import { BatchProject, type RectificationOptions } from '../../contracts/evaluation/evaluation.zod';
import { FinanceError } from '../../finance/errors';
import { batchStatusQuery, departmentItems, departmentStatusQuery, evaluationDepartmentId, type Prefill, type SelfEvaluationItem } from '../../contracts/evaluation/names';
import { libraryIndex } from '../../contracts/evaluation/projectName';

export interface PrefillInput {
  year: number;
  /** deptId, unitId and name find a project's entry in the project library (older workflow code sends only id and industry). */
  projects: Array<{ id: string; industry: string; deptId?: string; unitId?: string; name?: string }>;
}
export interface PrefillResult {
  /** Per project: the targets to report against, where they come from, and the library entry's approved amount when they are its. */
  targets: Record<string, Pick<Prefill, 'targets' | 'targetsSource' | 'projectLibrary' | 'targetsReason' | 'libraryCandidates'>>;
  /** Per project with any: the monitoring results of the year, by round (`{ rounds }`); a project without any is absent. */
  monitoring: Record<string, Record<string, unknown>>;
}

export interface UnitBrief {
  id: string;
  deptId: string;
  level: 'province' | 'prefecture' | 'county';
  region: string;
}

export function createActivities(deps: ActivityDeps) {
  const { finance } = deps;

  return {
    async evaluationListDepartments(): Promise<string[]> {
      return (await finance.listDepartments()).items.map((d) => d.id);
    },

    /**
     * The pre-fill of a page of forms. Targets, in this order: a project whose targets were revised
     * during the year gets the finance system's current version ('approved'); else the targets its
     * entry in the project library was approved with at pre-assessment, with the entry's approved
     * amount and cut ('projectLibrary'; the entry written by pre-assessment's
     * preAssessmentEnterProjectLibrary, found by year, department, unit and normalised project name
     * (contracts/evaluation/projectName.ts: the library knows the application, not the budget
     * project); else its industry's core indicators from finance's indicator library, the target for
     * the unit to state ('library'; with targetsReason 'ambiguousLibraryMatch' and the candidates when
     * two or more of the unit's entries have the project's normalised name). Monitoring:
     * the year's results the monitoring rounds recorded (monitoring_results); none for a project without any.
     */
    async evaluationPrefill(input: PrefillInput): Promise<PrefillResult> {
      const library = new Map<string, Indicator[]>();
      for (const industry of [...new Set(input.projects.map((p) => p.industry))]) {
        const items: Indicator[] = [];
        let cursor: string | undefined;
        do {
          const page = await finance.listIndicators({ industry, coreOnly: true, cursor, limit: 500 });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        library.set(industry, items);
      }
      // the targets revised during the year (an approved adjustment from a monitoring form or a
      // warning, 002): the finance system's current version, paged over this page's id range
      const revised = new Map<string, LibraryTarget[]>();
      const sorted = input.projects.map((p) => p.id).sort();
      if (sorted.length) {
        let cursor: string | undefined;
        do {
          const page = await finance.listTargets({ year: input.year, fromId: sorted[0], toId: sorted[sorted.length - 1], limit: 500, ...(cursor ? { cursor } : {}) });
          for (const v of page.items) if (v.version > 0) revised.set(v.projectId, v.indicators);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      // the project library's entries of the year (approved at pre-assessment), by department, unit
      // and normalised name (contracts/evaluation/projectName.ts); a failed one is no project's entry
      const entries: LibraryEntry[] = [];
      for (const deptId of [...new Set(input.projects.map((p) => p.deptId).filter((d): d is string => !!d))]) {
        let cursor: string | undefined;
        do {
          const page = await finance.listProjectLibrary({ deptId, year: input.year, limit: 500, ...(cursor ? { cursor } : {}) });
          for (const e of page.items) if (e.preAssessment.conclusion !== 'fail') entries.push(e);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      const index = libraryIndex(entries, input.year);
      const asTargets = (xs: LibraryTarget[]): Prefill['targets'] => xs.map((i) => ({ kind: i.level1, category: i.level2, name: i.name, target: i.target, unit: i.unit, direction: i.direction }));
      const targets: PrefillResult['targets'] = {};
      for (const p of input.projects) {
        const current = revised.get(p.id);
        const found = p.deptId && p.unitId && p.name ? index.match({ deptId: p.deptId, unitId: p.unitId, name: p.name }) : ({ kind: 'none' } as const);
        const entry = found.kind === 'one' && found.entry.targets.length ? found.entry : undefined;
        const core = (): Prefill['targets'] => (library.get(p.industry) ?? []).map((i) => ({ kind: i.level1, category: i.level2, name: i.name, target: null, unit: i.unit, direction: i.direction }));
        if (current) targets[p.id] = { targetsSource: 'approved', targets: asTargets(current) };
        else if (entry) {
          targets[p.id] = {
            targetsSource: 'projectLibrary',
            targets: asTargets(entry.targets),
            projectLibrary: { id: entry.id, approvedFen: entry.approvedFen, requestedFen: entry.requestedFen, conclusion: entry.preAssessment.conclusion, cut: entry.cut?.reason ?? null, name: entry.name },
          };
        } else if (found.kind === 'ambiguous') {
          // two or more of the unit's entries have this name: no guess, the unit states the targets
          targets[p.id] = { targetsSource: 'library', targets: core(), targetsReason: 'ambiguousLibraryMatch', libraryCandidates: found.entries.map((e) => ({ id: e.id, name: e.name })) };
        } else targets[p.id] = { targetsSource: 'library', targets: core() };
      }
      // the year's monitoring results (migration 004, written by the monitoring rounds), by cut-off
      const monitoring: PrefillResult['monitoring'] = {};
      const ids = input.projects.map((p) => p.id);
      if (ids.length) {
        const { rows } = await deps.db.query<{ project_id: string; round: string; name: string; cutoff: string; stage: string; overdue: boolean; execution_rate_bp: number; time_progress_bp: number; warned: boolean; hits: unknown; form: unknown }>(
          `SELECT r.project_id, r.round, m.name, m.cutoff, r.stage, r.overdue, r.execution_rate_bp, r.time_progress_bp, r.warned, r.hits, r.form
             FROM monitoring_results r JOIN monitoring_rounds m ON m.round = r.round
            WHERE m.year = $1 AND r.project_id = ANY($2::text[]) ORDER BY m.cutoff, r.project_id`,
          [input.year, ids],
        );
        for (const r of rows) {
          const entry = (monitoring[r.project_id] ??= { rounds: [] }) as { rounds: unknown[] };
          entry.rounds.push({ round: r.round, name: r.name, cutoff: r.cutoff, stage: r.stage, overdue: r.overdue, executionRateBp: r.execution_rate_bp, timeProgressBp: r.time_progress_bp, warned: r.warned, hits: r.hits, form: r.form });
        }
      }
      return { targets, monitoring };
    },

    /**
     * A failed batch's projects read again from finance for finance's re-run (the cause may have been
     * removed there since): each with its year-end execution, as the department's pages gave them,
     * found by paging the department's project expenditure; an id finance no longer has is listed in
     * missing. A project the batch would refuse, or finance refusing the read for good, fails the
     * re-run for good again (non-retryable: InvalidInput naming the project and field, FINANCE_<code>).
     */
    async evaluationBatchProjects(input: { year: number; deptId: string; ids: string[] }): Promise<{ projects: BatchProject[]; missing: string[] }> {
      const wanted = new Set(input.ids);
      const found = new Map<string, Omit<BatchProject, 'execution'>>();
      const execution = new Map<string, BatchProject['execution']>();
      try {
        let cursor: string | undefined;
        do {
          const page = await finance.listProjects({ deptId: input.deptId, year: input.year, expenditure: 'project', cursor, limit: 500 });
          for (const p of page.items) if (wanted.has(p.id)) found.set(p.id, { id: p.id, name: p.name, deptId: p.deptId, unitId: p.unitId, industry: p.industry, originalFen: p.originalFen });
          cursor = page.nextCursor ?? undefined;
        } while (cursor && found.size < wanted.size);
        cursor = undefined;
        do {
          const page = await finance.listExecution({ year: input.year, asOf: `${input.year}-12-31`, deptId: input.deptId, expenditure: 'project', cursor, limit: 500 });
          for (const e of page.items) if (found.has(e.projectId)) execution.set(e.projectId, { availableFen: e.availableFen, paidFen: e.paidFen, executionRateBp: e.executionRateBp });
          cursor = page.nextCursor ?? undefined;
        } while (cursor && execution.size < found.size);
      } catch (e) {
        if (e instanceof FinanceError && !e.retryable) throw ApplicationFailure.create({ message: e.message, type: e.failureType, nonRetryable: true });
        throw e;
      }
      const projects: BatchProject[] = [];
      for (const id of input.ids) {
        const p = found.get(id);
        if (!p) continue;
        const parsed = BatchProject.safeParse({ ...p, execution: execution.get(id) ?? null });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw ApplicationFailure.nonRetryable(`project ${id}: ${issue.path.join('.') || 'project'}: ${issue.message}`, 'InvalidInput');
        }
        projects.push(parsed.data);
      }
      return { projects, missing: input.ids.filter((id) => !found.has(id)) };
    },

    /** The department's transfer payments to lower levels (专项转移支付) of the year. */
    async evaluationListTransfers(input: { year: number; deptId: string }): Promise<Array<{ id: string; name: string; totalFen: number }>> {
      return (await finance.listTransfers({ year: input.year })).items.filter((t) => t.deptId === input.deptId).map((t) => ({ id: t.id, name: t.name, totalFen: t.totalFen }));
    },

    /** The units of the departments (all: none given), with their level and prefecture or county. */
    async evaluationListUnits(input: { deptIds?: string[] }): Promise<UnitBrief[]> {
      const out: UnitBrief[] = [];
      for (const deptId of input.deptIds ?? [undefined]) {
        let cursor: string | undefined;
        do {
          const page = await finance.listUnits({ deptId, cursor, limit: 1000 });
          out.push(...page.items.map((u) => ({ id: u.id, deptId: u.deptId, level: u.level, region: u.region })));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      return out;
    },

    /** The self-evaluations of a year's departments, as their workflows hold them (the department's, or its batches'; filed ones only). */
    async evaluationFiledSelfEvaluations(input: { year: number; deptIds: string[] }): Promise<Array<SelfEvaluationItem & { deptId: string }>> {
      if (!deps.temporal) throw ApplicationFailure.nonRetryable('the worker gives evaluation no Temporal client', 'Misconfigured');
      const out: Array<SelfEvaluationItem & { deptId: string }> = [];
      for (const deptId of input.deptIds) {
        try {
          const temporal = deps.temporal;
          const s = await temporal.workflow.getHandle(evaluationDepartmentId(input.year, deptId)).query(departmentStatusQuery);
          // a failed batch's filed forms count (its re-run keeps them); one that never started has none and is not ours to ask
          const failed = new Set((s.batches ?? []).filter((b) => b.failure).map((b) => b.workflowId));
          const neverStarted = new Set((s.batches ?? []).filter((b) => b.failure?.notStarted).map((b) => b.workflowId));
          const items = await departmentItems(s, async (id) => {
            if (neverStarted.has(id)) return [];
            try {
              return (await temporal.workflow.getHandle(id).query(batchStatusQuery)).items;
            } catch (e) {
              if (failed.has(id)) return []; // failed before it held a form
              throw e;
            }
          });
          for (const i of items) if (i.stage === 'filed') out.push({ ...i, deptId });
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) continue; // no self-evaluation opened for it
          throw e;
        }
      }
      return out;
    },

    /**
     * Raises a check's problems by the rectification contract: the unit's notice for this source is
     * started with them, or, already running, receives them as RECTIFICATION_PROBLEMS_SIGNAL (one
     * signalWithStart: a retried attempt finds the running notice; a problem key it has is not opened twice).
     */
    async evaluationRaiseProblems(input: { report: ProblemReport; rectification: RectificationOptions }): Promise<{ workflowId: string }> {
      if (!deps.temporal || !deps.taskQueue) throw ApplicationFailure.nonRetryable('the worker gives evaluation no Temporal client', 'Misconfigured');
      const { report } = input;
      const workflowId = rectificationWorkflowId(report.unitId, report.source.kind, report.source.ref);
      const args: RectificationInput = { report, ...input.rectification };
      await deps.temporal.workflow.signalWithStart(RECTIFICATION_WORKFLOW, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [args],
        signal: RECTIFICATION_PROBLEMS_SIGNAL,
        signalArgs: [report],
      });
      return { workflowId };
    },

    /**
     * A closed peer review's final scores into the agency register's credit record (kind
     * 'peerReview', one entry per report by <batchId>/<reportId>: a retry writes nothing twice), so
     * they feed the agency's quality score and the next selection. An author not in the register
     * (an expert panel's or an unregistered agency's report) is skipped and reported.
     */
    async evaluationRecordPeerReviewScores(input: { batchId: string; workflowId: string; scores: Array<{ reportId: string; agencyId: string; finalScore: number }> }): Promise<{ recorded: number; skipped: string[] }> {
      return deps.db.tx(async (q) => {
        let recorded = 0;
        const skipped: string[] = [];
        for (const s of input.scores) {
          const key = `peerReview:${input.batchId}/${s.reportId}`;
          const { rows } = await q.query<{ key: string }>(
            `INSERT INTO evaluation_agency_credit (key, agency_id, kind, ref, score, reason, recorded_by, recorded_at)
             SELECT $1, a.id, 'peerReview', $3, $4, $5, 'system', now() FROM evaluation_agencies a WHERE a.id = $2
             ON CONFLICT (key) DO NOTHING RETURNING key`,
            [key, s.agencyId, `${input.batchId}/${s.reportId}`, s.finalScore, '互审互评最终得分'],
          );
          if (rows.length) {
            recorded++;
            await q.query(`INSERT INTO audit (key, at, actor_id, actor_name, action, workflow_id, project_id, reason, detail) VALUES ($1, now(), 'system', '系统', 'evaluation.qualityRecorded', $2, $3, NULL, $4::jsonb) ON CONFLICT (key) DO NOTHING`, [
              `${input.workflowId}/quality/${s.reportId}`,
              input.workflowId,
              s.reportId,
              JSON.stringify({ agencyId: s.agencyId, finalScore: s.finalScore, batchId: input.batchId }),
            ]);
          } else {
            const { rows: known } = await q.query(`SELECT 1 FROM evaluation_agencies WHERE id = $1`, [s.agencyId]);
            if (!known.length) skipped.push(s.agencyId);
          }
        }
        return { recorded, skipped };
      });
    },
  };
}

export type EvaluationActivities = ReturnType<typeof createActivities>;
