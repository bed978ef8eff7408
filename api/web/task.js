// @ts-check
// The task page: the project card (drawn by the task's process: its web module's contextPanel), the
// decision form (from the outcome's JSON Schema), the other moves, history, comments and attachments.
// While it is open (and the browser tab visible) it re-reads the task every 10 s: when someone else
// changed it, a banner offers to reload — it never wipes a form being filled in — and buttons of
// moves no longer allowed (all of them once the task is closed) are disabled. A decision queued on
// the task locks the form until its process has applied it (re-read every 2 s), and a refusal of
// mine says why (queued.js).
import { get, orgs, taskPath, users } from './api.js';
import { fmtTime, h, toast } from './dom.js';
import { L, t, v } from './i18n.js';
import { every } from './live.js';
import { processLabel, processOf, processes } from './processes.js';
import { outcomeName, QUEUED_POLL_MS, queuedNote, refusalReason, refusedNote } from './queued.js';
import { card, dlRow, genericContext } from './render.js';
import { app } from './state.js';
import { decisionPanel } from './taskDecision.js';
import { movesCard } from './taskMoves.js';
import { attachmentsPanel, commentsPanel, historyPanel } from './taskPanels.js';

/** How often an open task page checks for changes by others (live.js: shorter in tests). */
const TASK_POLL_MS = 10_000;

/**
 * What the parts of a task page share.
 * @typedef {object} TaskPage
 * @property {import('./types.js').TaskDetail} d
 * @property {import('./types.js').WebProcess | undefined} process  the task's process (with its web module)
 * @property {Map<string, string>} orgNames
 * @property {(userId: string | null | undefined) => string} who  a user's name
 * @property {<T>(fn: () => Promise<T>) => Promise<T>} mine  runs one of my own moves (its new version is not someone else's change)
 */

/**
 * @param {HTMLElement} main
 * @param {string} id
 * @param {import('./types.js').ViewContext} ctx
 */
