// A budget project finds its project-library entry (approved at pre-assessment) by its normalised
// name within its unit: full-width and half-width, spaces, （）and (), letter case and the budget year
// at the end make no difference, anything else does; two of the unit's entries with the same
// normalised name are ambiguous, and the form then reports against the industry's core indicators
// and says why instead of guessing. The last test runs the pre-fill activity on the finance stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { libraryIndex, normaliseProjectName } from '../../contracts/evaluation/projectName';
import { createActivities, type PrefillResult } from '../../activities/evaluation';
import type { ActivityDeps } from '../../activities';
import type { ProjectSummary } from '../../contracts/finance/finance.zod';
import { openDb, type Db } from '../../db/index';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../app/deps';
import { startStandIn, YEAR, type StandIn } from '../finance/standIn';

describe('the normalised project name', () => {
  const same = (a: string, b: string, year?: number) => expect(normaliseProjectName(a, year)).toBe(normaliseProjectName(b, year));
  const apart = (a: string, b: string, year?: number) => expect(normaliseProjectName(a, year)).not.toBe(normaliseProjectName(b, year));

  it('takes away spaces, width, brackets and case', () => {
    same('第一中学校舍改造项目（二期）', '第一中学 校舍改造项目(二期)');
    same('第一中学\u3000校舍改造', '第一中学校舍改造'); // the ideographic space
    same('ＡＢＣ实验室建设（２０２５）', 'abc实验室建设(2025)');
    same('【专项】农村饮水安全工程', '[专项] 农村饮水安全工程');
    same('〔中央〕农村饮水安全工程', '(中央)农村饮水安全工程');
    same('〖省级〗 Smart Campus', '(省级)smartcampus');
    expect(normaliseProjectName(' 教育 信息化（一期） ')).toBe('教育信息化(一期)');
  });

  it('drops the budget year at the end, and only that year', () => {
    for (const n of ['校舍改造（2025年）', '校舍改造(2025年度)', '校舍改造 2025年', '校舍改造2025年度', '校舍改造（２０２５）']) same(n, '校舍改造', 2025);
    apart('校舍改造（2024年）', '校舍改造', 2025); // another year's project
    apart('校舍改造（2025年）', '校舍改造', undefined); // no year given: every year stays
    apart('2025年校舍改造', '校舍改造', 2025); // only at the end
    expect(normaliseProjectName('2025年', 2025)).toBe('2025年'); // a name that is only the year stays
  });

  it('keeps what may tell two projects apart', () => {
    apart('校舍改造一期', '校舍改造二期');
    apart('校舍改造项目', '校舍改造');
    apart('《条例》宣传', '条例宣传');
    apart('道路、桥梁维护', '道路桥梁维护');
    apart('校舍改造(一期)', '校舍改造一期');
  });
});

describe('the project-library match within a unit', () => {
  const e = (id: string, unitId: string, name: string) => ({ id, deptId: 'D01', unitId, name });

  it('finds the one entry of the unit whose normalised name is the project’s', () => {
    const index = libraryIndex([e('L1', 'U0101', '第一中学校舍改造（二期）'), e('L2', 'U0102', '第一中学校舍改造(二期)'), e('L3', 'U0101', '操场改造')], 2025);
    expect(index.match({ deptId: 'D01', unitId: 'U0101', name: '第一中学 校舍改造 (二期) 2025年' })).toEqual({ kind: 'one', entry: e('L1', 'U0101', '第一中学校舍改造（二期）') });
    // another unit's entry of the same name is that unit's
    expect(index.match({ deptId: 'D01', unitId: 'U0102', name: '第一中学校舍改造（二期）' })).toMatchObject({ kind: 'one', entry: { id: 'L2' } });
    expect(index.match({ deptId: 'D01', unitId: 'U0101', name: '第一中学校舍改造（三期）' })).toEqual({ kind: 'none' });
    expect(index.match({ deptId: 'D02', unitId: 'U0101', name: '操场改造' })).toEqual({ kind: 'none' });
  });

  it('is ambiguous when two of the unit’s entries have the same normalised name, even when one is spelt exactly as the project', () => {
    const index = libraryIndex([e('L1', 'U0101', '校舍改造（二期）'), e('L2', 'U0101', '校舍改造 (二期)'), e('L3', 'U0101', '校舍改造(三期)')], 2025);
    const m = index.match({ deptId: 'D01', unitId: 'U0101', name: '校舍改造（二期）' });
    expect(m.kind).toBe('ambiguous');
    expect(m.kind === 'ambiguous' && m.entries.map((x) => x.id)).toEqual(['L1', 'L2']);
    expect(index.match({ deptId: 'D01', unitId: 'U0101', name: '校舍改造(三期)' })).toMatchObject({ kind: 'one', entry: { id: 'L3' } });
  });
});

