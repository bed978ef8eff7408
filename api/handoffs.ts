// Hand-offs respect who may decide: the target of a reassign, transfer, delegation (委派) or added
// signer (加签) must be an existing, active user who may hold the task — a role its type declares
// (each process's manifest, through the registry) in the task's department, unit or finance, and, where
// segregation of duties applies, neither the submitter nor anyone of the submitting unit; a lead
// reassigns only within their own scope. The workflow's validator (contracts/taskMoves) has no
// directory to look people up in, so the API checks here before any Update is sent.
import type { Holders, TaskHoldersDef } from '../contracts/humanTask/holders.zod';
import { TASKS } from '../contracts/registry.zod';
import { type TaskActionParsed, type TaskState } from '../contracts/humanTask/tasks.zod';
import { TaskErrors } from '../contracts/humanTask/messages';
import type { Db } from '../db';
import type { User } from './auth';
import { HttpError } from './http';

export const HANDOFF_MOVES = ['transfer', 'delegate', 'addSigner', 'reassign'] as const;
export type HandoffMove = (typeof HANDOFF_MOVES)[number];

/** A person as far as holding a task goes. */
type Person = Pick<User, 'id' | 'name' | 'orgId' | 'orgKind' | 'roles' | 'deptScope'>;

interface Applicable {
  def: TaskHoldersDef;
  holders: Holders;
}

/** The holders that apply to a task: the alternative naming one of its candidate groups, else the first. */
function applicable(t: TaskState): Applicable | null {
  const def = TASKS.holders[t.spec.type];
  if (!def) return null;
  const groups = [...t.spec.candidateGroups, ...(t.spec.countersign?.members.flatMap((m) => m.candidateGroups) ?? [])];
  const roles = new Set(groups.map((g) => g.split('@')[0]));
  return { def, holders: def.holders.find((h) => h.roles.some((r) => roles.has(r))) ?? def.holders[0] };
}

/** Whether a person sits where the task's holders (or leads) must: its department, its unit, or finance covering its department. */
function inScope(p: Person, h: Holders, t: TaskState): boolean {
  const project = t.spec.project;
  switch (h.scope) {
    case 'department':
      return p.orgKind === 'department' && p.orgId === project?.deptId;
    case 'unit':
      return p.orgKind === 'unit' && p.orgId === project?.unitId;
    case 'finance':
      // as in scopeSql: the director and the division heads cover every department, officers those in their scope
      return (
        p.orgKind === 'finance' &&
        (p.roles.includes('finance_director') || p.roles.includes('division_head') || p.deptScope.includes('*') || (!!project && p.deptScope.includes(project.deptId)))
      );
    case 'agency':
      // the agency (or expert library) the task was given to: one its candidate groups name, never another
      return (p.orgKind === 'agency' || p.orgKind === 'expert') && t.spec.candidateGroups.some((g) => g.slice(g.indexOf('@') + 1) === p.orgId);
  }
}

const where = (h: Holders, t: TaskState): string =>
  h.scope === 'department'
    ? `department ${t.spec.project?.deptId ?? '?'}`
    : h.scope === 'unit'
      ? `unit ${t.spec.project?.unitId ?? '?'}`
      : h.scope === 'agency'
        ? `the commissioned ${t.spec.candidateGroups.map((g) => g.slice(g.indexOf('@') + 1)).join(' / ')}`
        : 'finance';
/** Leads of an agency's task are finance's, who commissioned it: they hand it out within the agency. */
const leadScope = (h: Holders): Holders => (h.scope === 'agency' ? { ...h, scope: 'finance' } : h);

