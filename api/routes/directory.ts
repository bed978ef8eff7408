// Login (demo users in the embedded default), the current user, and saved views.
import { z } from 'zod';
import { SerialId } from '../../contracts/common.zod';
import type { Db } from '../../db';
import type { TaskState } from '../../contracts/humanTask/tasks.zod';
import { can, loadUser, require, scopeSql, type Auth, type User } from '../auth';
import { HANDOFF_MOVES, handoffCandidates } from '../handoffs';
import { HttpError, type Api } from '../http';
import { TaskListQuery } from '../../db/inbox/tasks';

export function directoryRoutes(api: Api<User>, deps: { db: Db; auth: Auth; demoUsers: boolean }): void {
  const { db, auth } = deps;

  api.route({
    method: 'get',
    path: '/api/auth/demo-users',
    summary: 'Demo users to log in as (embedded default only)',
    tags: ['auth'],
    auth: false,
    handler: async () => {
      if (!deps.demoUsers) return [];
      const { rows } = await db.query(
        `SELECT u.id, u.name, u.roles, u.org_id AS "orgId", o.name AS "orgName" FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.demo AND u.active ORDER BY o.kind, u.org_id, u.id`,
      );
      return rows;
    },
  });

  api.route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in as a demo user; returns a signed JWT (embedded default only; refused when OIDC is configured)',
    tags: ['auth'],
    auth: false,
    body: z.object({ userId: z.string().min(1).max(100) }),
    response: z.object({ token: z.string() }),
    handler: async ({ body }) => {
      if (!deps.demoUsers) throw new HttpError(404, 'NOT_FOUND', 'demo login is disabled; use your identity provider');
      // its token would be refused: with OIDC only the identity provider's tokens are accepted
      if (auth.mode === 'oidc') throw new HttpError(404, 'NOT_FOUND', 'demo login is disabled while OIDC is configured (OIDC_JWKS_URL); sign in with your identity provider');
      const { rows } = await db.query(`SELECT 1 FROM users WHERE id = $1 AND demo AND active`, [body.userId]);
      if (!rows.length) throw new HttpError(400, 'VALIDATION', `body.userId: no demo user ${body.userId}`, 'body.userId');
      return { token: await auth.issue(body.userId) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/me',
    summary: 'The current user, roles and permissions',
    tags: ['auth'],
    auth: true,
    handler: async ({ ctx }) => {
      const u = await loadUser(db, ctx.id);
      const perms = ['task.read', 'task.act', 'task.bulk', 'task.reassign', 'application.submit', 'process.read', 'audit.read', 'dashboard.read'] as const;
      return { ...u, permissions: perms.filter((p) => can(ctx, p)) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/users',
    summary: 'People one may hand a task to (transfer, delegate, add signer), optionally filtered by org; agencies and experts: their own organisation only',
    tags: ['auth'],
    auth: true,
    query: z.object({ orgId: z.string().max(100).optional() }),
    handler: async ({ query, ctx }) => {
      // an outside evaluation agency or an expert hands tasks on within its own organisation: it has
      // no business reading the finance department's and the spending units' staff list
      const ownOrgOnly = ctx.roles.every((r) => r === 'agency_evaluator' || r === 'expert');
      if (ownOrgOnly && query.orgId !== undefined && query.orgId !== ctx.orgId) {
        throw new HttpError(403, 'FORBIDDEN', `query.orgId: you see only the people of your own organisation (${ctx.orgId})`, 'query.orgId');
      }
      const { rows } = await db.query(
        `SELECT u.id, u.name, u.roles, u.org_id AS "orgId" FROM users u WHERE u.active AND ($1::text IS NULL OR u.org_id = $1) ORDER BY u.org_id, u.id LIMIT 500`,
        [ownOrgOnly ? ctx.orgId : (query.orgId ?? null)],
      );
      return rows;
    },
  });

  api.route({
    method: 'get',
    path: '/api/tasks/:id/candidates',
    summary: 'People who may receive this task by a hand-off (transfer, delegate, addSigner, reassign): active, of a role and scope its type allows, not excluded by segregation of duties',
    tags: ['tasks'],
    auth: true,
    params: z.object({ id: z.string().min(1).max(300) }),
    query: z.object({ move: z.enum(HANDOFF_MOVES) }),
    response: z.array(z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()), orgId: z.string() })),
    handler: async ({ params, query, ctx }) => {
      require(ctx, 'task.act');
      const p: unknown[] = [params.id];
      const { rows } = await db.query<{ state: TaskState }>(`SELECT t.state FROM tasks t WHERE t.id = $1 AND ${scopeSql(ctx, p)}`, p);
      if (!rows[0]) throw new HttpError(404, 'NOT_FOUND', `task ${params.id} not found`, 'id');
      return handoffCandidates(db, ctx, rows[0].state, query.move);
    },
  });

  // a view stores only the filters it was saved with: the list's defaults are not copied in
  const Filters = z.object(
    Object.fromEntries(
      Object.entries(TaskListQuery.omit({ cursor: true, ids: true }).shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : v).optional()]),
    ),
  );
  const View = z.object({ name: z.string().trim().min(1).max(100), filters: Filters });
  api.route({
    method: 'get',
    path: '/api/views',
    summary: 'My saved views (named task filters)',
    tags: ['views'],
    auth: true,
    handler: async ({ ctx }) => (await db.query(`SELECT id, name, filters FROM saved_views WHERE user_id = $1 ORDER BY name`, [ctx.id])).rows,
  });
  api.route({
    method: 'put',
    path: '/api/views',
    summary: 'Save (create or replace) a named view',
    tags: ['views'],
    auth: true,
    body: View,
    handler: async ({ body, ctx }) =>
      (
        await db.query(
          `INSERT INTO saved_views (user_id, name, filters) VALUES ($1, $2, $3) ON CONFLICT (user_id, name) DO UPDATE SET filters = excluded.filters RETURNING id, name, filters`,
          [ctx.id, body.name, JSON.stringify(body.filters)],
        )
      ).rows[0],
  });
  api.route({
    method: 'delete',
    path: '/api/views/:id',
    summary: 'Delete one of my saved views',
    tags: ['views'],
    auth: true,
    params: z.object({ id: SerialId }),
    handler: async ({ params, ctx }) => {
      const { rows } = await db.query(`DELETE FROM saved_views WHERE id = $1 AND user_id = $2 RETURNING id`, [params.id, ctx.id]);
      if (!rows.length) throw new HttpError(404, 'NOT_FOUND', `view ${params.id} not found`, 'id');
      return { deleted: params.id };
    },
  });
}
