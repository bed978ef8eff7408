// @ts-check
// The task page's other moves (认领, 退回, 转办, 委派, 加签, 改派, 催办, 撤回, …): one button each the
// API allows; a move that needs a person, a position, a step or a reason asks for it in a dialog.
import { ApiError, get, post, taskPath } from './api.js';
import { h, modal, toast } from './dom.js';
import { fieldLabel, t, v } from './i18n.js';
import { card } from './render.js';
import { app } from './state.js';

/** @typedef {import('./task.js').TaskPage} TaskPage */
/** @typedef {{ comment?: boolean, reason?: boolean, toStep?: boolean, person?: 'toUserId' | 'userId', position?: boolean, danger?: boolean }} MoveSpec */

/** Moves offered as buttons besides decide/saveDraft, in this order, and what each asks for. */
/** @type {Record<string, MoveSpec>} */
const MOVES = {
  claim: {},
  unclaim: {},
  resolve: { comment: true },
  return: { reason: true, toStep: true },
  transfer: { person: 'toUserId', reason: true },
  delegate: { person: 'toUserId', reason: true },
  addSigner: { person: 'userId', position: true, reason: true },
  reassign: { person: 'toUserId', reason: true },
  urge: { reason: true },
  withdraw: { reason: true, danger: true },
};
/** After these the task is no longer in my hands: back to the list. */
const LEAVES = new Set(['return', 'withdraw', 'transfer', 'delegate', 'reassign', 'resolve']);

/** The card of move buttons, or null when no move besides deciding is allowed. */
/** @param {TaskPage} page @param {Set<string>} moves */
export function movesCard(page, moves) {
  const otherMoves = Object.keys(MOVES).filter((m) => moves.has(m));
  if (!otherMoves.length) return null;
  return card(
    t('task_other_moves'),
    h(
      'div.move-buttons',
      otherMoves.map((m) => h(`button.btn${MOVES[m].danger ? '.danger-outline' : ''}`, { type: 'button', dataset: { move: m }, onclick: () => doMove(page, m) }, v('move', m))),
    ),
    'moves',
  );
}

/** @param {TaskPage} page @param {string} m */
async function doMove({ d, mine, orgNames }, m) {
  const task = d.task;
  const spec = MOVES[m];
  if (!spec.reason && !spec.person && !spec.comment) {
    try {
      await mine(() => post(`${taskPath(task.id)}/actions`, { action: m }));
      toast(t('done_move', { move: v('move', m) }));
      app.go(location.hash);
    } catch (e) {
      toast(`${t('error_prefix')}：${e.message}`, 'error');
    }
    return;
  }
  const fields = [];
  /** @type {HTMLSelectElement | undefined} */
  let personSel;
  /** @type {HTMLSelectElement | undefined} */
  let positionSel;
  /** @type {HTMLSelectElement | undefined} */
  let stepSel;
  if (spec.person) {
    // only the people who may hold this task (the server refuses anyone else; a lead may reassign to himself)
    /** @type {Array<{ id: string, name: string, orgId: string, roles: string[] }>} */
    let eligible;
    try {
      eligible = await get(`${taskPath(task.id)}/candidates?move=${m}`);
    } catch (e) {
      toast(`${t('error_prefix')}：${e.message}`, 'error');
      return;
    }
    /** @type {Map<string, typeof eligible>} */
    const byOrg = new Map();
    for (const p of eligible) {
      if (!byOrg.has(p.orgId)) byOrg.set(p.orgId, []);
      byOrg.get(p.orgId).push(p);
    }
    personSel = /** @type {HTMLSelectElement} */ (
      h(
        'select',
        { id: 'move-person', required: true },
        h('option', { value: '' }, `— ${t('choose_person')} —`),
        [...byOrg.entries()].map(([org, ps]) => h('optgroup', { label: orgNames.get(org) ?? org }, ps.map((p) => h('option', { value: p.id }, `${p.name}（${p.roles.map((r) => v('role', r)).join('、')}）`)))),
      )
    );
    fields.push(h('div.field', h('label', { for: 'move-person' }, t('person'), h('span.req', ' *')), personSel));
  }
  if (spec.position) {
    positionSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'move-position' }, h('option', { value: 'after' }, t('position_after')), h('option', { value: 'before' }, t('position_before'))));
    fields.push(h('div.field', h('label', { for: 'move-position' }, t('position')), positionSel));
  }
  const targets = d.state?.spec?.returnTargets ?? [];
  if (spec.toStep && targets.length) {
    stepSel = /** @type {HTMLSelectElement} */ (h('select', { id: 'move-step' }, h('option', { value: '' }, t('to_submitter')), targets.map((r) => h('option', { value: r.step }, r.label))));
    fields.push(h('div.field', h('label', { for: 'move-step' }, t('to_step')), stepSel));
  }
  const reasonEl = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'move-reason', rows: 3, maxlength: 2000, required: true }));
  fields.push(h('div.field', h('label', { for: 'move-reason' }, spec.comment ? v('field', 'comment') : t('reason'), h('span.req', ' *')), reasonEl));

  const ok = await modal({
    title: v('move', m),
    body: h('div.fields', fields),
    submitLabel: v('move', m),
    cancelLabel: t('cancel'),
    danger: !!spec.danger,
    onSubmit: async () => {
      /** @type {Record<string, unknown>} */
      const body = { action: m };
      if (spec.person) body[spec.person] = personSel.value;
      if (spec.position) body.position = positionSel.value;
      if (stepSel) body.toStep = stepSel.value || null;
      if (spec.comment) body.comment = reasonEl.value;
      else body.reason = reasonEl.value;
      try {
        return await mine(() => post(`${taskPath(task.id)}/actions`, body));
      } catch (e) {
        const fe = e instanceof ApiError ? e.fieldErrors() : [];
        if (fe.length) throw new Error(fe.map((x) => `${fieldName(x.path)}：${x.message}`).join('；'));
        throw e;
      }
    },
  });
  if (!ok) return;
  toast(t('done_move', { move: v('move', m) }));
  app.go(LEAVES.has(m) ? app.lastList : location.hash);
}

/** @param {string} path */
function fieldName(path) {
  if (path === 'toUserId' || path === 'userId') return t('person');
  if (path === 'reason') return t('reason');
  return fieldLabel(path.split('.'));
}
