// Domain fixtures shared by the tests: an application as a unit preparer submits it, the five-aspect
// review form, and a migrated, seeded in-memory product database.
import { openDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../app/deps';
import { seedDirectory } from '../../app/seed';

let seq = 0;

/** A new 6,000,000-yuan project of 第一中学 (U0101, 教育厅 D01): mandatory key pre-assessment in Inner Mongolia. */
export function application(over: Record<string, unknown> = {}) {
  return {
    projectCode: `U0101-2027-${Date.now()}-${++seq}`,
    name: '校园智慧教室改造项目',
    deptId: 'D01',
    unitId: 'U0101',
    amountFen: 600_000_000,
    industry: '教育',
    isNew: true,
    kind: 'project',
    year: 2027,
    indicators: [{ kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=' }],
    ...over,
  };
}

/** The five aspects of a pre-assessment (004), each with the same score out of 20. */
export const aspects = (score: number) =>
  Object.fromEntries(['necessity', 'economy', 'targets', 'feasibility', 'financing'].map((k) => [k, { score, finding: `${k} 评估意见` }]));

/** An in-memory product database with the schema and the demo directory. */
export async function productDb(): Promise<Db> {
  const db = await openDb({});
  await migrate(db, MIGRATIONS_DIR);
  await seedDirectory(db);
  return db;
}
