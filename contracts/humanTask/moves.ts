// The moves on a task as pure functions: check(task, action) says whether a move is allowed,
// apply(task, action) performs it. No Temporal and no zod here: workflow code and the API share it.
import type { Actor } from '../common.zod';
import type { Signer, TaskActionParsed, TaskSpec, TaskState } from './tasks.zod';
import { TaskErrors } from './messages';
import { validateDecision, type TaskTypeInfo } from './schemas';

export class MoveError extends Error {
  constructor(
    readonly type: (typeof TaskErrors)[keyof typeof TaskErrors],
    message: string,
  ) {
    super(message);
  }
}

/** Roles that lead a team: may reassign and bulk-approve. */
export const LEAD_ROLES = ['finance_director', 'division_head', 'competent_head', 'unit_head'];

/** A new open task; due at `dueAt` (the board computes it from `dueInMs` or working days). */
export function newTask(workflowId: string, process: string, spec: TaskSpec, now: number, dueAt = now + (spec.dueInMs ?? 0)): TaskState {
  const slot = (userId: string | null, groups: string[], stage: number): Signer => ({
    userId,
    candidateGroups: groups,
    stage,
    status: 'pending',
    decidedAt: null,
    comment: null,
    delegatedFrom: null,
    awaitingConfirm: false,
    extra: [],
  });
  const signers = spec.countersign
    ? spec.countersign.members.map((m) => slot(m.userId, m.candidateGroups, 0))
    : [slot(spec.assignee, spec.candidateGroups, 0)];
  const task: TaskState = {
    id: `${workflowId}:${spec.key}`,
    workflowId,
    process,
    spec,
    status: 'open',
    mode: spec.countersign?.mode ?? 'single',
    signers,
    actors: [],
    claimedBy: null,
    draft: null,
    draftBy: null,
    createdAt: new Date(now).toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    escalated: false,
    touched: false,
    outcome: null,
    form: null,
    version: 1,
    history: [],
    urges: 0,
    lastUrgedAt: null,
  };
  task.actors = actorsOf(task);
  return task;
}

export const actorKeys = (a: Actor): string[] => [a.userId, ...a.groups];

/** The lowest stage that still has a pending signer. */
export function currentStage(t: TaskState): number | null {
  const pending = t.signers.filter((s) => s.status === 'pending').map((s) => s.stage);
  return pending.length ? Math.min(...pending) : null;
}

function slotKeys(s: Signer): string[] {
  return [...(s.userId ? [s.userId] : s.candidateGroups), ...s.extra];
}

/** Who can act now: the keys of every pending signer of the current stage. */
export function actorsOf(t: TaskState): string[] {
  if (t.status !== 'open') return [];
  const stage = currentStage(t);
  const keys = t.signers.filter((s) => s.status === 'pending' && s.stage === stage).flatMap(slotKeys);
  return [...new Set(keys)];
}

/** The slot of the current stage this actor may work, if any. */
export function slotOf(t: TaskState, a: Actor): Signer | undefined {
  const stage = currentStage(t);
  const keys = new Set(actorKeys(a));
  const open = t.signers.filter((s) => s.status === 'pending' && s.stage === stage);
  return (
    open.find((s) => s.userId === a.userId) ??
    open.find((s) => s.userId === null && s.candidateGroups.some((g) => keys.has(g))) ??
    open.find((s) => s.extra.some((g) => keys.has(g)))
  );
}

/**
 * One urge per window (the region profile's inbox.urgeWindowHours, carried in the spec as
 * urgeWindowMs): another within it is refused, naming the last one. A spec without it (tasks
 * opened before the window existed) has no limit.
 */
function checkUrgeWindow(t: TaskState, now: number): void {
  const windowMs = t.spec.urgeWindowMs;
  if (!windowMs || !t.lastUrgedAt) return;
  const last = Date.parse(t.lastUrgedAt);
  if (now - last < windowMs) {
    throw new MoveError(TaskErrors.Conflict, `already urged (催办) at ${t.lastUrgedAt}; urge again from ${new Date(last + windowMs).toISOString()}`);
  }
}

function excluded(spec: TaskSpec, userId: string): boolean {
  return spec.submittedBy === userId || spec.excludeUsers.includes(userId);
}

const isLead = (a: Actor): boolean => a.roles.some((r) => LEAD_ROLES.includes(r));

