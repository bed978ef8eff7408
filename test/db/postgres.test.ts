// PostgreSQL parity: "embedded PGlite by default, real PostgreSQL when DATABASE_URL is set, same
// schema and queries for both". A throwaway PostgreSQL server (the machine's Debian packages) runs
// the same product as every other test — migrations, seed, HTTP API, worker, projection, outbox
// dispatcher — and the finance stand-in in its schema `finance`. Skipped only when no PostgreSQL
// server binaries are installed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../app/deps';
import { DEMO_USERS } from '../../app/seed';
import { openDb, type Db } from '../../db';
import { migrate } from '../../db/migrate';
import { upsertTasks } from '../../db/inbox/tasks';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { FINANCE_MIGRATIONS, startFinanceService, type FinanceService } from '../../finance/main';
import { postgresBin, startPostgres, type LocalPostgres } from '../../scripts/postgres';
import { freePort } from '../../scripts/temporal/ports';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { application as fixture, aspects } from '../helpers/fixtures';

const MIGRATION_LOCK = 7242001; // db/migrate.ts: pg_advisory_xact_lock(7242001)
const migrationFiles = (dir: string) => readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();

const application = () => fixture({ projectCode: `U0101-2027-PG-${Date.now()}`, name: '校园智慧教室改造项目（PostgreSQL）' });

/** A free port can be taken before the server binds it: try again with another, up to 3 times. */
async function startLocalPostgres(): Promise<{ pg: LocalPostgres; dir: string }> {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'jixiao-pg-test-'));
    try {
      return { pg: startPostgres(dir, await freePort(), { sharedBuffers: '128MB', maxConnections: 60 }), dir };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      if (attempt >= 3 || !/already in use/i.test((e as Error).message)) throw e;
    }
  }
}

const BIN = postgresBin();
const TITLE = BIN
  ? `PostgreSQL parity (${BIN})`
  : 'PostgreSQL parity — SKIPPED: no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin (apt-get install postgresql)';

