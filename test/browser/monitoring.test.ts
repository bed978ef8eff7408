// The monitoring round page in a real headless Chromium against the real system (Temporal, database,
// API, finance stand-in): a round with a department whose part failed. A department reviewer sees the
// round, its chart drawn (their department's projects, every form still open) and the failed department,
// but neither 作废本轮监控 nor 重新监控 (only finance may use them: the API says 403 to anyone else); a finance officer sees both, cancels the round from the page with
// a reason, and the page shows it 已作废 with who and why.
// Screenshots go to test-results/screenshots/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowIdReusePolicy, type WorkflowHandle } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MONITORING_ROUND_WORKFLOW, batchWorkflowId, departmentWorkflowId, roundId } from '../../contracts/monitoring/names';
import { roundTemplate } from '../../contracts/monitoring/settings';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, type StandIn } from '../finance/standIn';
import { openPage } from './pages';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/** A budget year and a cut-off of this file's own (round ids are shared in the namespace); the page offers this cut-off. */
const YEAR = 2034;
const CUTOFF = '07-31';
const SCALE = { departments: 2, units: 4, projects: 24, transfers: 0, countiesPerTransfer: 0, years: 1 as const, libraryShare: 0 };
/** A task queue no worker polls: a workflow started there holds its id and never runs. */
const NOBODY = 'jixiao-test-nobody-polls';

