// Forward-only SQL migrations: files NNN_name.sql in a folder, applied in order, once each.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './index';

export async function migrate(db: Db, dir: string): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  // One transaction under an advisory lock: an API and a worker starting together migrate once.
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(7242001)');
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await q.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const f of files) {
      if (done.has(f)) continue;
      for (const stmt of splitSql(readFileSync(join(dir, f), 'utf8'))) await q.query(stmt);
      await q.query('INSERT INTO schema_migrations(name) VALUES ($1)', [f]);
      applied.push(f);
    }
    return applied;
  });
}

/** Splits a migration script into statements at top-level semicolons (no $$ bodies in our migrations). */
export function splitSql(sql: string): string[] {
  return sql
    .replace(/--.*$/gm, '')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
