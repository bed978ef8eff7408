// The demo directory: organisations and one user per role, for the embedded default.
// Departments and units match the finance stand-in's demo set (D01, D02 and their units).
import type { Db } from '../db';

interface OrgSeed {
  id: string;
  kind: 'finance' | 'department' | 'unit' | 'agency' | 'expert' | 'observer';
  name: string;
  parent?: string;
}

export const DEMO_ORGS: OrgSeed[] = [
  { id: 'FIN', kind: 'finance', name: '财政厅' },
  { id: 'D01', kind: 'department', name: '教育厅' },
  { id: 'D02', kind: 'department', name: '卫生健康委员会' },
  { id: 'U0101', kind: 'unit', name: '第一中学', parent: 'D01' },
  { id: 'U0102', kind: 'unit', name: '职业技术学院', parent: 'D01' },
  { id: 'U0201', kind: 'unit', name: '人民医院', parent: 'D02' },
  { id: 'U0202', kind: 'unit', name: '疾病预防控制中心', parent: 'D02' },
  { id: 'AG1', kind: 'agency', name: '甲绩效评价咨询公司' },
  { id: 'AG2', kind: 'agency', name: '乙会计师事务所' },
  { id: 'AG3', kind: 'agency', name: '丙工程咨询公司' },
  { id: 'EXP', kind: 'expert', name: '评审专家库' },
  { id: 'OBS', kind: 'observer', name: '人大预算工作委员会' },
];

export interface UserSeed {
  id: string;
  name: string;
  org: string;
  roles: string[];
  head?: string;
  deptScope?: string[];
}

// Heads come before the people who report to them (foreign key on head_id).
export const DEMO_USERS: UserSeed[] = [
  { id: 'director', name: '黄明', org: 'FIN', roles: ['finance_director'] },
  { id: 'perf-head', name: '钱进', org: 'FIN', roles: ['division_head', 'finance_performance'], head: 'director', deptScope: ['*'] },
  { id: 'perf-officer', name: '郑洁', org: 'FIN', roles: ['finance_performance'], head: 'perf-head', deptScope: ['*'] },
  { id: 'perf-officer2', name: '冯磊', org: 'FIN', roles: ['finance_performance'], head: 'perf-head', deptScope: ['*'] },
  { id: 'budget-officer', name: '马骏', org: 'FIN', roles: ['finance_budget'], head: 'director', deptScope: ['*'] },
  { id: 'biz-officer', name: '吴刚', org: 'FIN', roles: ['finance_business'], head: 'director', deptScope: ['D01', 'D02'] },
  { id: 'd01-head', name: '周伟', org: 'D01', roles: ['competent_head', 'competent_reviewer'] },
  { id: 'd01-reviewer', name: '陈静', org: 'D01', roles: ['competent_reviewer'], head: 'd01-head' },
  { id: 'd01-reviewer2', name: '刘洋', org: 'D01', roles: ['competent_reviewer'], head: 'd01-head' },
  { id: 'd02-head', name: '孙丽', org: 'D02', roles: ['competent_head', 'competent_reviewer'] },
  { id: 'd02-reviewer', name: '何平', org: 'D02', roles: ['competent_reviewer'], head: 'd02-head' },
  { id: 'u0101-head', name: '李强', org: 'U0101', roles: ['unit_head'] },
  { id: 'u0101-preparer', name: '王芳', org: 'U0101', roles: ['unit_preparer'], head: 'u0101-head' },
  { id: 'u0102-head', name: '杨帆', org: 'U0102', roles: ['unit_head'] },
  { id: 'u0102-preparer', name: '林晓', org: 'U0102', roles: ['unit_preparer'], head: 'u0102-head' },
  { id: 'u0201-head', name: '张华', org: 'U0201', roles: ['unit_head'] },
  { id: 'u0201-preparer', name: '赵敏', org: 'U0201', roles: ['unit_preparer'], head: 'u0201-head' },
  { id: 'agency1', name: '甲公司评价组', org: 'AG1', roles: ['agency_evaluator'] },
  { id: 'agency2', name: '乙所评价组', org: 'AG2', roles: ['agency_evaluator'] },
  { id: 'agency3', name: '丙公司评价组', org: 'AG3', roles: ['agency_evaluator'] },
  { id: 'expert1', name: '高教授', org: 'EXP', roles: ['expert'] },
  { id: 'observer', name: '人大预工委', org: 'OBS', roles: ['observer'] },
];

export const groupsOf = (u: Pick<UserSeed, 'roles' | 'org'>): string[] => u.roles.map((r) => `${r}@${u.org}`);

export async function seedDirectory(db: Db): Promise<void> {
  await db.tx(async (q) => {
    for (const o of DEMO_ORGS) {
      await q.query('INSERT INTO orgs (id, kind, name, parent_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [o.id, o.kind, o.name, o.parent ?? null]);
    }
    for (const u of DEMO_USERS) {
      await q.query(
        `INSERT INTO users (id, name, email, org_id, roles, groups, dept_scope, head_id, demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true) ON CONFLICT (id) DO NOTHING`,
        [u.id, u.name, `${u.id}@demo.jixiao.local`, u.org, u.roles, groupsOf(u), u.deptScope ?? [], u.head ?? null],
      );
    }
  });
}
