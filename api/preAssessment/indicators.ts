// The indicator library (指标库) as an application meets it: the finance system's common and
// industry indicators (the stand-in: 23 industry types, 003), read with filters, and the check of an
// application's indicators against it: a code must be the library's and in force, a custom indicator
// states why, and with the profile's coreIndicators 'atSubmission' each of the industry's core
// indicators (核心指标) must be among them. Otherwise the finance system checks core indicators when
// the project enters the library (000: 项目入库前必须先维护核心指标). An indicator citing a past case
// (caseId, 案例库) must cite one the library holds.
import type { FinanceClient, Indicator, Industry } from '../../contracts/finance/finance.zod';
import type { ProjectApplication } from '../../contracts/preAssessment/application.zod';
import type { PreAssessmentProfile } from '../../contracts/preAssessment/profile.zod';
import { FinanceError } from '../../finance/errors';
import { HttpError } from '../http';

export interface LibraryFilter {
  industry?: string;
  level?: Indicator['level1'];
  core?: boolean;
  includeRetired?: boolean;
}

/** The industry by its code or name (an application may name 教育 or edu). */
export async function industryOf(finance: FinanceClient, industry: string): Promise<Industry | undefined> {
  return (await finance.listIndustries()).items.find((i) => i.code === industry || i.name === industry);
}

/** Every indicator of the library matching the filter (pages through the finance system). */
export async function readLibrary(finance: FinanceClient, f: LibraryFilter): Promise<Indicator[]> {
  const industry = f.industry ? await industryOf(finance, f.industry) : undefined;
  if (f.industry && !industry) throw new HttpError(400, 'VALIDATION', `industry: ${f.industry} is not an industry type of the indicator library`, 'query.industry');
  const out: Indicator[] = [];
  let cursor: string | undefined;
  do {
    const page = await finance.listIndicators({ industry: industry?.code, coreOnly: f.core === true ? true : undefined, includeRetired: f.includeRetired ? true : undefined, cursor, limit: 500 });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out.filter((i) => (f.level ? i.level1 === f.level : true) && (f.core === false ? !i.isCore : true));
}

/** Refuses (400, each field named) an application whose indicators do not fit the library. */
export async function checkIndicators(finance: FinanceClient, a: ProjectApplication, p: Pick<PreAssessmentProfile, 'coreIndicators'>): Promise<void> {
  const strict = p.coreIndicators === 'atSubmission';
  const coded = a.indicators.some((i) => i.code);
  const details: Array<{ field: string; message: string }> = [];
  a.indicators.forEach((i, n) => {
    if (!i.code && strict && !i.customReason) details.push({ field: `body.indicators.${n}.customReason`, message: 'a custom indicator (no library code) states why it is used' });
  });
  // a cited past case (案例库) must be the library's
  const cited = [...new Set(a.indicators.flatMap((i) => (i.caseId ? [i.caseId] : [])))];
  if (cited.length) {
    const known = new Set<string>();
    for (const id of cited) {
      const found = await finance.getCase({ id }).then(
        () => true,
        (e: unknown) => {
          if (e instanceof FinanceError && e.code === 'NOT_FOUND') return false;
          if (e instanceof FinanceError && e.code === 'VALIDATION') return false;
          throw e;
        },
      );
      if (found) known.add(id);
    }
    a.indicators.forEach((i, n) => {
      if (i.caseId && !known.has(i.caseId)) details.push({ field: `body.indicators.${n}.caseId`, message: `${i.caseId} is not a case of the case library (案例库)` });
    });
  }
  if (coded || strict) {
    const industry = await industryOf(finance, a.industry);
    if (!industry) details.push({ field: 'body.industry', message: `${a.industry} is not an industry type of the indicator library` });
    else {
      const library = await readLibrary(finance, { industry: industry.code });
      const common = coded ? await readLibrary(finance, {}) : [];
      const known = new Map([...common, ...library].map((x) => [x.code, x]));
      // a retired entry is refused for a new application (it stays readable for the old ones)
      const unknown = a.indicators.flatMap((i, n) => (i.code && !known.has(i.code) ? [{ code: i.code, n }] : []));
      const retired = unknown.length ? new Set((await readLibrary(finance, { includeRetired: true })).filter((x) => x.status === 'retired').map((x) => x.code)) : new Set<string>();
      for (const { code, n } of unknown) {
        details.push({ field: `body.indicators.${n}.code`, message: retired.has(code) ? `${code} is retired from the indicator library: not for new applications` : `${code} is not in the indicator library` });
      }
      if (strict) {
        const have = new Set(a.indicators.map((i) => i.code).filter(Boolean));
        const missing = library.filter((x) => x.isCore && !have.has(x.code));
        if (missing.length) details.push({ field: 'body.indicators', message: `the core indicators of ${industry.name} are missing: ${missing.map((x) => `${x.code} ${x.name}`).join(', ')}` });
      }
    }
  }
  if (details.length) throw new HttpError(400, 'VALIDATION', details.map((d) => `${d.field}: ${d.message}`).join('; '), details[0].field, details);
}
