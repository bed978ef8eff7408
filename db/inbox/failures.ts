// Projection items the database refused for good (table projection_failures), with the item.
import type { Queryable } from '../index';
import { scrub } from './json';

export interface ProjectionFailure {
  kind: 'task' | 'audit' | 'mail' | 'process' | 'record';
  key: string;
  workflowId: string | null;
  code: string | null;
  error: string;
}

export async function recordFailure(q: Queryable, f: ProjectionFailure, item: unknown): Promise<void> {
  await q.query(
    `INSERT INTO projection_failures (workflow_id, kind, key, code, error, item) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (kind, key) DO UPDATE SET at = now(), code = excluded.code, error = excluded.error, item = excluded.item`,
    [f.workflowId, f.kind, f.key, f.code, f.error, JSON.stringify(item, (_k, v: unknown) => (typeof v === 'string' ? scrub(v) : v))],
  );
}
