// The warning module's read API for other modules and its own routes (no Temporal: the processes
// table the warning workflow keeps): warnings by workflow id (a monitoring round's report lists the
// warnings its rules raised, by the ids it recorded as responses), and the open warnings counted by
// department and by age for the dashboard.
import type { Queryable } from '../../db';

export interface WarningRow {
  workflowId: string;
  projectId: string;
  projectName: string;
  deptId: string;
  stage: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  ageDays: number;
}

/** Age buckets of an open warning, in days since it was raised (ours). */
export const AGE_BUCKETS = [
  { key: '0-7', max: 7 },
  { key: '8-14', max: 14 },
  { key: '15-30', max: 30 },
  { key: '>30', max: Infinity },
] as const;

const DAY = 86_400_000;
const row = (r: Record<string, any>, now: number): WarningRow => ({
  workflowId: r.workflow_id,
  projectId: r.project_id,
  projectName: r.project_name,
  deptId: r.dept_id,
  stage: r.stage,
  status: r.status,
  conclusion: r.summary?.conclusion ?? null,
  startedAt: new Date(r.started_at).toISOString(),
  ageDays: Math.floor((now - new Date(r.started_at).getTime()) / DAY),
});

/** The warnings with these workflow ids (ids that are not a warning's are left out), by id. */
export async function warningsByIds(db: Queryable, ids: string[], now = Date.now()): Promise<Map<string, WarningRow>> {
  const wanted = [...new Set(ids.filter(Boolean))];
  if (!wanted.length) return new Map();
  const { rows } = await db.query(
    `SELECT workflow_id, project_id, project_name, dept_id, stage, status, started_at, summary FROM processes WHERE process = 'warning' AND workflow_id = ANY($1::text[])`,
    [wanted],
  );
  return new Map(rows.map((r: Record<string, any>) => [r.workflow_id as string, row(r, now)]));
}

/** Open warnings (the where clause: the caller's scope on alias t), counted by department and by age. */
export async function openWarningFigures(db: Queryable, scope: string, params: unknown[], now = Date.now()) {
  const { rows } = await db.query(
    `SELECT t.workflow_id, t.project_id, t.project_name, t.dept_id, t.stage, t.status, t.started_at, t.summary FROM processes t WHERE t.process = 'warning' AND t.status = 'running' AND ${scope}`,
    params,
  );
  const open = rows.map((r: Record<string, any>) => row(r, now));
  const byDept = new Map<string, number>();
  for (const w of open) byDept.set(w.deptId ?? '-', (byDept.get(w.deptId ?? '-') ?? 0) + 1);
  return {
    open: open.length,
    byDept: [...byDept].sort(([a], [b]) => a.localeCompare(b)).map(([deptId, n]) => ({ deptId, open: n })),
    byAge: AGE_BUCKETS.map((b, i) => ({ bucket: b.key, open: open.filter((w) => w.ageDays <= b.max && (i === 0 || w.ageDays > AGE_BUCKETS[i - 1].max)).length })),
    oldestDays: open.reduce((m, w) => Math.max(m, w.ageDays), 0),
  };
}
