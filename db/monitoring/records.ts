// Monitoring's process records: each project's result in a round (kind `monitoring.result`), kept for
// the round page and the evaluation stage; a versioned upsert, so a late or repeated write never regresses a row.
import type { Queryable } from '../index';
import type { ProjectResult } from '../../contracts/monitoring/round.zod';
import type { RecordWriters } from '../records';
import { MONITORING_RESULT_RECORD } from '../../contracts/monitoring/names';

export async function upsertResults(q: Queryable, rows: ProjectResult[]): Promise<void> {
  if (!rows.length) return;
  const col = <K extends keyof ProjectResult>(k: K) => rows.map((r) => r[k]);
  await q.query(
    `INSERT INTO monitoring_results (round, project_id, project_name, dept_id, unit_id, transfer_id, batch_id, stage, overdue,
       available_fen, paid_fen, execution_rate_bp, time_progress_bp, warned, hits, form, response_ref, version, updated_at)
     SELECT t.round, t.project_id, t.project_name, t.dept_id, t.unit_id, t.transfer_id, t.batch_id, t.stage, t.overdue,
       t.available_fen, t.paid_fen, t.execution_rate_bp, t.time_progress_bp, t.warned, t.hits::jsonb, t.form::jsonb, t.response_ref, t.version, now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bool[],
       $10::bigint[], $11::bigint[], $12::int[], $13::int[], $14::bool[], $15::text[], $16::text[], $17::text[], $18::bigint[])
       AS t(round, project_id, project_name, dept_id, unit_id, transfer_id, batch_id, stage, overdue, available_fen, paid_fen,
         execution_rate_bp, time_progress_bp, warned, hits, form, response_ref, version)
     ON CONFLICT (round, project_id) DO UPDATE SET project_name = EXCLUDED.project_name, batch_id = EXCLUDED.batch_id, stage = EXCLUDED.stage,
       overdue = EXCLUDED.overdue, available_fen = EXCLUDED.available_fen, paid_fen = EXCLUDED.paid_fen, execution_rate_bp = EXCLUDED.execution_rate_bp,
       time_progress_bp = EXCLUDED.time_progress_bp, warned = EXCLUDED.warned, hits = EXCLUDED.hits, form = EXCLUDED.form,
       response_ref = EXCLUDED.response_ref, version = EXCLUDED.version, updated_at = now()
     WHERE monitoring_results.version <= EXCLUDED.version`,
    [
      col('round'), col('projectId'), col('projectName'), col('deptId'), col('unitId'), col('transferId'), col('batchId'), col('stage'), col('overdue'),
      col('availableFen'), col('paidFen'), col('executionRateBp'), col('timeProgressBp'), rows.map((x) => x.hits.length > 0),
      rows.map((x) => JSON.stringify(x.hits)), rows.map((x) => (x.form ? JSON.stringify(x.form) : null)), col('responseRef'), col('version'),
    ],
  );
}

export const records: RecordWriters = {
  [MONITORING_RESULT_RECORD]: (q, rows) => upsertResults(q, rows as ProjectResult[]),
};