describe.skipIf(!BIN)(TITLE, () => {
  let server: LocalPostgres | undefined;
  let dir: string | undefined;
  let sys: TestSystem | undefined;
  let second: Db | undefined;
  let secondApplied: string[] = [];
  let finance: FinanceService | undefined;
  /** A plain connection of our own: what is really in the server, not what the product says. */
  let raw: pg.Client | undefined;
  let preparer: Http;
  let perf: Http;
  const app = application();
  const workflowId = `preAssessment:${app.projectCode}`;
  let taskId = '';

  beforeAll(async () => {
    ({ pg: server, dir } = await startLocalPostgres());
    const url = server.url;
    raw = new pg.Client({ connectionString: url });
    await raw.connect();

    // Concurrent migration: hold the migration lock, start the product (which migrates) and a second
    // openDb + migrate, wait until both queue on the lock, then let them go at the same instant.
    await raw.query('BEGIN');
    await raw.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const starting = startSystem({ DATABASE_URL: url });
    const racing = openDb({ url }).then(async (db) => {
      second = db;
      secondApplied = await migrate(db, MIGRATIONS_DIR);
    });
    // (awaited below; until then a rejection is not "unhandled")
    starting.catch(() => undefined);
    racing.catch(() => undefined);
    let notQueued: unknown;
    try {
      await eventually(async () => {
        const { rows } = await raw!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [MIGRATION_LOCK],
        );
        return rows[0].n === 2;
      }, 'both migrators waiting on the migration lock');
    } catch (e) {
      notQueued = e;
    } finally {
      await raw.query('COMMIT');
    }
    [sys] = await Promise.all([starting, racing]); // both succeed
    if (notQueued) throw notQueued;
    [preparer, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('perf-officer')]);
  });

  afterAll(async () => {
    // each step on its own: one failure must not leave the server running
    const steps: Array<() => Promise<unknown> | unknown> = [
      () => finance?.stop(),
      () => sys?.stop(),
      () => second?.close(),
      () => raw?.end(),
      () => server?.stop(),
      () => dir && rmSync(dir, { recursive: true, force: true }),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        console.error('postgres test cleanup:', (e as Error).message);
      }
    }
  });

  it('really uses the PostgreSQL server when DATABASE_URL is set', async () => {
    expect(sys!.config.db.url).toBe(server!.url);
    expect(sys!.deps.db.kind).toBe('postgres');
    const { rows } = await sys!.deps.db.query<{ v: string; port: number }>(`SELECT version() AS v, current_setting('port')::int AS port`);
    expect(rows[0].v).toMatch(/^PostgreSQL \d+/);
    expect(rows[0].port).toBe(server!.port);
  });

  it('migrates once although two processes migrate at the same time (advisory lock)', async () => {
    const files = migrationFiles(MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);
    // both succeeded (beforeAll awaited both); the second applied everything or nothing
    expect([[], files]).toContainEqual(secondApplied);
    const { rows } = await raw!.query<{ name: string; n: number }>(`SELECT name, count(*)::int AS n FROM public.schema_migrations GROUP BY name ORDER BY name`);
    expect(rows).toEqual(files.map((name) => ({ name, n: 1 })));
    // and the schema is there, in the server
    const tables = (await raw!.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'`)).rows.map((r) => r.t);
    expect(tables).toEqual(expect.arrayContaining(['orgs', 'users', 'tasks', 'audit', 'outbox', 'comments', 'attachments', 'saved_views', 'processes']));
    // a later start finds nothing to do
    expect(await migrate(second!, MIGRATIONS_DIR)).toEqual([]);
  });

  it('seeds the demo directory', async () => {
    const { rows } = await raw!.query<{ id: string; roles: string[] }>(`SELECT id, roles FROM users WHERE demo ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(DEMO_USERS.map((u) => u.id).sort());
    expect(rows.find((r) => r.id === 'perf-officer')?.roles).toEqual(['finance_performance']); // text[] comes back as an array
    const me = await perf.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'perf-officer', name: '郑洁', orgId: 'FIN', roles: ['finance_performance'] });
  });

  it('runs a key pre-assessment end to end: HTTP submit, inbox, decision, result, audit and outbox in PostgreSQL', async () => {
    const submitted = await preparer.post('/api/pre-assessments', app);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ workflowId, route: 'key' });
    expect((await preparer.post('/api/pre-assessments', app)).status).toBe(409);

    const task = await eventually(async () => (await perf.get(`/api/tasks?q=${encodeURIComponent(app.projectCode.toLowerCase())}`)).body.items?.[0], 'the review task in the finance inbox');
    expect(task).toMatchObject({ type: 'preAssessment.review', status: 'open' });
    taskId = task.id;
    const counts = await perf.get('/api/tasks/counts');
    expect(counts.status).toBe(200);
    expect(counts.body.actionable).toBe(1);
    expect(counts.body.byProcess).toEqual({ preAssessment: 1 });

    // the row is in the server, projected by the worker's local activity
    const projected = await raw!.query<{ status: string; actors: string[]; version: number; dept_id: string }>(`SELECT status, actors, version, dept_id FROM tasks WHERE id = $1`, [taskId]);
    expect(projected.rows).toEqual([{ status: 'open', actors: ['finance_performance@FIN'], version: expect.any(Number), dept_id: 'D01' }]);

    const bad = await perf.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: {} });
    expect(bad.status).toBe(400);
    const ok = await perf.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, { action: 'decide', outcome: 'pass', form: { aspects: aspects(18) }, comment: '同意' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'completed' });

    const result = await sys!.deps.temporal.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ conclusion: 'passed', score: 90, approvedAmountFen: 600_000_000 });

    const closed = await eventually(async () => {
      const { rows } = await raw!.query<{ status: string; outcome: string }>(`SELECT status, outcome FROM tasks WHERE id = $1`, [taskId]);
      return rows[0]?.status === 'completed' ? rows[0] : undefined;
    }, 'the completed task row');
    expect(closed.outcome).toBe('pass');

    const audit = await eventually(async () => {
      const { rows } = await raw!.query<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit WHERE workflow_id = $1 ORDER BY id`, [workflowId]);
      return rows.some((r) => r.action === 'preAssessment.passed') ? rows : undefined;
    }, 'the audit rows of the conclusion');
    expect(audit.map((a) => `${a.action}:${a.actor_id}`)).toEqual(
      expect.arrayContaining(['preAssessment.submitted:u0101-preparer', 'task.created:system', 'task.decide:perf-officer', 'preAssessment.passed:system']),
    );
    const viaApi = await perf.get(`/api/audit?workflowId=${encodeURIComponent(workflowId)}`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.map((a: { action: string }) => a.action)).toEqual(audit.map((a) => a.action));

    // outbox: the new task to the finance performance group, the conclusion to the applicant —
    // written with the projection and sent by the dispatcher (UPDATE … FOR UPDATE SKIP LOCKED)
    const performanceGroup = DEMO_USERS.filter((u) => u.roles.includes('finance_performance')).map((u) => u.id).sort();
    const outbox = await eventually(async () => {
      const { rows } = await raw!.query<{ kind: string; user_id: string; sent_at: Date | null; message_id: string | null; subject: string }>(
        `SELECT kind, user_id, sent_at, message_id, subject FROM outbox ORDER BY id`,
      );
      const decided = rows.filter((r) => r.kind === 'decided');
      return decided.length && rows.every((r) => r.sent_at) ? rows : undefined;
    }, 'outbox rows written and sent');
    expect(outbox.filter((r) => r.kind === 'assigned').map((r) => r.user_id).sort()).toEqual(performanceGroup);
    expect(outbox.filter((r) => r.kind === 'decided').map((r) => r.user_id)).toEqual(['u0101-preparer']);
    expect(outbox.find((r) => r.kind === 'decided')?.subject).toContain('事前评估通过');
    for (const r of outbox) {
      expect(r.sent_at).toBeInstanceOf(Date);
      expect(r.message_id).toMatch(/^<[0-9a-f]{32}@jixiao\.local>$/);
    }
  });

  it('answers the other reads and writes of the inbox from PostgreSQL', async () => {
    const comment = await perf.post(`/api/tasks/${encodeURIComponent(taskId)}/comments`, { body: '评审意见已归档' });
    expect(comment.status).toBeLessThan(300);
    const detail = await perf.get(`/api/tasks/${encodeURIComponent(taskId)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.task).toMatchObject({ id: taskId, status: 'completed', outcome: 'pass' });
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['task.created', 'task.decide']));
    expect(detail.body.comments).toEqual([expect.objectContaining({ authorId: 'perf-officer', body: '评审意见已归档' })]);
    const view = await perf.put('/api/views', { name: '重点评估', filters: { process: 'preAssessment' } });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id: expect.any(Number), name: '重点评估', filters: { process: 'preAssessment' } });
    expect((await perf.get('/api/views')).body).toEqual([view.body]); // jsonb round trip
    const processes = await perf.get('/api/processes?process=preAssessment');
    expect(processes.status).toBe(200);
    expect(JSON.stringify(processes.body)).toContain(workflowId);
    const status = await preparer.get(`/api/pre-assessments/${app.projectCode}`);
    expect(status.status).toBe(200);
    expect(status.body.application.amountFen).toBe(600_000_000);
    expect((await perf.get('/api/dashboard')).status).toBe(200);
  });

  it('the versioned upsert never regresses a row on PostgreSQL', async () => {
    const row = async (id: string) =>
      (await raw!.query<{ version: number; status: string; title: string; state: TaskState }>(`SELECT version, status, title, state FROM tasks WHERE id = $1`, [id])).rows[0];
    const done = await row(taskId);
    expect(done.status).toBe('completed');
    expect(done.state.version).toBe(done.version);

    // a late, older write of the decided task (a retry from before the decision) changes nothing
    await upsertTasks(sys!.deps.db, [{ ...done.state, version: done.version - 1, status: 'open', outcome: null }]);
    expect(await row(taskId)).toEqual(done);

    // a newer write applies, an older one after it does not (a copy, so the real task stays as it is)
    const id = `${taskId}#parity`;
    const copy = (version: number, title: string): TaskState => ({ ...done.state, id, version, spec: { ...done.state.spec, title } });
    await upsertTasks(sys!.deps.db, [copy(5, 'v5')]);
    expect(await row(id)).toMatchObject({ version: 5, title: 'v5' });
    await upsertTasks(sys!.deps.db, [copy(6, 'v6')]);
    expect(await row(id)).toMatchObject({ version: 6, title: 'v6' });
    await upsertTasks(sys!.deps.db, [copy(5, 'v5 again')]);
    expect(await row(id)).toMatchObject({ version: 6, title: 'v6' });
    await raw!.query(`DELETE FROM tasks WHERE id = $1`, [id]);
  });

  it('runs the finance stand-in on the same PostgreSQL in its own schema', async () => {
    finance = await startFinanceService({ port: 0, url: server!.url, scale: 'demo', log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }) });
    expect(finance.db.kind).toBe('postgres');
    const r = await fetch(`${finance.url}/v1/projects?limit=5`);
    expect(r.status).toBe(200);
    const page = (await r.json()) as { items: Array<{ id: string; originalFen: number }>; nextCursor: string | null };
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).toEqual(expect.any(String));
    for (const p of page.items) expect(Number.isSafeInteger(p.originalFen)).toBe(true);
    const next = (await (await fetch(`${finance.url}/v1/projects?limit=5&cursor=${encodeURIComponent(page.nextCursor!)}`)).json()) as typeof page;
    expect(next.items).toHaveLength(5);
    expect(next.items.map((p) => p.id).filter((id) => page.items.some((q) => q.id === id))).toEqual([]);

    // its tables and migrations live in `finance`, the product's in `public`, in the one database
    const inFinance = (await raw!.query<{ n: number }>(`SELECT count(*)::int AS n FROM finance.projects`)).rows[0].n;
    expect(inFinance).toBeGreaterThan(5);
    expect((await raw!.query<{ name: string }>(`SELECT name FROM finance.schema_migrations ORDER BY name`)).rows.map((x) => x.name)).toEqual(migrationFiles(FINANCE_MIGRATIONS));
    expect((await raw!.query<{ name: string }>(`SELECT name FROM public.schema_migrations ORDER BY name`)).rows.map((x) => x.name)).toEqual(migrationFiles(MIGRATIONS_DIR));
  });
});
