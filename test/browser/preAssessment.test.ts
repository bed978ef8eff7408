// Pre-assessment in the web inbox, in a real headless Chromium against the real system (Temporal,
// database, API, finance stand-in): the notices page (a failed application's unit reads why, marks it
// read, audited), the dashboard's pre-assessment figures card drawn from a year's real reviews with
// its CSV and xlsx links, and the indicator library's past cases beside the targets being drafted.
// Screenshots go to test-results/screenshots/ (git-ignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { aspects } from '../helpers/fixtures';
import { startStandIn, type StandIn } from '../finance/standIn';
import { openPage } from './pages';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const YEAR = 2031; // the budget year this file's applications are for (its own: no other test's figures)

let seq = 0;
const application = (unit: 'U0101' | 'U0201', name: string, amountFen = 600_000_000) => ({
  projectCode: `${unit}-${YEAR}-BRPA-${Date.now()}-${++seq}`,
  name,
  deptId: unit === 'U0101' ? 'D01' : 'D02',
  unitId: unit,
  amountFen, // 6,000,000 yuan, new → key assessment by finance
  industry: unit === 'U0101' ? '教育' : '卫生健康',
  isNew: true,
  kind: 'project',
  year: YEAR,
  indicators: [{ kind: 'output', category: '数量指标', name: '建设数量', target: '10', unit: '个', direction: '>=' }],
});

