// Process rows (table processes): one per workflow execution, for dashboards and "my submissions";
// versioned like task rows, so a retried or late write never regresses one.
import type { Queryable } from '../index';
import type { ProcessRow } from '../../contracts/humanTask/inbox';
import { wellFormedJson } from './json';

export async function upsertProcess(q: Queryable, p: ProcessRow | undefined): Promise<void> {
  if (!p) return;
  await q.query(
    `INSERT INTO processes (workflow_id, process, project_id, project_name, dept_id, unit_id, stage, status, started_by,
       started_at, updated_at, version, summary)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (workflow_id) DO UPDATE SET stage = excluded.stage, status = excluded.status, updated_at = excluded.updated_at,
       version = excluded.version, summary = excluded.summary, project_name = excluded.project_name
     WHERE processes.version < excluded.version`,
    [p.workflowId, p.process, p.projectId, p.projectName, p.deptId, p.unitId, p.stage, p.status, p.startedBy, p.startedAt, p.updatedAt, p.version, wellFormedJson(p.summary)],
  );
}
