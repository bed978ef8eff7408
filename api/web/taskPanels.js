// @ts-check
// The task page's comments, attachments and history.
import { api, download, localMessage, post, taskPath } from './api.js';
import { fmtSize, fmtTime, h, toast } from './dom.js';
import { has, L, t, v } from './i18n.js';
import { card } from './render.js';
import { app } from './state.js';

/** @typedef {import('./task.js').TaskPage} TaskPage */

/** @param {TaskPage} page */
export function commentsPanel({ d, who }) {
  const list = h('ul.comments');
  /** @param {NonNullable<import('./types.js').TaskDetail['comments']>[number]} c */
  const render = (c) => h('li.comment', h('div.comment-head', h('strong', c.authorName || who(c.authorId)), h('time.muted', { datetime: c.at }, fmtTime(c.at))), h('p.comment-body', c.body));
  for (const c of d.comments || []) list.append(render(c));
  const empty = h('p.muted', { hidden: (d.comments || []).length > 0 }, t('task_no_comments'));
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'comment-body', rows: 2, maxlength: 5000, placeholder: t('task_comment_placeholder') }));
  const err = h('p.form-error', { role: 'alert', hidden: true });
  const btn = /** @type {HTMLButtonElement} */ (h('button.btn', { type: 'submit' }, t('task_add_comment')));
  const form = h(
    'form.comment-form',
    {
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        err.hidden = true;
        const body = text.value.trim();
        if (!body) return;
        btn.disabled = true;
        try {
          const r = await post(`${taskPath(d.task.id)}/comments`, { body });
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

/** @param {TaskPage} page */
export function attachmentsPanel({ d }) {
  const list = h('ul.files');
  /** @param {NonNullable<import('./types.js').TaskDetail['attachments']>[number]} a */
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
  const file = /** @type {HTMLInputElement} */ (h('input', { type: 'file', id: 'attach-file', name: 'file', accept: '.pdf,.png,.jpg,.jpeg,.txt,.csv,.doc,.docx,.xls,.xlsx' }));
  const err = h('p.form-error', { role: 'alert', hidden: true });
  const btn = /** @type {HTMLButtonElement} */ (h('button.btn.small', { type: 'submit' }, t('task_upload')));
  const form = h(
    'form.upload-form',
    {
      onsubmit: async (/** @type {Event} */ e) => {
        e.preventDefault();
        err.hidden = true;
        const f = file.files?.[0];
        if (!f) return;
        btn.disabled = true;
        try {
          const fd = new FormData();
          fd.append('file', f, f.name);
          const r = await api('POST', `${taskPath(d.task.id)}/attachments`, fd);
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

/** @param {TaskPage} page */
export function historyPanel({ d, who }) {
  const rows = d.history || [];
  const body = !rows.length
    ? h('p.muted', t('task_no_history'))
    : h(
        'ol.timeline',
        rows.map((r) => {
          const outcome = r.detail?.outcome ? d.type?.outcomes?.find((o) => o.key === r.detail.outcome) : null;
          const to = r.detail?.toUserId || r.detail?.userId;
          return h(
            'li',
            { class: `ev ev-${String(r.action).replace(/\W/g, '-')}` },
            h('div.ev-head', h('strong', has('audit', r.action) ? v('audit', r.action) : r.action), outcome ? h('span.tag.small', L(outcome.label, outcome.key)) : null),
            h('div.ev-meta', h('time', { datetime: r.at }, fmtTime(r.at)), ' · ', r.actorName || r.actorId, to ? ` → ${who(to)}` : ''),
            // a refused queued decision's reason is the workflow's (English): in Chinese when the page is
            r.reason ? h('blockquote.ev-reason', r.action === 'task.decisionRefused' ? localMessage(r.reason) : r.reason) : null,
          );
        }),
      );
  return card(t('task_history'), body, 'history');
}