describe.skipIf(!hasChromium)(hasChromium ? 'pre-assessment in the web inbox (headless Chromium)' : `pre-assessment web: SKIPPED, no Chromium at ${CHROMIUM}`, () => {
  let fin: StandIn;
  let sys: TestSystem;
  let browser: Browser;
  let u0101: Http;
  let u0201: Http;
  let perf: Http;
  const pageErrors: string[] = [];
  const failed = application('U0101', '浏览器通知测试未通过项目');

  const act = (who: Http, taskId: string, body: unknown) => who.post(`/api/tasks/${encodeURIComponent(taskId)}/actions`, body);
  const reviewOf = (code: string, not?: string) =>
    eventually(async () => (await perf.get(`/api/tasks?q=${encodeURIComponent(code.toLowerCase())}`)).body.items?.find((t: { type: string; id: string; status: string }) => t.type === 'preAssessment.review' && t.status === 'open' && t.id !== not), `review of ${code}`);

  /** One application through its real process: submitted, perhaps returned and resubmitted, then decided. */
  async function run(who: Http, app: ReturnType<typeof application>, decide: Record<string, unknown>, returnFirst = false): Promise<void> {
    const r = await who.post('/api/pre-assessments', app);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    let review = await reviewOf(app.projectCode);
    if (returnFirst) {
      expect((await act(perf, review.id, { action: 'return', reason: '请细化绩效目标' })).status).toBe(200);
      const revise = await eventually(async () => (await who.get(`/api/tasks?q=${encodeURIComponent(app.projectCode.toLowerCase())}`)).body.items?.find((t: { type: string; status: string }) => t.type === 'preAssessment.revise' && t.status === 'open'), 'the revision');
      expect((await act(who, revise.id, { action: 'decide', outcome: 'resubmit', form: { summary: '已细化绩效目标' } })).status).toBe(200);
      review = await reviewOf(app.projectCode, review.id);
    }
    expect((await act(perf, review.id, { action: 'decide', ...decide })).status).toBe(200);
    await sys.deps.temporal.workflow.getHandle(r.body.workflowId).result();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fin = await startStandIn({ projectIdPrefix: 'BRPA' });
    [sys, browser] = await Promise.all([
      startSystem({ FINANCE_URL: fin.url }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }),
    ]);
    [u0101, u0201, perf] = await Promise.all([sys.as('u0101-preparer'), sys.as('u0201-preparer'), sys.as('perf-officer')]);
    // the year's reviews, through the real processes: D01 passes one, passes one reduced, fails one after a revision; D02 passes one
    await run(u0101, application('U0101', '浏览器统计一次通过项目'), { outcome: 'pass', form: { aspects: aspects(18) } });
    await run(u0101, application('U0101', '浏览器统计核减项目'), { outcome: 'passReduced', form: { aspects: aspects(15), approvedAmountFen: 180_000_000 }, comment: '核减70%' });
    await run(u0101, failed, { outcome: 'fail', form: { aspects: aspects(6), comment: '立项依据不充分' }, comment: '立项依据不充分' }, true);
    await run(u0201, application('U0201', '浏览器统计医院项目', 700_000_000), { outcome: 'pass', form: { aspects: aspects(19) } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await fin?.stop();
    expect(pageErrors).toEqual([]);
  });

  const pageAs = (token: string, acceptDownloads = false): Promise<{ ctx: BrowserContext; page: Page }> => openPage(browser, pageErrors, { token, acceptDownloads });
  it('the unit reads why its application failed on the notices page, marks it read (audited), and the unread count goes down', async () => {
    const notice = await eventually(async () => (await u0101.get('/api/notices')).body.items?.find((n: { subject: string }) => n.subject.includes(failed.name)), 'the failure notice');
    expect(notice).toMatchObject({ kind: 'decided', read: false, readAt: null });
    const before = (await u0101.get('/api/notices')).body.unread as number;
    expect(before).toBeGreaterThan(0);

    const { ctx, page } = await pageAs(u0101.token);
    await page.goto(`${sys.url}/#/notices`);
    const link = page.locator('a.nav-link[href="#/notices"]');
    await expect.poll(() => link.locator('.badge').textContent()).toBe(String(before));
    const item = page.locator(`li.notice-item[data-notice-id="${notice.id}"]`);
    await item.waitFor();
    expect(await item.getAttribute('class')).toContain('unread');
    expect(await item.locator('.notice-subject').textContent()).toContain('事前评估未通过');
    expect(await item.locator('.notice-text').textContent()).toContain('立项依据不充分');
    await page.screenshot({ path: join(SHOTS, 'pre-assessment-notices.png'), fullPage: true });

    await item.locator('button.mark-read').click();
    await expect.poll(async () => page.locator(`li.notice-item[data-notice-id="${notice.id}"]`).getAttribute('class')).toContain('read');
    expect(await page.locator(`li.notice-item[data-notice-id="${notice.id}"]`).getAttribute('class')).not.toContain('unread');
    await expect.poll(() => link.locator('.badge').evaluate((b) => (b.hasAttribute('hidden') ? '' : b.textContent))).toBe(before - 1 ? String(before - 1) : '');
    const after = await u0101.get('/api/notices');
    expect(after.body.unread).toBe(before - 1);
    expect(after.body.items.find((n: { id: string }) => n.id === notice.id)).toMatchObject({ read: true, readAt: expect.any(String) });
    const { rows } = await sys.deps.db.query<{ actor_id: string }>(`SELECT actor_id FROM audit WHERE action = 'notice.read' AND detail->>'notice' = $1`, [notice.id]);
    expect(rows).toEqual([{ actor_id: 'u0101-preparer' }]);

    // unread only: it is gone from the list; another person cannot mark it
    await page.locator('#notices-unread').check();
    await page.waitForURL((u) => u.hash === '#/notices?unread=true');
    await page.locator('.notices-count').waitFor();
    expect(await page.locator(`li.notice-item[data-notice-id="${notice.id}"]`).count()).toBe(0);
    expect((await u0201.post(`/api/notices/${notice.id}/read`)).status).toBe(404);
    expect((await u0101.post('/api/notices/abc/read')).body.error.field).toBe('params.id');
    await ctx.close();
  });

  it('the dashboard’s pre-assessment card shows the year’s figures from the reviews, and its CSV and xlsx links download them', async () => {
    const api = (await perf.get(`/api/pre-assessment-figures?year=${YEAR}`)).body.items as Array<{ deptId: string; assessed: number; passedFirstTime: number; firstPassRate: number; requestedFen: number; approvedFen: number; cutFen: number }>;
    const d01 = api.find((d) => d.deptId === 'D01')!;
    // what the processes above did: three assessed in D01, two passed the first time, 18,000,000 requested, 7,800,000 approved
    expect(d01).toMatchObject({ assessed: 3, passedFirstTime: 2, requestedFen: 1_800_000_000, approvedFen: 780_000_000, cutFen: 1_020_000_000 });
    expect(api.find((d) => d.deptId === 'D02')).toMatchObject({ assessed: 1, passedFirstTime: 1 });

    const { ctx, page } = await pageAs(perf.token, true);
    await page.goto(`${sys.url}/#/dashboard`);
    const card = page.locator('section.process-panel[data-process="preAssessment"]');
    await card.waitFor();
    expect(await card.locator('h2').textContent()).toBe('事前绩效评估统计');
    await card.locator('input[type="number"]').fill(String(YEAR));
    await card.getByRole('button', { name: '查看' }).click();
    const row = card.locator('table.figures tr[data-dept="D01"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    const wan = (fen: number) => String(Math.round(fen / 100) / 10000);
    expect(cells).toEqual(['教育厅', String(d01.assessed), String(d01.passedFirstTime), `${Math.round(d01.firstPassRate * 1000) / 10}%`, wan(d01.requestedFen), wan(d01.approvedFen), wan(d01.cutFen)]);
    expect(await card.locator('table.figures tbody tr').count()).toBe(api.length);
    await expect.poll(() => card.locator('.chart canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'pre-assessment-figures.png'), fullPage: true });

    const [csv] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '导出 CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe(`pre-assessment-${YEAR}.csv`);
    const text = readFileSync((await csv.path())!, 'utf8');
    const line = text.split(/\r?\n/).find((l) => l.startsWith('D01'));
    expect(line?.split(',').slice(0, 6)).toEqual(['D01', '教育厅', '3', '2', String(Math.round(d01.firstPassRate * 10000) / 100), String(d01.requestedFen / 100)]);

    const [xlsx] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(xlsx.suggestedFilename()).toBe(`pre-assessment-${YEAR}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path())!);
    const sheet = wb.worksheets[0];
    const rows: unknown[][] = [];
    sheet.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[0] === 'D01')?.slice(0, 4)).toEqual(['D01', '教育厅', 3, 2]);
    await ctx.close();
  });

  it('beside the targets being drafted, the unit sees its industry’s indicators and how past cases set theirs, with values achieved', async () => {
    const cases = (await u0101.get('/api/case-library?industry=' + encodeURIComponent('教育'))).body.items as Array<{ id: string; name: string; indicators: Array<{ name: string; target: string; achieved: string | null }> }>;
    expect(cases.length).toBeGreaterThan(0);
    const { ctx, page } = await pageAs(u0101.token);
    await page.goto(`${sys.url}/#/new`);
    const card = page.locator('[data-card="library"]');
    await card.waitFor();
    await card.locator('#lib-industry').fill('教育');
    await card.getByRole('button', { name: '查询' }).click();
    await card.locator('li.case').first().waitFor();
    expect(await card.locator('li.case').count()).toBe(cases.length);
    expect(await card.locator('.library-cases h3').textContent()).toContain(String(cases.length));
    const first = card.locator(`li.case[data-case-id="${cases[0].id}"]`);
    await first.locator('summary').click();
    const rows = await first.locator('table.case-indicators tbody tr').allTextContents();
    expect(rows).toHaveLength(cases[0].indicators.length);
    expect(rows[0]).toContain(cases[0].indicators[0].name);
    expect(rows[0]).toContain(cases[0].indicators[0].achieved ?? '—');
    expect(await card.locator('.library-indicators summary').textContent()).toMatch(/指标库：\d+ 项指标/);
    await page.screenshot({ path: join(SHOTS, 'pre-assessment-cases.png'), fullPage: true });

    // narrowed by text: only the cases the API finds
    const word = cases[0].indicators[0].name;
    const narrowed = (await u0101.get(`/api/case-library?industry=edu&q=${encodeURIComponent(word)}`)).body.items.length;
    await card.locator('#lib-q').fill(word);
    await card.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => card.locator('li.case').count()).toBe(narrowed);
    await ctx.close();
  });
});