export async function taskView(main, id, { stale }) {
  /** @type {[import('./types.js').TaskDetail, Map<string, string>, Array<{ id: string, name: string }>]} */
  const [d, orgNames, people] = await Promise.all([get(taskPath(id)), orgs(), users().catch(() => [])]);
  if (stale()) return;
  const names = new Map(people.map((p) => [p.id, p.name]));
  /** @param {string | null | undefined} uid */
  const who = (uid) => (uid ? names.get(uid) ?? uid : '');
  /** @param {string} g */
  const group = (g) => {
    const [role, org] = String(g).split('@');
    return `${v('role', role)}${org ? ` · ${orgNames.get(org) ?? org}` : ''}`;
  };
  const { task, state, type } = d;
  const open = task.status === 'open';
  const moves = new Set(d.allowedMoves || []);
  const process = processOf(task.process);

  let seen = task.version; // the newest version this page knows of (its own moves included)
  let ownMoves = 0; // own moves under way: the versions they make are not someone else's
  /** @type {TaskPage} */
  const page = {
    d,
    process,
    orgNames,
    who,
    async mine(fn) {
      ownMoves++;
      try {
        const r = await fn();
        const version = /** @type {{ version?: unknown } | null} */ (r)?.version;
        if (typeof version === 'number') seen = Math.max(seen, version);
        return r;
      } finally {
        ownMoves--;
      }
    },
  };

  const head = h(
    'div.page-head.task-head',
    h('p.crumbs', h('a', { href: app.lastList }, '← ', t('back_to_list'))),
    h('h1', task.title),
    h(
      'p.task-tags',
      h('span.tag.info', type ? L(type.label) : task.type),
      h('span.tag', processLabel(task.process)),
      open ? h('span.tag.ok', t('status_open')) : h('span.tag', t(`status_${task.status}`)),
      task.overdue ? h('span.tag.danger', t('tag_overdue')) : null,
      task.escalated ? h('span.tag.warn', t('tag_escalated')) : null,
    ),
  );

  // --- main column -------------------------------------------------------------------------
  const contextArgs = { context: state?.spec?.context ?? {}, project: state?.spec?.project, orgNames };
  const panel = process?.module?.contextPanel ? process.module.contextPanel(contextArgs) : genericContext(contextArgs);
  const project = card(t('task_project'), panel ?? h('p.muted', t('none')), 'project');
  // what other processes hold against the project's unit (e.g. open rectification problems, 整改), below the card
  const unitId = state?.spec?.project?.unitId;
  if (unitId) {
    for (const p of processes()) {
      p.module?.unitPanel?.(unitId).then(
        (node) => node && project.append(node),
        () => undefined, // a panel that cannot load leaves the task page as it is
      );
    }
  }
  // a decision queued on the task: the form is locked until its process has applied it (looked at
  // every few seconds, or at once with the note's button); mine refused: why, and the form is mine again
  const mark = open ? task.queuedDecision ?? null : null;
  const pending = mark?.status === 'queued' ? mark : null;
  const note = pending ? queuedNote(pending, type, who, () => void checkQueued(true).catch(() => toast(t('network_error'), 'error'))) : mark?.status === 'refused' ? refusedNote(mark, type) : null;
  const decision =
    open && moves.has('decide') && type?.outcomes?.length
      ? decisionPanel(page, { note, locked: !!pending })
      : card(t('task_decide'), [note, h('p.muted', open ? t('task_not_actionable') : t('task_closed', { status: t(`status_${task.status}`) }))].filter(Boolean), 'decision');

  // --- side column -------------------------------------------------------------------------
  const meta = card(
    t('task_meta'),
    h(
      'dl.meta',
      dlRow(t('task_type'), type ? L(type.label) : task.type),
      dlRow(t('task_process'), processLabel(task.process)),
      dlRow(t('task_status'), open ? t('status_open') : t(`status_${task.status}`)),
      dlRow(t('task_due'), h('span', { class: task.overdue ? 'overdue-date' : '' }, fmtTime(task.dueAt), task.overdue ? h('span.tag.danger', t('tag_overdue')) : null)),
      dlRow(t('task_created'), fmtTime(task.createdAt)),
      task.submittedBy ? dlRow(t('task_submitted_by'), who(task.submittedBy)) : null,
      task.claimedBy ? dlRow(t('task_claimed_by'), who(task.claimedBy)) : null,
      state?.urges ? dlRow(t('task_urges'), t('task_urges_value', { n: state.urges, at: fmtTime(state.lastUrgedAt) })) : null,
      state?.signers?.length
        ? dlRow(
            t('task_signers'),
            h(
              'ul.plain',
              state.signers.map((s) => {
                // a countersigner's answer: approved/rejected, when, and their comment (会签/或签)
                const a = /** @type {{ decidedAt?: string | null, comment?: string | null }} */ (s);
                return h(
                  'li.signer',
                  s.userId ? who(s.userId) : s.candidateGroups.map(group).join('；'),
                  ' ',
                  h('span', { class: `tag small ${s.status === 'pending' ? 'info' : s.status === 'approved' ? 'ok' : s.status === 'rejected' ? 'danger' : ''}` }, v('signer', s.status)),
                  a.decidedAt ? h('time.muted.small', { datetime: a.decidedAt }, ` ${fmtTime(a.decidedAt)}`) : null,
                  a.comment ? h('blockquote.ev-reason', a.comment) : null,
                );
              }),
            ),
          )
        : null,
      dlRow(t('task_id'), h('code.small', task.id)),
    ),
    'meta',
  );

  // --- live: changes by others ---------------------------------------------------------------
  const liveText = h('span.live-text');
  const live = h(
    'div.live-banner',
    { role: 'status', hidden: true },
    h('span.live-icon', { 'aria-hidden': 'true' }, '↻'),
    liveText,
    h('button.btn.small.live-reload', { type: 'button', onclick: () => app.go(location.hash) }, t('live_reload')),
  );

  main.append(
    h(
      'article.task-page',
      head,
      live,
      h('div.task-grid', h('div.task-main', project, decision, commentsPanel(page)), h('aside.task-side', meta, movesCard(page, moves), attachmentsPanel(page), historyPanel(page))),
    ),
  );

  /** Disables the buttons of moves that are no longer allowed (never enables any: reloading does). */
  /** @param {Set<string>} allowed */
  function disableMoves(allowed) {
    for (const b of main.querySelectorAll('[data-card="moves"] button[data-move]')) if (!allowed.has(/** @type {HTMLButtonElement} */ (b).dataset.move)) /** @type {HTMLButtonElement} */ (b).disabled = true;
    const form = main.querySelector('form.decision-form');
    if (form && !allowed.has('decide')) form.classList.add('locked');
    for (const b of main.querySelectorAll('form.decision-form .form-actions button')) {
      const btn = /** @type {HTMLButtonElement} */ (b);
      if (!allowed.has(btn.type === 'submit' ? 'decide' : 'saveDraft')) btn.disabled = true;
    }
  }

  /** Whether the queued decision is still waiting; once it is not, the page is drawn again (applied: the task as it now is; refused: why). */
  async function checkQueued(asked = false) {
    if (!pending) return;
    /** @type {import('./types.js').TaskDetail} */
    const fresh = await get(taskPath(task.id));
    const q = fresh.task.queuedDecision;
    if (stale()) return;
    if (q?.status === 'queued' && q.decisionId === pending.decisionId) {
      if (asked) toast(t('decision_queued_title'));
      return;
    }
    if (q?.status === 'refused' && q.decisionId === pending.decisionId) toast(t('decision_refused_toast', { reason: refusalReason(q) }), 'error');
    else if (fresh.task.version > task.version) toast(t('decision_applied', { outcome: outcomeName(type, pending.outcome) }));
    app.go(location.hash);
  }

  async function checkForChanges() {
    if (ownMoves || !open || pending) return; // a queued decision's own change is checkQueued's
    /** @type {import('./types.js').TaskDetail} */
    let fresh;
    try {
      fresh = await get(taskPath(task.id));
    } catch (e) {
      if (e?.status === 404 && !stale()) {
        liveText.textContent = t('live_gone');
        live.classList.add('closed');
        live.hidden = false;
        disableMoves(new Set());
      }
      return;
    }
    if (stale() || ownMoves || fresh.task.version <= seen) return;
    seen = fresh.task.version;
    const allowed = new Set(fresh.allowedMoves || []);
    const closed = fresh.task.status !== 'open';
    liveText.textContent = closed
      ? t('live_closed', { status: t(`status_${fresh.task.status}`) })
      : moves.has('decide') && !allowed.has('decide')
        ? t('live_updated_not_actionable')
        : t('live_updated');
    live.classList.toggle('closed', closed);
    live.hidden = false;
    disableMoves(closed ? new Set() : allowed);
  }
  // the view's cleanup stops the polling
  if (!open) return () => {};
  const stops = [every(TASK_POLL_MS, checkForChanges), pending ? every(QUEUED_POLL_MS, checkQueued) : () => {}];
  return () => stops.forEach((stop) => stop());
}
