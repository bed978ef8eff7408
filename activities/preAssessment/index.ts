// Pre-assessment's activities: the gate's outcome in the finance system (预算管理一体化系统). A passed
// application enters the project library (项目库) at the approved amount with its approved targets,
// exactly once: the finance call carries `<workflowId>/<step>`, so a retried attempt or a worker
// restart replays the first answer instead of making a second entry.
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../index';
import { idempotencyKey } from '../finance';
import { FinanceError } from '../../finance/errors';
import type { LibraryTarget } from '../../contracts/finance/finance.zod';
import type { ProjectApplication } from '../../contracts/preAssessment/application.zod';

export interface EnterLibraryInput {
  step: string;
  application: ProjectApplication;
  conclusion: 'passed' | 'passedReduced';
  approvedAmountFen: number;
  /** Why the amount was cut (passedReduced). */
  cutReason: string | null;
}

/** Entered (the entry's id), or refused by the finance system's rules with its rule and reason. */
export type EnterLibraryResult = { entered: true; libraryId: string | null; approvedFen: number } | { entered: false; rule: string; reason: string };

export function createActivities(deps: ActivityDeps) {
  return {
    async preAssessmentEnterProjectLibrary(input: EnterLibraryInput): Promise<EnterLibraryResult> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      const a = input.application;
      const industries = (await deps.finance.listIndustries()).items;
      const industry = industries.find((i) => i.code === a.industry || i.name === a.industry);
      if (!industry) return { entered: false, rule: 'UNKNOWN_INDUSTRY', reason: `industry ${a.industry} is not an industry type of the indicator library` };
      const targets: LibraryTarget[] = a.indicators.map((i) => ({
        ...(i.code ? { code: i.code } : {}),
        level1: i.kind,
        level2: i.category,
        name: i.name,
        target: i.target,
        unit: i.unit ?? '',
        direction: i.direction,
        isCore: i.core ?? false,
      }));
      const coreIndicators = a.indicators.filter((i) => i.core && i.code).map((i) => i.code as string);
      // 000: 项目入库前必须先维护核心指标: the finance system refuses an entry without them
      if (!coreIndicators.length) return { entered: false, rule: 'NO_CORE_INDICATORS', reason: 'no core indicator (核心指标) of the indicator library among the targets' };
      try {
        const e = await deps.finance.addToProjectLibrary({
          idempotencyKey: idempotencyKey(workflowId, input.step),
          applicationId: workflowId,
          deptId: a.deptId,
          unitId: a.unitId,
          year: a.year,
          name: a.name,
          industry: industry.code,
          kind: a.kind,
          isNew: a.isNew,
          requestedFen: a.amountFen,
          approvedFen: input.approvedAmountFen,
          preAssessment: { conclusion: input.conclusion === 'passed' ? 'pass' : 'pass_reduced', reportRef: workflowId },
          coreIndicators,
          targets,
          ...(input.conclusion === 'passedReduced' ? { cut: { reason: input.cutReason ?? '核减后通过' } } : {}),
        });
        return { entered: true, libraryId: e.id, approvedFen: e.approvedFen };
      } catch (e) {
        if (!(e instanceof FinanceError) || e.retryable) throw e; // outages: the activity retries
        if (e.extra.rule === 'ALREADY_IN_LIBRARY') {
          // entered before under another key (e.g. a reset of this run): one entry, found by the application id
          const page = await deps.finance.listProjectLibrary({ deptId: a.deptId, year: a.year, limit: 500 });
          const found = page.items.find((x) => x.applicationId === workflowId);
          return { entered: true, libraryId: found?.id ?? null, approvedFen: found?.approvedFen ?? input.approvedAmountFen };
        }
        return { entered: false, rule: e.extra.rule ?? e.code, reason: e.message };
      }
    },
  };
}

export type PreAssessmentActivities = ReturnType<typeof createActivities>;
