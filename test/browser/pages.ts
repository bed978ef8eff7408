// A page in a fresh browser context for the browser tests: the size, locale and time zone the
// inbox is built for, logged in by token (no login page), and every script error collected into
// `errors` (a 4xx the page shows inline is expected; a script error is not).
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface PageOptions {
  token?: string;
  /** Shortens the app's polling (live.js reads localStorage 'jx.pollMs'). */
  pollMs?: number;
  acceptDownloads?: boolean;
}

export async function openPage(browser: Browser, errors: string[], { token, pollMs, acceptDownloads = false }: PageOptions = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ acceptDownloads, viewport: { width: 1360, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const init = [pollMs ? `localStorage.setItem('jx.pollMs', ${JSON.stringify(String(pollMs))});` : '', token ? `localStorage.setItem('jx.token', ${JSON.stringify(token)});` : ''].join('');
  if (init) await ctx.addInitScript({ content: init });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000); // generous: in the full suite other test files share the CPUs
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { ctx, page };
}
