// @ts-check
// Login: pick a seeded demo user, grouped by organisation, roles in words.
import { get, post } from './api.js';
import { h } from './dom.js';
import { t, v } from './i18n.js';
import { app } from './state.js';

export async function loginView(main, { stale, next }) {
  const users = await get('/api/auth/demo-users');
  if (stale()) return;
  const error = h('p.form-error', { role: 'alert', hidden: true });
  const byOrg = new Map();
  for (const u of users) {
    if (!byOrg.has(u.orgId)) byOrg.set(u.orgId, { name: u.orgName, users: [] });
    byOrg.get(u.orgId).users.push(u);
  }
  // finance first, then departments, units, agencies, experts, observers
  const rank = (id) => [/^FIN/, /^D\d/, /^U\d/, /^AG/, /^EXP/, /^OBS/].findIndex((re) => re.test(id));
  const groups = [...byOrg.entries()].sort(([a], [b]) => (rank(a) < 0 ? 99 : rank(a)) - (rank(b) < 0 ? 99 : rank(b)) || a.localeCompare(b));
  const login = async (u, btn) => {
    error.hidden = true;
    btn.disabled = true;
    try {
      const { token } = await post('/api/auth/login', { userId: u.id });
      app.loggedIn(token);
    } catch (e) {
      error.textContent = `${t('login_failed')}：${e.message}`;
      error.hidden = false;
      btn.disabled = false;
    }
  };
  const deepTask = next && next.startsWith('#/tasks/') ? decodeURIComponent(next.slice('#/tasks/'.length)) : null;
  main.append(
    h(
      'section.login',
      h('h1', t('login_title')),
      h('p.muted', t('login_intro')),
      deepTask ? h('p.notice', t('login_then', { what: deepTask })) : null,
      error,
      users.length
        ? h(
            'div.org-grid',
            groups.map(([orgId, org]) =>
              h(
                'section.org-card',
                { 'aria-labelledby': `org-${orgId}` },
                h('h2', { id: `org-${orgId}` }, org.name, h('span.org-id', orgId)),
                h(
                  'ul.user-list',
                  org.users.map((u) => {
                    const btn = h(
                      'button.user-pick',
                      { type: 'button', dataset: { userId: u.id }, 'aria-label': t('login_as', { name: `${u.name}（${u.roles.map((r) => v('role', r)).join('、')}）` }) },
                      h('span.user-name', u.name),
                      h('span.user-roles', u.roles.map((r) => h('span.role-chip', v('role', r)))),
                      h('span.user-id', u.id),
                    );
                    btn.addEventListener('click', () => login(u, btn));
                    return h('li', btn);
                  }),
                ),
              ),
            ),
          )
        : h('p.notice', t('login_none')),
    ),
  );
  main.querySelector('.user-pick')?.focus();
}