/** Why this person may not hold the task (null: they may). */
export function whyNotHolder(p: Person, t: TaskState): string | null {
  const a = applicable(t);
  if (!a) return `no one may be handed a ${t.spec.type} task: its type declares no holders`;
  if (t.spec.excludeUsers.includes(p.id)) return `segregation of duties: ${p.id} is excluded from this task`;
  if (a.def.segregation && (p.id === t.spec.submittedBy || p.orgId === t.spec.project?.unitId)) {
    return `segregation of duties: ${p.id} submitted this or belongs to the submitting unit ${t.spec.project?.unitId ?? ''}`.trim();
  }
  if (!p.roles.some((r) => a.holders.roles.includes(r)) || !inScope(p, a.holders, t)) {
    return `${p.id} may not hold this task: it is held by ${a.holders.roles.join(' / ')} of ${where(a.holders, t)}`;
  }
  return null;
}

/** Why this lead may not reassign the task (null: they may). */
export function whyNotLead(u: Person, t: TaskState): string | null {
  const a = applicable(t);
  if (!a) return `no one may reassign a ${t.spec.type} task: its type declares no holders`;
  if (!u.roles.some((r) => a.holders.leads.includes(r)) || !inScope(u, leadScope(a.holders), t)) {
    return `only ${a.holders.leads.join(' / ')} of ${where(leadScope(a.holders), t)} may reassign this task`;
  }
  return null;
}

export const mayReassign = (u: Person, t: TaskState): boolean => whyNotLead(u, t) === null;

interface PersonRow {
  id: string;
  name: string;
  org_id: string;
  kind: string;
  roles: string[];
  dept_scope: string[];
  active: boolean;
}
const PERSON_SQL = `SELECT u.id, u.name, u.org_id, o.kind, u.roles, u.dept_scope, u.active FROM users u JOIN orgs o ON o.id = u.org_id`;
const person = (r: PersonRow): Person & { active: boolean } => ({ id: r.id, name: r.name, orgId: r.org_id, orgKind: r.kind, roles: r.roles, deptScope: r.dept_scope, active: r.active });

const isHandoff = (m: TaskActionParsed): m is Extract<TaskActionParsed, { action: HandoffMove }> => (HANDOFF_MOVES as readonly string[]).includes(m.action);

/**
 * Refuses a hand-off whose target may not hold the task: 400 naming the field for an unknown or
 * inactive user, 403 with the reason otherwise; and a reassign by a lead outside their scope.
 * Other moves pass through.
 */
export async function checkHandoff(db: Db, u: User, t: TaskState, move: TaskActionParsed): Promise<void> {
  if (!isHandoff(move)) return;
  if (move.action === 'reassign') {
    const why = whyNotLead(u, t);
    if (why) throw new HttpError(403, TaskErrors.Forbidden, why);
  }
  const [field, to] = move.action === 'addSigner' ? ['body.userId', move.userId] : ['body.toUserId', move.toUserId];
  const { rows } = await db.query<PersonRow>(`${PERSON_SQL} WHERE u.id = $1`, [to]);
  const p = rows[0] ? person(rows[0]) : null;
  // a task handed to no one (or to someone who has left) would sit there undecided
  if (!p?.active) throw new HttpError(400, 'VALIDATION', `${field}: ${p ? `user ${to} is no longer active` : `no user ${to}`}`, field);
  const why = whyNotHolder(p, t);
  if (why) throw new HttpError(403, TaskErrors.Forbidden, why, field);
}

/** The people this user may pick for a hand-off of the task (the UI's list): active, eligible, not oneself except to reassign. */
export async function handoffCandidates(db: Db, u: User, t: TaskState, move: HandoffMove): Promise<Array<{ id: string; name: string; roles: string[]; orgId: string }>> {
  if (move === 'reassign') {
    const why = whyNotLead(u, t);
    if (why) throw new HttpError(403, TaskErrors.Forbidden, why);
  }
  const a = applicable(t);
  if (!a) return [];
  const { rows } = await db.query<PersonRow>(`${PERSON_SQL} WHERE u.active AND u.roles && $1::text[] ORDER BY u.org_id, u.id LIMIT 500`, [a.holders.roles]);
  return rows
    .map(person)
    .filter((p) => (move === 'reassign' || p.id !== u.id) && whyNotHolder(p, t) === null)
    .map((p) => ({ id: p.id, name: p.name, roles: p.roles, orgId: p.orgId }));
}
