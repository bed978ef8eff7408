// Authentication (signed JWTs via jose: HS256 for the embedded demo, OIDC/JWKS in production)
// and authorization (permissions per role, visibility per unit / department / finance scope).
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import type { Actor } from '../contracts/common.zod';
import type { Db } from '../db';
import { LEAD_ROLES } from '../contracts/humanTask/moves';
import { HttpError } from './http';

export interface User {
  id: string;
  name: string;
  email: string;
  orgId: string;
  orgKind: string;
  /** The department of a unit user, or the department itself for department users. */
  deptId: string | null;
  roles: string[];
  groups: string[];
  deptScope: string[];
}

export const ROLES = [
  'unit_preparer',
  'unit_head',
  'competent_reviewer',
  'competent_head',
  'finance_business',
  'finance_performance',
  'finance_budget',
  'division_head',
  'finance_director',
  'agency_evaluator',
  'expert',
  'observer',
] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'task.read'
  | 'task.act'
  | 'task.bulk'
  | 'task.reassign'
  | 'application.submit'
  | 'process.read'
  | 'audit.read'
  | 'dashboard.read';

const WORKER: Permission[] = ['task.read', 'task.act', 'process.read', 'audit.read'];
const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  unit_preparer: [...WORKER, 'application.submit'],
  unit_head: WORKER,
  competent_reviewer: WORKER,
  competent_head: [...WORKER, 'dashboard.read'],
  finance_business: [...WORKER, 'dashboard.read'],
  finance_performance: [...WORKER, 'dashboard.read'],
  // the budget division (预算处/科): applies pre-assessment results to the budget (004: 预算科)
  finance_budget: [...WORKER, 'dashboard.read'],
  division_head: [...WORKER, 'dashboard.read'],
  finance_director: [...WORKER, 'dashboard.read'],
  agency_evaluator: ['task.read', 'task.act'],
  expert: ['task.read', 'task.act'],
  observer: ['task.read', 'process.read', 'audit.read', 'dashboard.read'],
};

export function can(user: User, p: Permission): boolean {
  // leads (the same roles the task moves treat as leads) reassign and approve in bulk
  if (p === 'task.bulk' || p === 'task.reassign') return user.roles.some((r) => LEAD_ROLES.includes(r));
  return user.roles.some((r) => ROLE_PERMISSIONS[r as Role]?.includes(p));
}

export function require(user: User, p: Permission): void {
  if (!can(user, p)) throw new HttpError(403, 'FORBIDDEN', `your roles (${user.roles.join(', ')}) do not allow ${p}`);
}

export const actorOf = (u: User): Actor => ({ userId: u.id, name: u.name, groups: u.groups, roles: u.roles });

/**
 * SQL condition for the rows (tasks or processes) a user may see, with its parameters appended to `params`.
 * Everyone sees what they can act on or submitted; units their unit; departments their units;
 * finance its departments; leads and observers everything; agencies and experts only their own tasks.
 */
export function scopeSql(u: User, params: unknown[], alias = 't', opts: { actors: boolean } = { actors: true }): string {
  const add = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const r = new Set(u.roles);
  if (r.has('finance_director') || r.has('division_head') || r.has('observer') || u.deptScope.includes('*')) return 'true';
  const ors: string[] = [];
  if (opts.actors) {
    ors.push(`${alias}.actors && ${add([u.id, ...u.groups])}::text[]`);
    ors.push(`${alias}.submitted_by = ${add(u.id)}`);
  }
  if (r.has('finance_business') || r.has('finance_performance')) ors.push(`${alias}.dept_id = ANY(${add(u.deptScope)}::text[])`);
  if ((r.has('competent_reviewer') || r.has('competent_head')) && u.deptId) ors.push(`${alias}.dept_id = ${add(u.deptId)}`);
  if (r.has('unit_preparer') || r.has('unit_head')) ors.push(`${alias}.unit_id = ${add(u.orgId)}`);
  return ors.length ? `(${ors.join(' OR ')})` : 'false';
}

export async function loadUser(db: Db, id: string): Promise<User | null> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    email: string;
    org_id: string;
    kind: string;
    parent_id: string | null;
    roles: string[];
    groups: string[];
    dept_scope: string[];
  }>(
    `SELECT u.id, u.name, u.email, u.org_id, o.kind, o.parent_id, u.roles, u.groups, u.dept_scope
     FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1 AND u.active`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    orgId: r.org_id,
    orgKind: r.kind,
    deptId: r.kind === 'unit' ? r.parent_id : r.kind === 'department' ? r.org_id : null,
    roles: r.roles,
    groups: r.groups,
    deptScope: r.dept_scope,
  };
}

export interface Auth {
  /** 'oidc': only the identity provider's tokens are accepted (OIDC_JWKS_URL); 'demo': our own HS256 tokens. */
  readonly mode: 'demo' | 'oidc';
  issue(userId: string): Promise<string>;
  authenticate(req: Request): Promise<User>;
}

/** The longest a token may be valid (exp minus iat, and exp minus now): a stolen token dies within a day. */
export const MAX_TOKEN_LIFETIME_S = 24 * 3600;
/** How long the demo login's tokens are valid. */
const DEMO_TOKEN_LIFETIME = '12h';

/** Every token needs an expiry, and not a far one: a token without exp would be valid forever. */
function checkLifetime(payload: JWTPayload): void {
  const now = Math.floor(Date.now() / 1000);
  const exp = payload.exp as number; // required (requiredClaims) and checked to be a number by jose
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
  if (exp - from > MAX_TOKEN_LIFETIME_S) throw new Error(`token lifetime over ${MAX_TOKEN_LIFETIME_S / 3600} h ("exp" too far after "iat" or now)`);
}

export function createAuth(db: Db, cfg: Config['auth']): Auth {
  const secret = new TextEncoder().encode(cfg.jwtSecret);
  const jwks: JWTVerifyGetKey | null = cfg.oidcJwksUrl ? createRemoteJWKSet(new URL(cfg.oidcJwksUrl)) : null;
  const ISSUER = 'jixiao';
  return {
    mode: jwks ? 'oidc' : 'demo',
    async issue(userId) {
      return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuer(ISSUER).setIssuedAt().setExpirationTime(DEMO_TOKEN_LIFETIME).sign(secret);
    },
    async authenticate(req) {
      const h = req.header('authorization') ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(h);
      if (!m) throw new HttpError(401, 'UNAUTHENTICATED', 'missing bearer token (Authorization: Bearer …)', 'authorization');
      let sub: string | undefined;
      try {
        const { payload } = jwks
          ? await jwtVerify(m[1], jwks, { issuer: cfg.oidcIssuer, audience: cfg.oidcAudience, requiredClaims: ['exp'] })
          : await jwtVerify(m[1], secret, { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp'] });
        checkLifetime(payload);
        sub = payload.sub;
      } catch (e) {
        throw new HttpError(401, 'UNAUTHENTICATED', `invalid token: ${(e as Error).message}`, 'authorization');
      }
      const user = sub ? await loadUser(db, sub) : null;
      if (!user) throw new HttpError(401, 'UNAUTHENTICATED', `unknown or inactive user ${sub ?? ''}`, 'authorization');
      return user;
    },
  };
}
