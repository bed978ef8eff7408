// @ts-check
// Shared app state (who is logged in, the config) and navigation, used by every view.
import { setToken, resetCaches } from './api.js';

const NEXT = 'jx.next';

export const app = {
  me: null,
  config: null,
  /** The list's last hash (with its filters), so "back" returns to the same list. */
  lastList: '#/tasks',
  /** Navigates; re-renders when the hash is already the target. */
  go(hash) {
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = hash;
  },
  can(p) {
    return !!app.me?.permissions?.includes(p);
  },
  /** Remembers where a logged-out user was going (a deep link from a mail). */
  rememberNext(hash) {
    sessionStorage.setItem(NEXT, hash || '#/tasks');
  },
  peekNext() {
    return sessionStorage.getItem(NEXT);
  },
  logout() {
    setToken(null);
    app.me = null;
    resetCaches();
    sessionStorage.removeItem(NEXT);
    app.go('#/login');
  },
  /** After a successful login: on to the remembered deep link, or the inbox. */
  loggedIn(token) {
    setToken(token);
    app.me = null;
    resetCaches();
    const next = sessionStorage.getItem(NEXT);
    sessionStorage.removeItem(NEXT);
    app.go(next && !next.startsWith('#/login') ? next : '#/tasks');
  },
};
