// The task page: project data, the decision form (from the outcome's JSON Schema), the other moves,
// history, comments and attachments. While it is open (and the browser tab visible) it re-reads the
// task every 10 s: when someone else changed it, a banner offers to reload — it never wipes a form
// being filled in — and buttons of moves no longer allowed (all of them once the task is closed) are disabled.
import { api, ApiError, download, get, orgs, post, taskPath, users } from './api.js';
import { fmtSize, fmtTime, h, modal, toast, yuan } from './dom.js';
import { outcomePicker, schemaForm } from './form.js';
import { fieldLabel, has, L, t, v } from './i18n.js';
import { every } from './live.js';
import { app } from './state.js';

/** How often an open task page checks for changes by others (live.js: shorter in tests). */
const TASK_POLL_MS = 10_000;

/** Moves offered as buttons besides decide/saveDraft, in this order, and what each asks for. */
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

export async function taskView(main, id, { stale }) {
  const [d, orgNames, people] = await Promise.all([get(taskPath(id)), orgs(), users().catch(() => [])]);
  if (stale()) return;
  const names = new Map(people.map((p) => [p.id, p.name]));
  const who = (uid) => (uid ? names.get(uid) ?? uid : '');
  const group = (g) => {
    const [role, org] = String(g).split('@');
    return `${v('role', role)}${org ? ` · ${orgNames.get(org) ?? org}` : ''}`;
  };
  const { task, state, type } = d;
  const open = task.status === 'open';
  const moves = new Set(d.allowedMoves || []);
  const ctx = state?.spec?.context ?? {};

  const head = h(
    'div.page-head.task-head',
    h('p.crumbs', h('a', { href: app.lastList }, '← ', t('back_to_list'))),
    h('h1', task.title),
    h(
      'p.task-tags',
      h('span.tag.info', type ? L(type.label) : task.type),
      h('span.tag', v('process', task.process)),
      open ? h('span.tag.ok', t('status_open')) : h('span.tag', t(`status_${task.status}`)),
      task.overdue ? h('span.tag.danger', t('tag_overdue')) : null,
      task.escalated ? h('span.tag.warn', t('tag_escalated')) : null,
    ),
  );

  // --- main column -------------------------------------------------------------------------
  const project = card(t('task_project'), projectData(ctx, state?.spec?.project, orgNames), 'project');
  const decision = open && moves.has('decide') && type?.outcomes?.length ? decisionPanel() : card(t('task_decide'), h('p.muted', open ? t('task_not_actionable') : t('task_closed', { status: t(`status_${task.status}`) })), 'decision');
  const comments = commentsPanel();

  // --- side column -------------------------------------------------------------------------
  const meta = card(
    t('task_meta'),
    h(
      'dl.meta',
      dlRow(t('task_type'), type ? L(type.label) : task.type),
      dlRow(t('task_process'), v('process', task.process)),
      dlRow(t('task_status'), open ? t('status_open') : t(`status_${task.status}`)),
      dlRow(t('task_due'), h('span', { class: task.overdue ? 'overdue-date' : '' }, fmtTime(task.dueAt), task.overdue ? h('span.tag.danger', t('tag_overdue')) : null)),
      dlRow(t('task_created'), fmtTime(task.createdAt)),
      task.submittedBy ? dlRow(t('task_submitted_by'), who(task.submittedBy)) : null,
      task.claimedBy ? dlRow(t('task_claimed_by'), who(task.claimedBy)) : null,
      state?.signers?.length
        ? dlRow(
            t('task_signers'),
            h(
              'ul.plain',
              state.signers.map((s) => h('li', s.userId ? who(s.userId) : s.candidateGroups.map(group).join('；'), ' ', h('span', { class: `tag small ${s.status === 'pending' ? 'info' : s.status === 'approved' ? 'ok' : ''}` }, v('signer', s.status)))),
            ),
          )
        : null,
      dlRow(t('task_id'), h('code.small', task.id)),
    ),
    'meta',
  );
  const otherMoves = Object.keys(MOVES).filter((m) => moves.has(m));
  const movesCard = otherMoves.length
    ? card(
        t('task_other_moves'),
        h(
          'div.move-buttons',
          otherMoves.map((m) => h(`button.btn${MOVES[m].danger ? '.danger-outline' : ''}`, { type: 'button', dataset: { move: m }, onclick: () => doMove(m) }, v('move', m))),
        ),
        'moves',
      )
    : null;
  const attachments = attachmentsPanel();
  const history = card(t('task_history'), timeline(d.history || []), 'history');

  // --- live: changes by others ---------------------------------------------------------------
  let seen = task.version; // the newest version this page knows of (its own moves included)
  let ownMoves = 0; // own moves under way: the versions they make are not someone else's
  const liveText = h('span.live-text');
  const live = h(
    'div.live-banner',
    { role: 'status', hidden: true },
    h('span.live-icon', { 'aria-hidden': 'true' }, '↻'),
    liveText,
    h('button.btn.small.live-reload', { type: 'button', onclick: () => app.go(location.hash) }, t('live_reload')),
  );

  main.append(h('article.task-page', head, live, h('div.task-grid', h('div.task-main', project, decision, comments), h('aside.task-side', meta, movesCard, attachments, history))));

  /** Runs one of my own moves; its new version is not a change by someone else. */
  async function mine(fn) {
    ownMoves++;
    try {
      const r = await fn();
      if (typeof r?.version === 'number') seen = Math.max(seen, r.version);
      return r;
    } finally {
      ownMoves--;
    }
  }

  /** Disables the buttons of moves that are no longer allowed (never enables any: reloading does). */
  function disableMoves(allowed) {
    for (const b of main.querySelectorAll('[data-card="moves"] button[data-move]')) if (!allowed.has(b.dataset.move)) b.disabled = true;
    const form = main.querySelector('form.decision-form');
    if (form && !allowed.has('decide')) form.classList.add('locked');
    for (const b of main.querySelectorAll('form.decision-form .form-actions button')) if (!allowed.has(b.type === 'submit' ? 'decide' : 'saveDraft')) b.disabled = true;
  }

  async function checkForChanges() {
    if (ownMoves || !open) return;
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
  const stopPolling = open ? every(TASK_POLL_MS, checkForChanges) : () => {};
  // (the functions below are hoisted; the view's cleanup stops the polling)
  return stopPolling;

  // ------------------------------------------------------------------------------------------
  function decisionPanel() {
    const outcomes = type.outcomes;
    const draft = state.draft && typeof state.draft === 'object' ? { ...state.draft } : null;
    let current = outcomes.find((o) => o.key === draft?._outcome) ?? outcomes[0];
    if (draft) delete draft._outcome;
    let values = draft ?? prefillFrom(ctx, current.schema);
    const formHost = h('div.form-host');
    const general = h('div.form-error', { role: 'alert', hidden: true });
    const submit = h('button.btn', { type: 'submit' });
    const saveDraft = h('button.btn', { type: 'button', onclick: () => doSaveDraft() }, t('task_save_draft'));
    let form;
    let extraComment = null;

    const drawForm = () => {
      form = schemaForm(current.schema, values);
      const hasComment = !!current.schema?.properties?.comment;
      extraComment = hasComment ? null : h('textarea', { id: 'decide-comment', name: 'comment', rows: 3, maxlength: 2000 });
      formHost.replaceChildren(...[form.el, extraComment ? h('div.field.wide.extra-comment', h('label', { for: 'decide-comment' }, v('field', 'comment')), extraComment) : null].filter(Boolean));
      submit.className = `btn ${current.style === 'danger' ? 'danger' : 'primary'}`;
      submit.textContent = outcomes.length > 1 ? t('task_submit', { outcome: L(current.label, current.key) }) : L(current.label, current.key);
      submit.dataset.outcome = current.key;
    };

    const picker =
      outcomes.length > 1
        ? outcomePicker(outcomes, current.key, (o) => {
            values = form.get();
            current = o;
            drawForm();
          })
        : null;

    const body = h(
      'form.decision-form',
      { noValidate: true, onsubmit: (e) => (e.preventDefault(), doDecide()) },
      picker,
      formHost,
      general,
      h('div.form-actions', submit, saveDraft),
    );
    drawForm();

    const showError = (e) => {
      const fe = e instanceof ApiError ? e.fieldErrors() : [];
      if (fe.length) {
        form.setErrors(fe);
        general.hidden = true;
        form.focusFirstError();
      } else {
        form.clearErrors();
        general.textContent = `${t('error_prefix')}：${e.message}`;
        general.hidden = false;
      }
    };

    async function doDecide() {
      submit.disabled = true;
      saveDraft.disabled = true;
      general.hidden = true;
      try {
        const f = form.get();
        const comment = extraComment ? extraComment.value.trim() || null : typeof f.comment === 'string' && f.comment.trim() ? f.comment : null;
        await mine(() => post(`${taskPath(task.id)}/actions`, { action: 'decide', outcome: current.key, form: f, comment }));
        toast(t('task_decided', { title: task.title }));
        app.go(app.lastList);
      } catch (e) {
        showError(e);
      } finally {
        submit.disabled = body.classList.contains('locked');
        saveDraft.disabled = body.classList.contains('locked');
      }
    }

    async function doSaveDraft() {
      saveDraft.disabled = true;
      try {
        await mine(() => post(`${taskPath(task.id)}/actions`, { action: 'saveDraft', form: { ...form.get(), _outcome: current.key } }));
        form.clearErrors();
        general.hidden = true;
        toast(t('task_draft_saved'));
      } catch (e) {
        showError(e);
      } finally {
        saveDraft.disabled = body.classList.contains('locked');
      }
    }

    return card(t('task_decide'), body, 'decision');
  }

  async function doMove(m) {
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
    let personSel;
    let positionSel;
    let stepSel;
    let reasonEl;
    if (spec.person) {
      // only the people who may hold this task (the server refuses anyone else; a lead may reassign to himself)
      let eligible;
      try {
        eligible = await get(`${taskPath(task.id)}/candidates?move=${m}`);
      } catch (e) {
        toast(`${t('error_prefix')}：${e.message}`, 'error');
        return;
      }
      const byOrg = new Map();
      for (const p of eligible) {
        if (!byOrg.has(p.orgId)) byOrg.set(p.orgId, []);
        byOrg.get(p.orgId).push(p);
      }
      personSel = h(
        'select',
        { id: 'move-person', required: true },
        h('option', { value: '' }, `— ${t('choose_person')} —`),
        [...byOrg.entries()].map(([org, ps]) => h('optgroup', { label: orgNames.get(org) ?? org }, ps.map((p) => h('option', { value: p.id }, `${p.name}（${p.roles.map((r) => v('role', r)).join('、')}）`)))),
      );
      fields.push(h('div.field', h('label', { for: 'move-person' }, t('person'), h('span.req', ' *')), personSel));
    }
    if (spec.position) {
      positionSel = h('select', { id: 'move-position' }, h('option', { value: 'after' }, t('position_after')), h('option', { value: 'before' }, t('position_before')));
      fields.push(h('div.field', h('label', { for: 'move-position' }, t('position')), positionSel));
    }
    const targets = state?.spec?.returnTargets ?? [];
    if (spec.toStep && targets.length) {
      stepSel = h('select', { id: 'move-step' }, h('option', { value: '' }, t('to_submitter')), targets.map((r) => h('option', { value: r.step }, r.label)));
      fields.push(h('div.field', h('label', { for: 'move-step' }, t('to_step')), stepSel));
    }
    reasonEl = h('textarea', { id: 'move-reason', rows: 3, maxlength: 2000, required: true });
    fields.push(h('div.field', h('label', { for: 'move-reason' }, spec.comment ? v('field', 'comment') : t('reason'), h('span.req', ' *')), reasonEl));

    const ok = await modal({
      title: v('move', m),
      body: h('div.fields', fields),
      submitLabel: v('move', m),
      cancelLabel: t('cancel'),
      danger: !!spec.danger,
      onSubmit: async () => {
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

  function fieldName(path) {
    if (path === 'toUserId' || path === 'userId') return t('person');
    if (path === 'reason') return t('reason');
    return fieldLabel(path.split('.'));
  }

  function commentsPanel() {
    const list = h('ul.comments');
    const render = (c) => h('li.comment', h('div.comment-head', h('strong', c.authorName || who(c.authorId)), h('time.muted', { datetime: c.at }, fmtTime(c.at))), h('p.comment-body', c.body));
    for (const c of d.comments || []) list.append(render(c));
    const empty = h('p.muted', { hidden: (d.comments || []).length > 0 }, t('task_no_comments'));
    const text = h('textarea', { id: 'comment-body', rows: 2, maxlength: 5000, placeholder: t('task_comment_placeholder') });
    const err = h('p.form-error', { role: 'alert', hidden: true });
    const btn = h('button.btn', { type: 'submit' }, t('task_add_comment'));
    const form = h(
      'form.comment-form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          err.hidden = true;
          const body = text.value.trim();
          if (!body) return;
          btn.disabled = true;
          try {
            const r = await post(`${taskPath(task.id)}/comments`, { body });
            list.append(render({ ...r, body, authorName: app.me.name, authorId: app.me.id }));
            empty.hidden = true;
            text.value = '';
          } catch (ex) {
            err.textContent = `${t('error_prefix')}：${ex.message}`;
            err.hidden = false;
          } finally {
            btn.disabled = false;
          }
        },
      },
      h('label.sr-only', { for: 'comment-body' }, t('task_add_comment')),
      text,
      err,
      h('div.form-actions', btn),
    );
    return card(t('task_comments'), h('div', list, empty, app.can('task.act') ? form : null), 'comments');
  }

  function attachmentsPanel() {
    const list = h('ul.files');
    const render = (a) => {
      const link = h('a', { href: `/api/attachments/${a.id}`, download: a.filename }, a.filename);
      link.addEventListener('click', async (e) => {
        e.preventDefault();
        try {
          await download(a.id, a.filename);
        } catch (ex) {
          toast(`${t('error_prefix')}：${ex.message}`, 'error');
        }
      });
      return h('li', link, h('span.muted.small', ` ${fmtSize(a.size)}`, a.at ? ` · ${fmtTime(a.at)}` : ''));
    };
    for (const a of d.attachments || []) list.append(render(a));
    const empty = h('p.muted', { hidden: (d.attachments || []).length > 0 }, t('task_no_attachments'));
    const file = h('input', { type: 'file', id: 'attach-file', name: 'file', accept: '.pdf,.png,.jpg,.jpeg,.txt,.csv,.doc,.docx,.xls,.xlsx' });
    const err = h('p.form-error', { role: 'alert', hidden: true });
    const btn = h('button.btn.small', { type: 'submit' }, t('task_upload'));
    const form = h(
      'form.upload-form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          err.hidden = true;
          const f = file.files?.[0];
          if (!f) return;
          btn.disabled = true;
          try {
            const fd = new FormData();
            fd.append('file', f, f.name);
            const r = await api('POST', `${taskPath(task.id)}/attachments`, fd);
            list.append(render({ ...r, at: new Date().toISOString() }));
            empty.hidden = true;
            file.value = '';
            toast(t('task_uploaded', { name: r.filename }));
          } catch (ex) {
            err.textContent = `${t('error_prefix')}：${ex.message}`;
            err.hidden = false;
          } finally {
            btn.disabled = false;
          }
        },
      },
      h('label.small', { for: 'attach-file' }, t('task_upload_hint')),
      h('div.upload-row', file, btn),
      err,
    );
    return card(t('task_attachments'), h('div', list, empty, app.can('task.act') ? form : null), 'attachments');
  }

  function timeline(rows) {
    if (!rows.length) return h('p.muted', t('task_no_history'));
    return h(
      'ol.timeline',
      rows.map((r) => {
        const outcome = r.detail?.outcome ? type?.outcomes?.find((o) => o.key === r.detail.outcome) : null;
        const to = r.detail?.toUserId || r.detail?.userId;
        return h(
          'li',
          { class: `ev ev-${String(r.action).replace(/\W/g, '-')}` },
          h('div.ev-head', h('strong', has('audit', r.action) ? v('audit', r.action) : r.action), outcome ? h('span.tag.small', L(outcome.label, outcome.key)) : null),
          h('div.ev-meta', h('time', { datetime: r.at }, fmtTime(r.at)), ' · ', r.actorName || r.actorId, to ? ` → ${who(to)}` : ''),
          r.reason ? h('blockquote.ev-reason', r.reason) : null,
        );
      }),
    );
  }
}

// --- helpers ---------------------------------------------------------------------------------

function card(title, body, name) {
  return h('section.card', { 'aria-labelledby': `card-${name}`, dataset: { card: name } }, h('h2.card-title', { id: `card-${name}` }, title), body);
}
function dlRow(term, def) {
  return [h('dt', term), h('dd', def)];
}

/** The decision form's starting values from the project data (e.g. a revision starts from the application). */
function prefillFrom(ctx, schema) {
  const appData = ctx?.application ?? {};
  const out = {};
  for (const k of Object.keys(schema?.properties ?? {})) {
    if (appData[k] !== undefined) out[k] = appData[k];
    else if (/^approved[A-Z]/.test(k)) {
      const base = k.replace(/^approved(.)/, (_, c) => c.toLowerCase());
      if (appData[base] !== undefined) out[k] = appData[base];
    }
  }
  return out;
}

/** Renders a task's context (spec.context): the application with its indicators, then anything else. */
function projectData(ctx, projectRef, orgNames) {
  const parts = [];
  if (ctx.returnReason) parts.push(h('div.notice.warn', h('strong', v('field', 'returnReason'), '：'), String(ctx.returnReason)));
  const a = ctx.application;
  if (a && typeof a === 'object') {
    const rows = [];
    const scalar = (k, val) => {
      if (val === undefined || val === null || val === '') return;
      let shown = val;
      if (k === 'amountFen' || /Fen$/.test(k)) shown = h('span.amount', yuan(val), h('span.unit', ' 元'));
      else if (k === 'deptId' || k === 'unitId') shown = `${orgNames.get(val) ?? val}（${val}）`;
      else if (k === 'isNew') shown = val ? t('yes') : t('no');
      else if (k === 'kind') shown = v('enum', val);
      rows.push(dlRow(fieldLabel(k === 'name' ? ['application', 'name'] : [k]), shown));
    };
    const order = ['name', 'projectCode', 'amountFen', 'deptId', 'unitId', 'year', 'industry', 'kind', 'isNew'];
    for (const k of order) scalar(k, a[k]);
    for (const [k, val] of Object.entries(a)) if (!order.includes(k) && k !== 'summary' && k !== 'indicators' && (typeof val !== 'object' || val === null)) scalar(k, val);
    parts.push(h('dl.facts', rows));
    if (a.summary) parts.push(h('div.summary-text', h('h3', v('field', 'summary')), h('p', a.summary)));
    if (Array.isArray(a.indicators)) parts.push(h('h3', v('field', 'indicators')), indicatorTable(a.indicators));
  } else if (projectRef) {
    parts.push(
      h('dl.facts', dlRow(fieldLabel(['application', 'name']), projectRef.name), projectRef.code ? dlRow(v('field', 'projectCode'), projectRef.code) : null, projectRef.amountFen !== undefined ? dlRow(v('field', 'amountFen'), h('span.amount', yuan(projectRef.amountFen), ' 元')) : null),
    );
  }
  const rest = Object.entries(ctx).filter(([k]) => k !== 'application' && k !== 'returnReason');
  if (rest.length) {
    parts.push(
      h(
        'dl.facts.secondary',
        rest.map(([k, val]) => dlRow(fieldLabel([k]), k === 'route' ? v('route', val) : generic(val, k))),
      ),
    );
  }
  return parts.length ? h('div.project', parts) : h('p.muted', t('none'));
}

function indicatorTable(list) {
  return h(
    'div.table-wrap',
    h(
      'table.data.indicators',
      h('thead', h('tr', ['indicators.kind', 'category', 'indicators.name', 'target', 'core'].map((k) => h('th', { scope: 'col' }, v('field', k))))),
      h(
        'tbody',
        list.map((i) =>
          h(
            'tr',
            h('td', v('enum', i.kind)),
            h('td', i.category ?? ''),
            h('td', i.name ?? ''),
            h('td.num', `${v('enum', i.direction ?? '')} ${i.target ?? ''}${i.unit ? ` ${i.unit}` : ''}`),
            h('td', i.core ? h('span.tag.small.info', t('yes')) : ''),
          ),
        ),
      ),
    ),
  );
}

/** Any value as readable DOM: objects as definition lists, arrays of objects as tables. */
function generic(val, key) {
  if (val === null || val === undefined) return '';
  if (typeof val === 'number' && key && /Fen$/.test(key)) return h('span.amount', yuan(val), ' 元');
  if (typeof val === 'boolean') return val ? t('yes') : t('no');
  if (Array.isArray(val)) {
    if (val.length && val.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const cols = [...new Set(val.flatMap((x) => Object.keys(x)))];
      return h('div.table-wrap', h('table.data', h('thead', h('tr', cols.map((c) => h('th', fieldLabel([key, c]))))), h('tbody', val.map((x) => h('tr', cols.map((c) => h('td', generic(x[c], c))))))));
    }
    return val.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join('、');
  }
  if (typeof val === 'object') return h('dl.facts.nested', Object.entries(val).map(([k, x]) => dlRow(fieldLabel([k]), generic(x, k))));
  return String(val);
}