describe.skipIf(!hasChromium)(hasChromium ? 'the monitoring round page (headless Chromium)' : `monitoring round page: SKIPPED, no Chromium at ${CHROMIUM}`, () => {
  const round = roundId(YEAR, CUTOFF);
  let fin: StandIn;
  let sys: TestSystem;
  let browser: Browser;
  let perf: Http;
  let reviewer: Http;
  let squatter: WorkflowHandle;
  const pageErrors: string[] = [];
  const rowOf = async () => (await sys.deps.db.query<{ stage: string; cancelled_by: string | null; cancel_reason: string | null; failures: Array<{ deptId: string }> }>('SELECT stage, cancelled_by, cancel_reason, failures FROM monitoring_rounds WHERE round = $1', [round])).rows[0];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fin = await startStandIn({ scale: SCALE, seed: 67, year: YEAR });
    [sys, browser] = await Promise.all([
      startSystem({ FINANCE_URL: fin.url, REGION: 'inner-mongolia' }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }),
    ]);
    [perf, reviewer] = await Promise.all([sys.as('perf-officer'), sys.as('d01-reviewer')]);
    const d02 = (await fin.client.listProjects({ year: YEAR, deptId: 'D02', expenditure: 'project', limit: 500 })).items.length;
    expect(d02, 'D02 has two batches').toBeGreaterThan(3);
    // D02's second batch cannot start (its id is taken): D02's part fails for good and the round lists it
    squatter = await sys.deps.temporal.workflow.start('squatter', { workflowId: batchWorkflowId(departmentWorkflowId(round, 'D02'), 1), taskQueue: NOBODY });
    const rounds = sys.config.region.monitoring.rounds;
    const t = roundTemplate(sys.config.region, rounds.find((r) => r.cutoff === CUTOFF) ?? rounds[0], 'test');
    await sys.deps.temporal.workflow.start(MONITORING_ROUND_WORKFLOW, {
      workflowId: round,
      taskQueue: sys.config.temporal.taskQueue,
      args: [{ ...t, cutoff: CUTOFF, profile: { ...t.profile, executionLagPoints: 100 }, year: YEAR, batchSize: 3, formDueMs: 600_000 }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    await eventually(async () => {
      const r = await rowOf();
      return r?.stage === 'open' && r.failures.some((f) => f.deptId === 'D02');
    }, 'the round open with D02 failed', 60_000);
  }, 180_000);
  afterAll(async () => {
    await squatter?.terminate('test done').catch(() => undefined);
    await browser?.close();
    await sys?.stop();
    await fin?.stop();
    expect(pageErrors).toEqual([]);
  });

  const pageAs = (token: string): Promise<{ ctx: BrowserContext; page: Page }> => openPage(browser, pageErrors, { token });
  /**
   * Run in the page (the test's tsconfig has no DOM): the round chart's first bar with a value (its
   * first department), and whether the canvas is painted in that bar's colour at the bar's middle.
   */
  const CHART_PAINT = `(() => {
    const el = document.querySelector('.round-chart');
    const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
    const none = { dept: null, series: null, value: 0, painted: false, pixel: null };
    if (!chart) return none;
    const option = chart.getOption();
    const dept = option.xAxis[0].data[0];
    for (const [i, s] of option.series.entries()) {
      const v = s.data[0] || 0;
      if (!v) continue;
      // the bar as laid out (beside the category's other bars, not at its centre)
      const bar = chart.getModel().getSeriesByIndex(i).getData().getItemLayout(0);
      const [x, y] = [bar.x + bar.width / 2, bar.y + bar.height / 2];
      const canvas = el.querySelector('canvas');
      if (!canvas) return none;
      const dpr = canvas.width / canvas.clientWidth;
      const d = canvas.getContext('2d').getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
      const want = s.itemStyle.color.match(/[0-9a-f]{2}/gi).map((hex) => parseInt(hex, 16));
      const painted = d[3] > 200 && [d[0], d[1], d[2]].every((c, k) => Math.abs(c - want[k]) <= 8);
      return { dept, series: s.name, value: v, painted, pixel: [d[0], d[1], d[2], d[3]] };
    }
    return { ...none, dept };
  })()`;
  type ChartPaint = { dept: string | null; series: string | null; value: number; painted: boolean; pixel: number[] | null };

  /** Opens the round page and shows this file's round (the page starts on the current year's). */
  async function openRound(page: Page): Promise<void> {
    await page.goto(`${sys.url}/#/monitoring`);
    await page.getByLabel('年度').fill(String(YEAR));
    await page.getByLabel('监控轮次').selectOption(CUTOFF);
    await page.getByRole('button', { name: '查看', exact: true }).click();
    await page.locator('h2', { hasText: `${YEAR}年` }).first().waitFor();
  }

  it('a department reviewer sees the round and its failed department, but neither 作废本轮监控 nor 重新监控', async () => {
    const { ctx, page } = await pageAs(reviewer.token);
    await openRound(page);
    await page.getByText('状态：填报中').first().waitFor();
    // the failed department, with its reason
    expect(await page.locator('tr', { hasText: 'D02' }).filter({ hasText: /already started/i }).count()).toBe(1);
    expect(await page.getByRole('button', { name: '作废本轮监控' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '重新监控' }).count()).toBe(0);
    expect(await page.getByLabel('作废理由').count()).toBe(0);
    expect(await page.getByRole('button', { name: '打印报告' }).count()).toBe(0); // the report is finance's too
    // the chart has drawn their department's projects (every form still open): the canvas is painted in
    // the bar's colour in the middle of the bar the data gives (before, an empty plot: only submitted,
    // overdue and warned were drawn, all 0 on the first day)
    await expect.poll(() => page.evaluate<ChartPaint>(CHART_PAINT), { timeout: 10_000 }).toMatchObject({ dept: 'D01', painted: true });
    const paint = await page.evaluate<ChartPaint>(CHART_PAINT);
    expect(paint.value, 'D01 projects awaiting their forms').toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'monitoring-round-reviewer.png'), fullPage: true });
    await ctx.close();
    // what the page leaves out the API refuses
    expect((await reviewer.post(`/api/monitoring/rounds/${YEAR}/${CUTOFF}/cancel`, { reason: '不需要了' })).status).toBe(403);
    expect((await reviewer.post('/api/monitoring/rounds', { year: YEAR, cutoff: CUTOFF, deptId: 'D02' })).status).toBe(403);
    expect((await reviewer.get(`/api/monitoring/rounds/${YEAR}/${CUTOFF}`)).body.allowedActions).toEqual([]);
    expect((await rowOf()).stage).toBe('open');
  });

  it('a finance officer cancels the round from its page with a reason and sees it 已作废, by whom and why', async () => {
    expect((await perf.get(`/api/monitoring/rounds/${YEAR}/${CUTOFF}`)).body.allowedActions).toEqual(['cancel', 'rerun', 'report']);
    const { ctx, page } = await pageAs(perf.token);
    await openRound(page);
    await page.locator('tr', { hasText: 'D02' }).filter({ hasText: /already started/i }).getByRole('button', { name: '重新监控' }).waitFor();
    const reason = '统计口径调整，本轮作废重报';
    await page.getByLabel('作废理由').fill(reason);
    const confirmed: string[] = [];
    page.once('dialog', (d) => {
      confirmed.push(d.message());
      void d.accept();
    });
    await page.getByRole('button', { name: '作废本轮监控' }).click();
    // answered at once when every part has closed its forms, else accepted (202): the page is shown again until it says so
    const stage = page.locator('span.round-stage');
    await expect
      .poll(async () => {
        const text = (await stage.count()) ? await stage.textContent() : '';
        if (!text?.includes('已作废')) await page.getByRole('button', { name: '查看', exact: true }).click();
        return text;
      }, { timeout: 60_000, interval: 1_000 })
      .toContain('状态：已作废');
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toContain('不可恢复');
    const who = await page.locator('p.round-cancelled').textContent();
    expect(who).toContain('郑洁');
    expect(who).toContain(`理由：${reason}`);
    // a cancelled round offers nothing more to do but its report
    expect(await page.getByRole('button', { name: '作废本轮监控' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '重新监控' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '打印报告' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'monitoring-round-cancelled.png'), fullPage: true });
    await ctx.close();
    expect(await rowOf()).toMatchObject({ stage: 'cancelled', cancelled_by: 'perf-officer', cancel_reason: reason });
    expect(await (await sys.deps.temporal.workflow.getHandle(round).describe()).status.name).toBe('COMPLETED');
  }, 90_000);
});