describe('the pre-fill of a form from the project library, on the finance stand-in', () => {
  const EVAL_YEAR = YEAR - 1;
  let fin: StandIn;
  let db: Db;
  let projects: ProjectSummary[];

  beforeAll(async () => {
    fin = await startStandIn();
    db = await openDb({});
    await migrate(db, MIGRATIONS_DIR);
    projects = (await fin.client.listProjects({ deptId: 'D01', year: EVAL_YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId && p.unitId === 'U0102');
    expect(projects.length).toBeGreaterThanOrEqual(2);
    const core = (await fin.client.listIndicators({ industry: projects[0].industry, coreOnly: true, limit: 5 })).items[0];
    const enter = (p: ProjectSummary, key: string, name: string, target: string) =>
      fin.client.addToProjectLibrary({
        idempotencyKey: `libraryMatch-${key}`, applicationId: `libraryMatch-${key}`, deptId: p.deptId, unitId: p.unitId, year: EVAL_YEAR, name, industry: p.industry, kind: p.kind, isNew: true,
        requestedFen: p.originalFen, approvedFen: p.originalFen, preAssessment: { conclusion: 'pass' }, coreIndicators: [core.code],
        targets: [{ level1: 'output', level2: '数量指标', name: core.name, target, unit: core.unit, direction: '>=', isCore: true }],
      });
    // the first project entered under its name as the unit typed it: full-width brackets, a space, the year
    const [a, b] = projects;
    await enter(a, 'a', `${a.name.replace(/\(/g, '（').replace(/\)/g, '）')} （${EVAL_YEAR}年）`.replace(/^(.)/, '$1 '), '120');
    // the second twice, once with a space: which is it?
    await enter(b, 'b1', b.name, '80');
    await enter(b, 'b2', `${b.name} `.replace(/^(.)/, '$1\u3000'), '90');
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await fin?.stop();
  });

  it('takes the entry found by the normalised name, and flags an ambiguous one instead of guessing', async () => {
    const acts = createActivities({ finance: fin.client, db } as unknown as ActivityDeps);
    const env = new MockActivityEnvironment();
    const [a, b] = projects;
    const r: PrefillResult = await env.run(acts.evaluationPrefill, { year: EVAL_YEAR, projects: [a, b].map((p) => ({ id: p.id, industry: p.industry, deptId: p.deptId, unitId: p.unitId, name: p.name })) });
    expect(r.targets[a.id]).toMatchObject({ targetsSource: 'projectLibrary', projectLibrary: { approvedFen: a.originalFen, conclusion: 'pass' } });
    expect(r.targets[a.id].projectLibrary?.name).not.toBe(a.name); // found although spelt otherwise
    expect(r.targets[a.id].targets.map((t) => t.target)).toEqual(['120']);
    expect(r.targets[a.id].targetsReason).toBeUndefined();
    expect(r.targets[b.id]).toMatchObject({ targetsSource: 'library', targetsReason: 'ambiguousLibraryMatch' });
    expect(r.targets[b.id].libraryCandidates?.map((c) => c.id)).toHaveLength(2);
    expect(r.targets[b.id].targets.length).toBeGreaterThan(0);
    expect(r.targets[b.id].targets.every((t) => t.target === null)).toBe(true); // the unit states them
  }, 60_000);
});