/** Throws MoveError when the move is not allowed; returns the slot it works on, if any. `now`: workflow time in the board. */
export function check(t: TaskState | undefined, a: TaskActionParsed, def: TaskTypeInfo | undefined, now = Date.now()): Signer | undefined {
  if (!t) throw new MoveError(TaskErrors.NotFound, `task ${a.taskId} not found`);
  if (t.status !== 'open') throw new MoveError(TaskErrors.NotOpen, `task is ${t.status}`);
  const me = a.actor.userId;
  const need = (cond: boolean, msg: string, type: MoveError['type'] = TaskErrors.Forbidden): void => {
    if (!cond) throw new MoveError(type, msg);
  };
  switch (a.action) {
    case 'withdraw':
      need(t.spec.submittedBy === me, 'only the submitter may withdraw (撤回)');
      need(!t.touched, 'someone has already acted on this task; it can no longer be withdrawn', TaskErrors.Conflict);
      return undefined;
    case 'urge':
      need(t.spec.submittedBy === me || isLead(a.actor), 'only the submitter or a lead may urge (催办)');
      checkUrgeWindow(t, now);
      return undefined;
    case 'reassign': {
      need(isLead(a.actor), 'only a lead may reassign');
      need(!excluded(t.spec, a.toUserId), 'segregation of duties: that person may not decide this task');
      return t.signers.find((s) => s.status === 'pending' && s.stage === currentStage(t));
    }
  }
  need(!excluded(t.spec, me), 'segregation of duties: you may not act on what you submitted or are excluded from');
  const slot = slotOf(t, a.actor);
  need(!!slot, 'this task is not yours');
  const s = slot as Signer;
  const holds = s.userId === me;
  switch (a.action) {
    case 'claim':
      need(s.userId === null, `already claimed by ${s.userId}`, TaskErrors.Conflict);
      break;
    case 'unclaim':
      need(holds && t.claimedBy === me, 'you have not claimed this task', TaskErrors.Conflict);
      break;
    case 'decide': {
      need(s.delegatedFrom === null, 'delegated: answer with resolve; the owner decides');
      need(holds || s.userId === null || s.extra.includes(me) || s.extra.some((g) => a.actor.groups.includes(g)), 'claimed by someone else', TaskErrors.Conflict);
      const v = validateDecision(def, a.outcome, a.form);
      if (!v.ok) throw new MoveError(TaskErrors.Invalid, v.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
      const out = outOfBounds(t.spec.formBounds?.[a.outcome], v.form);
      if (out.length) throw new MoveError(TaskErrors.Invalid, out.join('; '));
      break;
    }
    case 'saveDraft':
    case 'return':
      need(s.delegatedFrom === null || a.action === 'saveDraft', 'delegated: answer with resolve');
      if (a.action === 'return' && a.toStep !== null) {
        need(t.spec.returnTargets.some((r) => r.step === a.toStep), `cannot return to step ${a.toStep}`, TaskErrors.Invalid);
      }
      break;
    case 'transfer':
    case 'delegate':
    case 'addSigner': {
      need(holds && s.delegatedFrom === null, 'claim the task first', TaskErrors.Conflict);
      const to = a.action === 'addSigner' ? a.userId : a.toUserId;
      need(to !== me, 'cannot hand a task to yourself', TaskErrors.Invalid);
      need(!excluded(t.spec, to), 'segregation of duties: that person may not decide this task', TaskErrors.Invalid);
      break;
    }
    case 'resolve':
      need(holds && s.delegatedFrom !== null, 'only a delegate answers a delegation (委派)', TaskErrors.Conflict);
      break;
  }
  return s;
}

export interface Applied {
  /** Set when the move ends the task. */
  completed?: { outcome: string; form: Record<string, unknown>; comment: string | null; returnTo: string | null };
  /** People to notify at once (urge, transfer, delegate). */
  notify?: { kind: 'urged' | 'assigned'; to: string[]; reason: string | null };
}

/** Performs a checked move on the task (mutates it) and says what follows. */
export function apply(t: TaskState, a: TaskActionParsed, slot: Signer | undefined, def: TaskTypeInfo | undefined, now: number): Applied {
  const me = a.actor.userId;
  const at = new Date(now).toISOString();
  const log = (action: string, reason: string | null, detail?: Record<string, unknown>): void => {
    t.history.push({ at, by: me, byName: a.actor.name, action, reason, ...(detail ? { detail } : {}) });
  };
  let out: Applied = {};
  const s = slot as Signer;
  if (a.action !== 'urge' && a.action !== 'withdraw' && a.action !== 'claim') t.touched = true;
  switch (a.action) {
    case 'claim':
      s.userId = me;
      t.claimedBy = me;
      t.touched = true;
      log('claim', null);
      break;
    case 'unclaim':
      s.userId = null;
      t.claimedBy = null;
      log('unclaim', null);
      break;
    case 'saveDraft':
      t.draft = a.form;
      t.draftBy = me;
      log('saveDraft', null); // no detail: the draft's content stays out of the history and the audit trail
      break;
    case 'withdraw':
      log('withdraw', a.reason);
      out = { completed: { outcome: 'withdrawn', form: {}, comment: a.reason, returnTo: null } };
      break;
    case 'return':
      log('return', a.reason, a.toStep ? { toStep: a.toStep } : undefined);
      out = { completed: { outcome: 'returned', form: {}, comment: a.reason, returnTo: a.toStep ?? 'submitter' } };
      break;
    case 'urge':
      t.urges = (t.urges ?? 0) + 1;
      t.lastUrgedAt = at;
      log('urge', a.reason);
      out = { notify: { kind: 'urged', to: actorsOf(t), reason: a.reason } };
      break;
    case 'transfer':
      s.userId = a.toUserId;
      t.claimedBy = null;
      log('transfer', a.reason, { to: a.toUserId });
      out = { notify: { kind: 'assigned', to: [a.toUserId], reason: a.reason } };
      break;
    case 'reassign':
      if (s) {
        s.userId = a.toUserId;
        s.delegatedFrom = null;
        s.awaitingConfirm = false;
      }
      t.claimedBy = null;
      log('reassign', a.reason, { to: a.toUserId });
      out = { notify: { kind: 'assigned', to: [a.toUserId], reason: a.reason } };
      break;
    case 'delegate':
      s.delegatedFrom = me;
      s.userId = a.toUserId;
      log('delegate', a.reason, { to: a.toUserId });
      out = { notify: { kind: 'assigned', to: [a.toUserId], reason: a.reason } };
      break;
    case 'resolve':
      s.userId = s.delegatedFrom;
      s.delegatedFrom = null;
      s.awaitingConfirm = true;
      s.comment = a.comment;
      log('resolve', a.comment);
      out = { notify: { kind: 'assigned', to: [s.userId as string], reason: a.comment } };
      break;
    case 'addSigner': {
      const stage = s.stage;
      for (const o of t.signers) if (o.stage > stage) o.stage += 1;
      const added: Signer = { ...s, userId: a.userId, candidateGroups: [], status: 'pending', decidedAt: null, comment: null, delegatedFrom: null, awaitingConfirm: false, extra: [] };
      if (a.position === 'before') {
        s.stage = stage + 1; // I sign after the added signer
        added.stage = stage;
      } else {
        added.stage = stage + 1;
      }
      t.signers.push(added);
      log('addSigner', a.reason, { userId: a.userId, position: a.position });
      out = { notify: { kind: 'assigned', to: a.position === 'before' ? [a.userId] : [], reason: a.reason } };
      break;
    }
    case 'decide': {
      const refusing = def?.outcomes[a.outcome]?.style === 'danger';
      s.userId = s.userId ?? me;
      s.status = refusing ? 'rejected' : 'approved';
      s.decidedAt = at;
      s.comment = a.comment;
      s.awaitingConfirm = false;
      log('decide', a.comment, { outcome: a.outcome });
      const done = settle(t, refusing, s.stage);
      // my draft is done with; another signer's stays theirs until the task is decided
      if (done || !t.draftBy || t.draftBy === me) {
        t.draft = null;
        t.draftBy = null;
      }
      const v = validateDecision(def, a.outcome, a.form); // checked already: this gives the form with its defaults
      if (done) out = { completed: { outcome: a.outcome, form: v.ok ? v.form : a.form, comment: a.comment, returnTo: null } };
      break;
    }
  }
  t.version += 1;
  t.actors = actorsOf(t);
  return out;
}

/** After a signature in `stage`: is the task decided? 会签 (all): any refusal ends it; 或签 (any): one approval per stage suffices. */
function settle(t: TaskState, refusing: boolean, stage: number): boolean {
  if (t.mode === 'any') {
    const peers = t.signers.filter((s) => s.stage === stage);
    if (refusing) return peers.every((p) => p.status === 'rejected');
    for (const p of peers) if (p.status === 'pending') p.status = 'skipped';
  } else if (refusing) {
    for (const p of t.signers) if (p.status === 'pending') p.status = 'skipped';
    return true;
  }
  return currentStage(t) === null;
}

/** The form's numbers outside the task's bounds for this outcome (spec.formBounds), each naming its field. */
export function outOfBounds(bounds: NonNullable<TaskSpec['formBounds']>[string] | undefined, form: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [field, b] of Object.entries(bounds ?? {})) {
    const x = form[field];
    if (typeof x !== 'number') continue;
    const low = b.gt !== undefined && !(x > b.gt);
    const high = b.lt !== undefined && !(x < b.lt);
    if (low || high) {
      const range = [b.gt !== undefined ? `more than ${b.gt}` : '', b.lt !== undefined ? `less than ${b.lt}` : ''].filter(Boolean).join(' and ');
      out.push(`form.${field}: must be ${range}${b.why ? ` (${b.why})` : ''}`);
    }
  }
  return out;
}
