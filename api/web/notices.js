// @ts-check
// The notices page of the inbox (#/notices): what processes tell the user that is not a task to do
// (GET /api/notices: a failed pre-assessment and why, a revised report passed on to the budget
// division, …), newest first, unread ones marked; opening one's link or pressing 已读 marks it read
// (POST /api/notices/:id/read, audited). The header's link shows how many are unread.
import { get, post } from './api.js';
import { fmtTime, h } from './dom.js';
import { translator } from './i18n.js';

/** @type {import('./types.js').Strings} */
export const noticeStrings = {
  nav_notices: { zh: '通知', en: 'Notices' },
  notices_title: { zh: '我的通知', en: 'My notices' },
  notices_intro: { zh: '各业务流程发给您的通知（如事前评估未通过及原因、修改后的评估报告转预算处），不需办理。', en: 'What the processes tell you that needs no action (a failed pre-assessment and why, a revised report passed on to the budget division, …).' },
  notices_none: { zh: '暂无通知。', en: 'No notices.' },
  notices_unread_only: { zh: '只看未读', en: 'Unread only' },
  notices_unread: { zh: '未读', en: 'Unread' },
  notices_read: { zh: '已读', en: 'Read' },
  notices_mark_read: { zh: '标为已读', en: 'Mark read' },
  notices_open: { zh: '打开相关事项', en: 'Open' },
  notices_mailed: { zh: '已发邮件', en: 'Mailed' },
  notices_count: { zh: '共 {n} 条，未读 {unread} 条', en: '{n} notices, {unread} unread' },
};
const t = translator(noticeStrings);

/** @typedef {{ id: string, kind: string, subject: string, text: string, link: string | null, at: string, mailed: boolean, read: boolean, readAt: string | null }} Notice */

/** How many of the user's notices are unread (for the header's link); null when the API does not answer. */
export async function unreadNotices() {
  try {
    /** @type {{ unread: number }} */
    const r = await get('/api/notices?limit=1');
    return r.unread;
  } catch {
    return null;
  }
}

/** @param {HTMLElement} main @param {import('./types.js').ViewContext} ctx @param {URLSearchParams} query */
export async function noticesView(main, { stale }, query) {
  const unreadOnly = query.get('unread') === 'true';
  /** @type {{ items: Notice[], unread: number }} */
  const r = await get(`/api/notices?limit=200${unreadOnly ? '&unread=true' : ''}`);
  if (stale()) return;
  const count = h('p.muted.notices-count', t('notices_count', { n: r.items.length, unread: r.unread }));
  let unread = r.unread;
  const badge = () => /** @type {HTMLElement | null} */ (document.querySelector('a.nav-link[href="#/notices"] .badge'));
  /** @param {Notice} n @param {HTMLElement} row */
  const markRead = async (n, row) => {
    if (n.read) return;
    const done = /** @type {Notice} */ (await post(`/api/notices/${encodeURIComponent(n.id)}/read`));
    n.read = done.read;
    n.readAt = done.readAt;
    unread = Math.max(0, unread - 1);
    row.replaceWith(item(n));
    count.textContent = t('notices_count', { n: r.items.length, unread });
    const b = badge();
    if (b) {
      b.textContent = String(unread);
      b.hidden = unread === 0;
    }
  };
  /** @param {Notice} n @returns {HTMLElement} */
  const item = (n) => {
    const row = h(
      `li.notice-item${n.read ? '.read' : '.unread'}`,
      { 'data-notice-id': n.id, 'data-kind': n.kind, 'aria-label': `${n.read ? t('notices_read') : t('notices_unread')}：${n.subject}` },
      h(
        'div.notice-head',
        h(`span.tag.small${n.read ? '' : '.info'}`, n.read ? t('notices_read') : t('notices_unread')),
        ' ',
        h('strong.notice-subject', n.subject),
        ' ',
        h('span.muted', fmtTime(n.at)),
        n.mailed ? h('span.muted', ` · ${t('notices_mailed')}`) : null,
      ),
      h('p.notice-text', { style: 'white-space:pre-line' }, n.text),
      h(
        'p.notice-actions',
        n.link ? h('a', { href: n.link, onclick: () => void markRead(n, row).catch(() => {}) }, t('notices_open')) : null,
        n.read ? null : h('button.btn.small.mark-read', { type: 'button', onclick: () => void markRead(n, row) }, t('notices_mark_read')),
      ),
    );
    return row;
  };
  main.append(
    h(
      'section.card.notices-page',
      h('div.page-head', h('h1', t('notices_title')), h('p.muted', t('notices_intro'))),
      h(
        'p.toolbar',
        h('label', h('input', { type: 'checkbox', id: 'notices-unread', checked: unreadOnly, onchange: (/** @type {Event} */ e) => (location.hash = /** @type {HTMLInputElement} */ (e.target).checked ? '#/notices?unread=true' : '#/notices') }), ' ', t('notices_unread_only')),
      ),
      count,
      r.items.length ? h('ul.notices', { style: 'list-style:none;padding:0' }, r.items.map(item)) : h('p.muted', t('notices_none')),
    ),
  );
}
