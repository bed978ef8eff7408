// @ts-check
// The inbox single-page app: shell, hash router, login state.
//   #/login  #/tasks?mine=…  #/tasks/<encodeURIComponent(taskId)>  #/dashboard  #/notices
//   #/<route>: a process's start page (its web module's `start`, e.g. pre-assessment's #/new)
import { get, getToken, setToken, setUnauthorizedHandler } from './api.js';
import { app } from './state.js';
import { h, clear } from './dom.js';
import { getLang, L, onLang, setLang, t, v } from './i18n.js';
import { loginView } from './login.js';
import { listView } from './list.js';
import { taskView } from './task.js';
import { dashboardView } from './dashboard.js';
import { noticeStrings, noticesView, unreadNotices } from './notices.js';
import { loadProcesses, startPage, startPages } from './processes.js';

setUnauthorizedHandler(() => {
  if (location.hash.startsWith('#/login')) return;
  app.rememberNext(location.hash);
  setToken(null);
  app.me = null;
  location.hash = '#/login';
});

const header = document.getElementById('header');
const main = document.getElementById('main');
/** @type {(() => void) | null} */
let cleanup = null;
let generation = 0;

/** @param {string} hash */
function parse(hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = raw.split('?');
  const segs = pathPart.split('/').filter((s) => s !== '');
  return { name: segs[0] || 'tasks', arg: segs.length > 1 ? segs.slice(1).join('/') : null, query: new URLSearchParams(query) };
}

/** @param {string} active */
function renderHeader(active) {
  const me = app.me;
  /** @param {string} hash @param {string} text @param {string} name */
  const link = (hash, text, name) => h('a.nav-link', { href: hash, 'aria-current': active === name ? 'page' : undefined }, text);
  clear(header).append(
    h(
      'div.header-inner',
      h(
        'a.brand',
        { href: '#/tasks' },
        h('span.brand-mark', { 'aria-hidden': 'true' }, '绩'),
        h('span.brand-text', h('span.brand-name', t('appName')), app.config?.region?.name ? h('span.brand-region', app.config.region.name) : null),
      ),
      me
        ? h(
            'nav.nav',
            { 'aria-label': 'main' },
            link(app.lastList, t('nav_tasks'), 'tasks'),
            startPages()
              .filter((s) => app.can(s.permission))
              .map((s) => link(`#/${s.route}`, L(s.label), s.route)),
            app.can('dashboard.read') ? link('#/dashboard', t('nav_dashboard'), 'dashboard') : null,
            noticesLink(active),
          )
        : h('div.nav'),
      h(
        'div.header-tools',
        me ? h('span.who', { title: me.id }, h('span.who-name', me.name), h('span.who-role', me.roles.map((r) => v('role', r)).join('、'))) : null,
        h('button.btn.ghost.small', { type: 'button', 'aria-label': t('lang_switch_label'), onclick: () => setLang(getLang() === 'en' ? 'zh' : 'en') }, t('lang_switch')),
        me ? h('button.btn.ghost.small', { type: 'button', onclick: () => app.logout() }, t('logout')) : null,
      ),
    ),
  );
}

/** The notices link, with how many are unread once the API says. @param {string} active */
function noticesLink(active) {
  const badge = h('span.badge', { hidden: true });
  void unreadNotices().then((n) => {
    badge.textContent = String(n ?? '');
    badge.hidden = !n;
  });
  return h('a.nav-link', { href: '#/notices', 'aria-current': active === 'notices' ? 'page' : undefined }, L(noticeStrings.nav_notices), ' ', badge);
}

export async function route() {
  const gen = ++generation;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const r = parse(location.hash);
  if (r.name !== 'login' && !getToken()) {
    app.rememberNext(location.hash);
    location.hash = '#/login';
    return;
  }
  if (!app.config) app.config = await get('/api/config').catch(() => ({}));
  if (r.name !== 'login' && !app.me) {
    try {
      app.me = await get('/api/me');
    } catch {
      return; // 401 → the handler went to login; anything else: try again on the next navigation
    }
  }
  if (r.name !== 'login') {
    try {
      await loadProcesses();
    } catch (e) {
      if (e?.status === 401) return;
      console.warn('GET /api/process-types failed', e); // the inbox works without the processes' labels
    }
  }
  if (gen !== generation) return;
  renderHeader(r.name);
  clear(main);
  main.setAttribute('aria-busy', 'true');
  const stale = () => gen !== generation;
  try {
    switch (r.name) {
      case 'login':
        if (getToken() && app.me) return app.go('#/tasks');
        await loginView(main, { stale, next: app.peekNext() });
        break;
      case 'tasks':
        if (r.arg) cleanup = (await taskView(main, decodeURIComponent(r.arg), { stale })) || null;
        else {
          app.lastList = location.hash.startsWith('#/tasks') ? location.hash : '#/tasks';
          cleanup = (await listView(main, r.query, { stale })) || null;
        }
        break;
      case 'dashboard':
        await dashboardView(main, { stale });
        break;
      case 'notices':
        await noticesView(main, { stale }, r.query);
        break;
      default: {
        const start = startPage(r.name);
        if (start) cleanup = (await start.view(main, { stale })) || null;
        else app.go('#/tasks');
      }
    }
  } catch (e) {
    if (stale()) return;
    if (e?.status === 401) return;
    clear(main).append(h('div.panel.error-panel', { role: 'alert' }, h('p', e?.status === 404 ? t('not_found') : e?.status === 403 ? t('forbidden') : e?.message || String(e)), h('p', h('a', { href: app.lastList }, t('back_to_list')))));
  } finally {
    if (!stale()) main.removeAttribute('aria-busy');
  }
  if (!stale()) {
    const h1 = main.querySelector('h1');
    document.title = h1 ? `${h1.textContent} · ${t('appShort')}` : t('appName');
  }
}

// the skip link must not change the hash (that is the router's)
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
onLang(() => void route());
window.addEventListener('hashchange', () => void route());
void route();
