// The web inbox in a real headless Chromium against the real system (Temporal, database, API):
// log in by picking a demo user, find the task, fill the generated form, decide, see it leave the
// list; a deep link from a mail opened while logged out goes through login to the task; a lead
// approves in bulk; the task page notices changes made by others; a decision that waits for its
// process (the worker away) is marked in the list and on its page until it is applied, and one
// refused says why.
// Screenshots go to test-results/screenshots/ (git-ignored).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createInboxActivities } from '../../activities/inbox';
import type { TaskSpecInput } from '../../contracts/humanTask/tasks.zod';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { testWorker, type TestWorker } from '../helpers/temporal';
import type { askProductTasks } from './workflows';
import { openPage } from './pages';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
if (!hasChromium) console.warn(`[browser test] skipped: no Chromium at ${CHROMIUM}. Install it (apt-get install -y chromium fonts-wqy-zenhei) or set CHROMIUM_PATH.`);

/** Webpack's bundling chatter off; warnings and errors still show. */
const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

let seq = 0;
function application(over: Record<string, unknown> = {}) {
  return {
    projectCode: `U0101-2027-WEB-${Date.now()}-${++seq}`,
    name: '校园智慧教室改造项目',
    deptId: 'D01',
    unitId: 'U0101',
    amountFen: 600_000_000, // 6,000,000 yuan, new → key assessment by finance (group finance_performance@FIN)
    industry: '教育',
    isNew: true,
    kind: 'project',
    year: 2027,
    summary: '对全校 40 间普通教室进行智慧化改造，配置交互式显示与录播设备。',
    indicators: [
      { kind: 'output', category: '数量指标', name: '改造教室数量', target: '40', unit: '间', direction: '>=', core: true },
      { kind: 'output', category: '质量指标', name: '验收合格率', target: '100', unit: '%', direction: '>=' },
      { kind: 'satisfaction', category: '服务对象满意度指标', name: '师生满意度', target: '90', unit: '%', direction: '>=' },
    ],
    ...over,
  };
}

const ASPECTS = ['necessity', 'economy', 'targets', 'feasibility', 'financing'] as const;

describe.skipIf(!hasChromium)(hasChromium ? 'web inbox (headless Chromium)' : `web inbox: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install chromium fonts-wqy-zenhei, or set CHROMIUM_PATH)`, () => {
  let sys: TestSystem;
  let preparer: Http;
  let browser: Browser;
  const pageErrors: string[] = [];
  // A second worker, on its own task queue, runs a test process that opens any tasks we give it (for
  // the task page's live test); its projection writes to the system's database.
  const taskQueue = `browser-tasks-${process.pid}-${Date.now()}`;
  let taskWorker: TestWorker | undefined;
  let bundle: WorkflowBundleWithSourceMap;
  const startTaskWorker = async () => (taskWorker = await testWorker({ taskQueue, workflowBundle: bundle, activities: createInboxActivities({ db: sys.deps.db, publicUrl: sys.url }) }));

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [sys, browser, bundle] = await Promise.all([
      startSystem(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: quietLogger }),
    ]);
    // after startSystem: its worker installs the Temporal runtime, which the first connection would otherwise create
    await startTaskWorker();
    preparer = await sys.as('u0101-preparer');
  });
  afterAll(async () => {
    await browser?.close();
    await taskWorker?.stop();
    await sys?.stop();
  });

  /** Opens tasks through the test process; returns their ids once the inbox shows them. */
  async function openTasks(specs: TaskSpecInput[]): Promise<string[]> {
    const workflowId = `browser-${randomUUID()}`;
    await sys.deps.temporal.workflow.start<typeof askProductTasks>('askProductTasks', { taskQueue, workflowId, args: [specs] });
    const ids = specs.map((x) => `${workflowId}:${x.key}`);
    const head = await sys.as('perf-head');
    await eventually(async () => {
      for (const id of ids) if ((await head.get(`/api/tasks/${encodeURIComponent(id)}`)).status !== 200) return false;
      return true;
    }, 'the test tasks in the inbox');
    return ids;
  }
  /** A finance group task (claimable by perf-officer, perf-officer2 and perf-head) of the product's target review type. */
  const groupTask = (key: string, title: string, over: Partial<TaskSpecInput> = {}): TaskSpecInput => ({
    key,
    type: 'preAssessment.targetReview', // outcome 'approve', empty form
    title,
    project: { id: `P-${key}-${randomUUID().slice(0, 8)}`, name: title, deptId: 'D01', unitId: 'U0101' },
    assignee: null,
    candidateGroups: ['finance_performance@FIN'],
    dueInMs: 86_400_000,
    ...over,
  });

  const newPage = (acceptDownloads = false, opts: { pollMs?: number; token?: string } = {}): Promise<{ ctx: BrowserContext; page: Page }> => openPage(browser, pageErrors, { ...opts, acceptDownloads });

  async function taskFor(who: Http, projectCode: string) {
    return eventually(async () => (await who.get(`/api/tasks?q=${encodeURIComponent(projectCode.toLowerCase())}`)).body.items?.[0], `task of ${projectCode}`);
  }

  async function pickUser(page: Page, userId: string) {
    await page.locator(`button.user-pick[data-user-id="${userId}"]`).click();
  }

  it('finance logs in, sees the key-assessment task, fills the five aspects, decides, and the task leaves the list', async () => {
    const app = application();
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.status).toBe(201);
    expect(r.body.route).toBe('key');
    const perf = await sys.as('perf-officer');
    const task = await taskFor(perf, app.projectCode);

    const { ctx, page } = await newPage();
    await page.goto(`${sys.url}/#/tasks`);
    // logged out → login page, demo users grouped by organisation with roles in Chinese
    await page.waitForURL(/#\/login$/);
    await expect.poll(() => page.locator('.org-card h2').first().textContent()).toContain('财政厅');
    expect(await page.locator('button.user-pick[data-user-id="perf-officer"] .role-chip').textContent()).toBe('财政绩效管理处');
    await pickUser(page, 'perf-officer');

    // the list: the task is there, with its counts badge
    const row = page.locator('tr.task-row', { has: page.locator('a.row-link', { hasText: app.name }) });
    await row.waitFor();
    expect(await page.locator('a.tab[data-tab="actionable"] .badge').textContent()).toBe('1');
    expect(await row.locator('.col-unit').textContent()).toContain('第一中学');
    await page.screenshot({ path: join(SHOTS, 'inbox-list.png'), fullPage: true });

    // saved views: filter by process, save it under a name, it is picked; delete it again
    await page.locator('#flt-process').selectOption('preAssessment');
    await page.waitForURL((u) => u.hash === '#/tasks?process=preAssessment');
    await row.waitFor();
    await page.getByRole('button', { name: '保存当前筛选' }).click();
    await page.locator('dialog #view-name').fill('事前评估');
    await page.locator('dialog button[type="submit"]').click();
    await expect.poll(async () => page.locator('#view-pick option:checked').textContent()).toBe('事前评估');
    await page.getByRole('button', { name: '删除视图' }).click();
    await expect.poll(async () => page.locator('#view-pick option', { hasText: '事前评估' }).count()).toBe(0);
    expect((await perf.get('/api/views')).body).toEqual([]);

    // keyboard: / focuses the search, j selects the first row, Enter opens it
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    expect(await page.evaluate("document.activeElement?.id ?? ''")).toBe('flt-q');
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await expect.poll(() => page.evaluate("document.activeElement?.classList.contains('row-link') ?? false")).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.hash === `#/tasks/${encodeURIComponent(task.id)}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(app.name);

    // project data: amount in yuan with separators, indicators table
    const project = page.locator('[data-card="project"]');
    expect(await project.textContent()).toContain('6,000,000.00');
    expect(await project.locator('table.indicators tbody tr').count()).toBe(3);
    expect(await project.textContent()).toContain('改造教室数量');

    // the generated form: five aspects labelled in Chinese; submitting it empty shows the API's field errors inline
    const form = page.locator('form.decision-form');
    for (const label of ['立项必要性', '投入经济性', '绩效目标合理性', '实施方案可行性', '筹资合规性']) expect(await form.textContent()).toContain(label);
    await form.locator('button[data-outcome="pass"]').click();
    await form.locator('.form-errors').waitFor();
    expect(await form.locator('.form-errors').textContent()).toContain('立项必要性');
    expect(await form.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);

    // fill it in, save a draft, screenshot, decide
    for (const [i, k] of ASPECTS.entries()) {
      await form.locator(`[name="aspects.${k}.score"]`).fill(String(16 + (i % 3)));
      await form.locator(`[name="aspects.${k}.finding"]`).fill(`${k}：论证充分，符合要求。`);
    }
    await form.locator('[name="comment"]').fill('同意通过，请按计划实施。');
    expect(await form.locator('.matrix-total').textContent()).toBe('84 / 100');
    await form.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => page.locator('#toast').textContent()).toBe('草稿已保存');
    await page.screenshot({ path: join(SHOTS, 'task-page.png'), fullPage: true });

    // drafts are private: the applicant's view, and another officer's form (which a draft would prefill), show nothing of it
    await eventually(async () => (await perf.get(`/api/tasks/${encodeURIComponent(task.id)}`)).body.state?.draft, "the officer's draft");
    for (const [who, token] of [['u0101-preparer', preparer.token], ['perf-officer2', (await sys.as('perf-officer2')).token]]) {
      const other = await newPage(false, { token });
      await other.page.goto(`${sys.url}/#/tasks/${encodeURIComponent(task.id)}`);
      await other.page.locator('[data-card="project"]').waitFor();
      if (who === 'perf-officer2') await other.page.locator('form.decision-form [name="comment"]').waitFor();
      const shown = String(await other.page.evaluate("document.body.innerText + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' ')"));
      expect(shown, who).toContain('改造教室数量');
      expect(shown, who).not.toContain('论证充分');
      expect(shown, who).not.toContain('同意通过，请按计划实施。');
      await other.ctx.close();
    }

    await form.locator('button[data-outcome="pass"]').click();
    // back on the list (with the filters it had); the task has gone from it
    await page.waitForURL((u) => u.hash === '#/tasks?process=preAssessment');
    await page.locator('tr.empty').waitFor();
    expect(await page.locator('a.row-link', { hasText: app.name }).count()).toBe(0);
    expect((await perf.get(`/api/tasks/${encodeURIComponent(task.id)}`)).body.task.status).toBe('completed');

    // the history of the task shows who decided, in Chinese
    await page.goto(`${sys.url}/#/tasks/${encodeURIComponent(task.id)}`);
    await expect.poll(() => page.locator('[data-card="history"]').textContent()).toContain('办理完成');
    expect(await page.locator('[data-card="history"]').textContent()).toContain('郑洁');

    // the dashboard draws its figures; the English switch works and is remembered
    await page.goto(`${sys.url}/#/dashboard`);
    await page.locator('.bars .bar-row').first().waitFor();
    await eventually(async () => (await sys.deps.temporal.workflow.getHandle(r.body.workflowId).describe()).status.name === 'COMPLETED', 'workflow completed');
    await page.reload();
    await page.locator('.donut svg').waitFor();
    await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    await page.reload();
    await expect.poll(() => page.locator('nav.nav').textContent()).toContain('Inbox');
    await ctx.close();
  });

  it('a deep link from a mail, opened while logged out, goes through login to the task', async () => {
    const app = application({ amountFen: 50_000_000, isNew: false, name: '教师培训延续项目' }); // 500,000 yuan continuing → target review by D01
    const r = await preparer.post('/api/pre-assessments', app);
    expect(r.body.route).toBe('targetReview');
    const reviewer = await sys.as('d01-reviewer');
    const task = await taskFor(reviewer, app.projectCode);
    const link = `${sys.url}/#/tasks/${encodeURIComponent(task.id)}`;

    const { ctx, page } = await newPage(true);
    await page.goto(link);
    await page.waitForURL(/#\/login$/);
    expect(await page.locator('.login .notice').textContent()).toContain(task.id);
    await pickUser(page, 'd01-reviewer');
    await page.waitForURL((u) => u.hash === `#/tasks/${encodeURIComponent(task.id)}`);
    await expect.poll(() => page.locator('h1').textContent()).toContain(app.name);
    expect(await page.locator('[data-card="project"]').textContent()).toContain('500,000.00');
    // only the moves the API allows are offered
    const moves = await page.locator('[data-card="moves"] button').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-move')));
    expect(moves).toContain('return');
    expect(moves).not.toContain('withdraw');

    // a move that needs a reason asks for it in a dialog and shows the API's refusal there
    await page.locator('button[data-move="return"]').click();
    await page.locator('dialog button[type="submit"]').click();
    await expect.poll(() => page.locator('dialog .form-error').textContent()).toContain('理由');
    await page.locator('dialog').getByRole('button', { name: '取消' }).click();
    // claim (no dialog): the page reloads showing who holds it
    await page.locator('button[data-move="claim"]').click();
    await expect.poll(() => page.locator('[data-card="meta"]').textContent()).toContain('认领人');
    // comments and attachments
    await page.locator('#comment-body').fill('已核对申报材料，<b>同意</b>。');
    await page.getByRole('button', { name: '发表评论' }).click();
    await expect.poll(() => page.locator('.comments .comment-body').first().textContent()).toBe('已核对申报材料，<b>同意</b>。');
    await page.locator('#attach-file').setInputFiles({ name: '测算依据.txt', mimeType: 'text/plain', buffer: Buffer.from('单价 × 数量 = 500,000 元') });
    await page.getByRole('button', { name: '上传附件' }).click();
    await page.locator('.files a', { hasText: '测算依据.txt' }).waitFor();
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('.files a', { hasText: '测算依据.txt' }).click()]);
    expect(dl.suggestedFilename()).toBe('测算依据.txt');
    await page.screenshot({ path: join(SHOTS, 'task-deeplink.png'), fullPage: true });

    await page.locator('button[data-outcome="approve"]').click();
    await page.waitForURL((u) => u.hash === '#/tasks');
    await page.locator('tr.empty').waitFor();
    expect((await reviewer.get(`/api/tasks/${encodeURIComponent(task.id)}`)).body.task.status).toBe('completed');
    await ctx.close();
  });

  it('a unit preparer files an application in the browser; field errors show next to the fields', async () => {
    const { ctx, page } = await newPage();
    await page.goto(`${sys.url}/#/new`);
    await pickUser(page, 'u0101-preparer');
    await page.waitForURL(/#\/new$/);
    const form = page.locator('form.apply-form');
    await form.waitFor();
    const code = `U0101-2027-UI-${Date.now()}`;
    await form.locator('[name="projectCode"]').fill(code);
    await form.locator('[name="name"]').fill('食堂设备更新项目');
    await form.locator('[name="amountFen"]').fill('-3');
    await form.locator('[name="industry"]').fill('教育');
    await form.getByRole('button', { name: '提交申报' }).click();
    // 400 from the API: the amount and the empty indicator fields are marked
    await form.locator('.form-errors').first().waitFor();
    expect(await form.locator('[name="amountFen"]').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[name="indicators.0.name"]').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SHOTS, 'new-application-errors.png'), fullPage: true });

    await form.locator('[name="amountFen"]').fill('1,280,000.50');
    await form.locator('[name="indicators.0.name"]').fill('更新设备数量');
    await form.locator('[name="indicators.0.target"]').fill('25');
    await form.locator('[name="indicators.0.unit"]').fill('台');
    await form.getByRole('button', { name: '提交申报' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain(code);
    // the process row is a projection: eventually there
    const status = await eventually(async () => {
      const s = await preparer.get(`/api/pre-assessments/${encodeURIComponent(code)}`);
      return s.status === 200 ? s.body : undefined;
    }, 'the application status');
    expect(status.application.amountFen).toBe(128_000_050);
    await ctx.close();
  });

  it('a department head ticks the target reviews that may be approved in bulk (x, select all), previews and approves them in one go, sees the result per task; the counts follow', async () => {
    // real pre-assessments (Inner Mongolia): four continuing projects of 800,000 yuan get a target
    // review a lead may approve in bulk; a new project of the same amount gets one that he may not
    const tag = `bulk-${Date.now().toString(36)}`;
    const head = await sys.as('d01-head');
    const submit = async (i: number | string, isNew: boolean): Promise<{ code: string; id: string }> => {
      const app = application({ projectCode: `U0101-2027-${tag}-${isNew ? 'new' : i}`, name: `设备更新 ${tag} 第${i}项`, amountFen: 80_000_000, isNew });
      expect((await preparer.post('/api/pre-assessments', app)).status).toBe(201);
      const task = await eventually(async () => (await head.get(`/api/tasks?q=${encodeURIComponent(app.projectCode.toLowerCase())}`)).body.items?.[0], `the target review of ${app.projectCode}`);
      return { code: app.projectCode, id: task.id as string };
    };
    const bulk = await Promise.all([1, 2, 3, 4].map((i) => submit(i, false)));
    await submit('新', true);
    const ids = bulk.map((b) => b.id);
    const before = (await head.get('/api/tasks/counts')).body.actionable as number;

    const { ctx, page } = await newPage(false, { pollMs: 400 });
    await page.goto(`${sys.url}/#/tasks?q=${tag}`);
    await pickUser(page, 'd01-head');
    await page.waitForURL((u) => u.hash === `#/tasks?q=${tag}`);
    await expect.poll(() => page.locator('tr.task-row').count()).toBe(5);
    // the new project's review has no tick box: its targets are looked at one by one
    await expect.poll(() => page.locator('input.row-check').count()).toBe(4);
    expect(await page.locator('tr.task-row', { hasText: '第新项' }).locator('input.row-check').count()).toBe(0);
    // the type filter lists the server's task types (GET /api/task-types), in Chinese
    const typeOptions = await page.locator('#flt-type option').allTextContents();
    expect(typeOptions[0]).toBe('全部'); // then every registered process's task types, the sign-off among them
    expect(typeOptions).toEqual(expect.arrayContaining(['事前绩效评估审核', '绩效目标审核', '修改后重新申报', '评估结论签批', '填报绩效监控表']));
    const bar = page.locator('.bulk-bar');
    // keyboard: j focuses the first row, x ticks it, x again unticks it
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(() => bar.locator('.bulk-count').textContent()).toBe('已选择 1 项');
    expect(await page.locator('tr.task-row').first().locator('input.row-check').isChecked()).toBe(true);
    await page.keyboard.press('x');
    await expect.poll(() => bar.locator('.bulk-count').textContent()).toBe('已选择 0 项');
    expect(await page.locator('#bulk-approve').isDisabled()).toBe(true);

    // select all on this page: the four; untick one and the box is indeterminate; tick it again
    await page.locator('#bulk-all').check();
    await expect.poll(() => bar.locator('.bulk-count').textContent()).toBe('已选择 4 项');
    const second = page.locator('tr.task-row', { hasText: '第2项' });
    await second.locator('input.row-check').uncheck();
    await expect.poll(() => bar.locator('.bulk-count').textContent()).toBe('已选择 3 项');
    expect(await page.locator('#bulk-all').evaluate((e) => (e as { indeterminate?: boolean }).indeterminate)).toBe(true);
    await second.locator('input.row-check').check();
    await expect.poll(() => bar.locator('.bulk-count').textContent()).toBe('已选择 4 项');
    await page.screenshot({ path: join(SHOTS, 'bulk-selection.png'), fullPage: true });

    // meanwhile a colleague claims one of them: the counts refresh by themselves, the rows do not move
    expect((await (await sys.as('d01-reviewer')).post(`/api/tasks/${encodeURIComponent(ids[3])}/actions`, { action: 'claim' })).status).toBe(200);
    await expect.poll(() => page.locator('a.tab[data-tab="actionable"] .badge').textContent()).toBe(String(before - 1));
    await page.locator('.list-changed').waitFor();
    expect(await page.locator('input.row-check:checked').count()).toBe(4);

    // approve: a preview of what will be decided (project, amount, outcome), the outcome the manifest allows in bulk, an optional comment
    await page.locator('#bulk-approve').click();
    const dialog = page.locator('dialog');
    await expect.poll(() => dialog.locator('h2').textContent()).toBe('批量通过 4 项');
    const preview = dialog.locator('.bulk-preview tr.bulk-item');
    expect(await preview.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const row = preview.nth(i);
      expect(await row.locator('.bulk-item-project').textContent()).toMatch(new RegExp(`设备更新 ${tag} 第[1-4]项`));
      expect(await row.locator('.bulk-item-amount').textContent()).toBe('800,000.00');
      expect(await row.locator('.bulk-item-outcome').textContent()).toBe('审核通过');
    }
    expect(await dialog.locator('.bulk-outcome').textContent()).toContain('审核通过');
    await page.screenshot({ path: join(SHOTS, 'bulk-preview.png') });
    await dialog.locator('#bulk-comment').fill('批量审核通过。');
    await dialog.getByRole('button', { name: '确认通过 4 项' }).click();
    // 3 approved, listed; the claimed one is listed with the reason; the list reloads without them
    const result = page.locator('.bulk-result');
    await expect.poll(() => result.locator('.bulk-done').getAttribute('data-decided')).toBe('3');
    expect(await result.textContent()).toContain('已批量通过 3 项');
    expect(await result.locator('.bulk-successes li').count()).toBe(3);
    expect(await result.locator('.bulk-failures li').count()).toBe(1);
    expect(await result.locator('.bulk-failures').textContent()).toContain('第4项：此事项不由您办理'); // claimed by the colleague: no longer his
    await expect.poll(() => page.locator('tr.task-row').count()).toBe(1);
    expect(await page.locator('tr.task-row').textContent()).toContain('第新项');
    expect(await page.locator('.list-changed').isHidden()).toBe(true);
    await expect.poll(() => page.locator('a.tab[data-tab="actionable"] .badge').textContent()).toBe(String(before - 4));
    await page.screenshot({ path: join(SHOTS, 'bulk-result.png'), fullPage: true });
    for (const id of ids.slice(0, 3)) {
      const d = (await head.get(`/api/tasks/${encodeURIComponent(id)}`)).body;
      expect([d.task.status, d.task.outcome]).toEqual(['completed', 'approve']);
    }
    expect((await head.get(`/api/tasks/${encodeURIComponent(ids[3])}`)).body.task.status).toBe('open');
    // and their processes conclude: the targets are approved
    for (const b of bulk.slice(0, 3)) {
      const s = await eventually(async () => {
        const x = await preparer.get(`/api/pre-assessments/${encodeURIComponent(b.code)}`);
        return x.status === 200 && x.body.stage === 'done' ? x.body : undefined;
      }, `the conclusion of ${b.code}`);
      expect(s.conclusion).toBe('passed');
    }
    await ctx.close();
  });

  it('the task page notices a change by someone else: a banner, the typed text kept, decisions disabled once closed', async () => {
    const [id] = await openTasks([groupTask('live', `绩效目标审核 live-${Date.now().toString(36)}`)]);
    const head = await sys.as('perf-head');
    const officer = await sys.as('perf-officer');
    const { ctx, page } = await newPage(false, { pollMs: 400, token: head.token });
    await page.goto(`${sys.url}/#/tasks/${encodeURIComponent(id)}`);
    const form = page.locator('form.decision-form');
    await form.locator('button[data-outcome="approve"]').waitFor();
    const banner = page.locator('.live-banner');
    // my own draft bumps the version too: no banner for that
    await form.locator('textarea[name="comment"]').fill('我正在填写的意见');
    await form.getByRole('button', { name: '保存草稿' }).click();
    await expect.poll(() => page.locator('#toast').textContent()).toBe('草稿已保存');
    await page.waitForTimeout(1_000);
    expect(await banner.isHidden()).toBe(true);

    // someone else claims it (a comment would not change the task's version; a claim does)
    expect((await officer.post(`/api/tasks/${encodeURIComponent(id)}/actions`, { action: 'claim' })).status).toBe(200);
    await expect.poll(() => banner.textContent()).toContain('此任务已被他人更新');
    expect(await form.locator('textarea[name="comment"]').inputValue()).toBe('我正在填写的意见');
    expect(await page.locator('button[data-move="claim"]').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'task-live-banner.png') });

    // they decide it: the banner says it is closed and the decision buttons are disabled
    expect((await officer.post(`/api/tasks/${encodeURIComponent(id)}/actions`, { action: 'decide', outcome: 'approve', form: {}, comment: null })).status).toBe(200);
    await expect.poll(() => banner.textContent()).toContain('已办结');
    expect(await form.locator('button[data-outcome="approve"]').isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: '保存草稿' }).isDisabled()).toBe(true);
    expect(await form.locator('textarea[name="comment"]').inputValue()).toBe('我正在填写的意见');
    // reload only on click
    await banner.getByRole('button', { name: '重新加载' }).click();
    await expect.poll(() => page.locator('[data-card="decision"]').textContent()).toContain('此事项已办结');
    expect(await page.locator('form.decision-form').count()).toBe(0);
    await ctx.close();
  });

  it('while the worker is away a decision waits: the list marks it 已提交，处理中 and its page locks the form; one whose process is withdrawn says why; once the worker is back the other is applied', async () => {
    const tag = `queued-${Date.now().toString(36)}`;
    const [a] = await openTasks([groupTask('a', `绩效目标审核 ${tag} 甲`)]);
    const [b] = await openTasks([groupTask('b', `绩效目标审核 ${tag} 乙`)]);
    const officer = await sys.as('perf-officer');
    await taskWorker!.stop(); // their process's worker: decisions on them wait in the queue
    try {
      const rowA = (page: Page) => page.locator('tr.task-row', { hasText: `${tag} 甲` });
      const rowB = (page: Page) => page.locator('tr.task-row', { hasText: `${tag} 乙` });
      // b decided by an integration (the queue's API), a in the browser
      const qb = await officer.post(`/api/tasks/${encodeURIComponent(b)}/queued-actions`, { action: 'decide', outcome: 'approve', form: {}, comment: null });
      expect(qb.status).toBe(202);
      const { ctx, page } = await newPage(false, { pollMs: 400, token: officer.token });
      await page.goto(`${sys.url}/#/tasks?q=${tag}`);
      await expect.poll(() => page.locator('tr.task-row').count()).toBe(2);
      expect(await rowA(page).locator('.col-tags').textContent()).toBe('办理中');
      await rowA(page).locator('a.row-link').click();
      const form = page.locator('form.decision-form');
      await form.locator('textarea[name="comment"]').fill('目标明确，同意。');
      await form.locator('button[data-outcome="approve"]').click();
      // not applied within its 4 s: submitted, being applied; back on the list, where the row says so
      await expect.poll(() => page.locator('#toast').textContent(), { timeout: 10_000 }).toContain('已提交，正在办理');
      await page.waitForURL((u) => u.hash === `#/tasks?q=${tag}`);
      await expect.poll(() => rowA(page).locator('.decision-queued').textContent(), { timeout: 5_000 }).toBe('已提交，处理中：审核通过');
      expect(await rowA(page).locator('.decision-queued').getAttribute('title')).toContain('郑洁');
      expect(await rowB(page).locator('.decision-queued').textContent()).toBe('已提交，处理中：审核通过');
      await page.screenshot({ path: join(SHOTS, 'inbox-decision-queued.png'), fullPage: true });

      // its page: the queued decision, and the form locked (nothing sent twice)
      await rowA(page).locator('a.row-link').click();
      const note = page.locator('[data-card="decision"] .decision-queued-note');
      await expect.poll(() => note.textContent()).toContain('已提交，处理中');
      expect(await note.textContent()).toContain('郑洁 已于');
      expect(await note.textContent()).toContain('“审核通过”');
      expect(await form.locator('button[data-outcome="approve"]').isDisabled()).toBe(true);
      expect(await form.locator('textarea[name="comment"]').isDisabled()).toBe(true);
      expect(await form.getByRole('button', { name: '保存草稿' }).isDisabled()).toBe(true);
      await note.getByRole('button', { name: '刷新' }).click();
      await expect.poll(() => page.locator('#toast').textContent()).toBe('已提交，处理中');
      await page.screenshot({ path: join(SHOTS, 'task-decision-queued.png'), fullPage: true });
      await page.locator('.crumbs a').click();
      await page.waitForURL((u) => u.hash === `#/tasks?q=${tag}`);
      await rowA(page).locator('.decision-queued').waitFor();

      // b's process is withdrawn meanwhile: its decision is refused, and the row says why
      await sys.deps.temporal.workflow.getHandle(b.slice(0, b.lastIndexOf(':'))).terminate('撤销');
      await expect.poll(() => rowB(page).locator('.decision-refused').textContent(), { timeout: 15_000 }).toBe('提交未成功：审核通过');
      expect(await rowB(page).locator('.decision-reason').textContent()).toBe('此事项所属流程已结束（已终止）');
      expect(await page.locator('#toast').textContent()).toBe('提交未成功：此事项所属流程已结束（已终止）');
      expect(await rowA(page).locator('.decision-queued').count()).toBe(1);

      // the worker is back: a is applied, its row shows it done, the counts follow
      await startTaskWorker();
      await expect.poll(() => rowA(page).locator('.col-tags').textContent(), { timeout: 45_000 }).toContain('已办结');
      expect(await rowA(page).locator('.decision-queued').count()).toBe(0);
      await expect.poll(() => page.locator('#toast').textContent()).toBe('已办理：审核通过');
      await page.screenshot({ path: join(SHOTS, 'inbox-decision-applied.png'), fullPage: true });
      expect((await officer.get(`/api/tasks/${encodeURIComponent(a)}`)).body.task).toMatchObject({ status: 'completed', outcome: 'approve', queuedDecision: null });

      // b's page explains the refusal, and its form is usable again
      await rowB(page).locator('a.row-link').click();
      const refused = page.locator('[data-card="decision"] .decision-refused-note');
      await expect.poll(() => refused.textContent()).toContain('您提交的办理结论未能办理');
      expect(await refused.textContent()).toContain('此事项所属流程已结束（已终止）');
      expect(await form.locator('button[data-outcome="approve"]').isDisabled()).toBe(false);
      expect(await form.locator('textarea[name="comment"]').isDisabled()).toBe(false);
      expect(await page.locator('[data-card="history"] .ev-task-decisionRefused').textContent()).toContain('此事项所属流程已结束（已终止）');
      await page.screenshot({ path: join(SHOTS, 'task-decision-refused.png'), fullPage: true });
      await ctx.close();
    } finally {
      if (taskWorker?.worker.getState() !== 'RUNNING') await startTaskWorker();
    }
  }, 120_000);

  it('a reviewer sees the unit’s open rectification problems beside its budget request', async () => {
    const perf = await sys.as('perf-officer');
    const ref = `browser-${Date.now()}`;
    const opened = await perf.post('/api/rectifications', { deptId: 'D01', unitId: 'U0101', source: { ref, label: `专项检查 ${ref}` }, problems: [{ key: `${ref}/exec`, description: `预算执行率仅32%，明显滞后于时间进度（${ref}）` }] });
    expect(opened.status).toBe(201);
    await eventually(async () => (await perf.get('/api/rectifications/units/U0101/open-problems')).body.items?.some((p: { description: string }) => p.description.includes(ref)), 'the problem listed as open');
    const app = application();
    expect((await preparer.post('/api/pre-assessments', app)).status).toBe(201);
    const task = await taskFor(perf, app.projectCode);

    const { ctx, page } = await newPage(false, { token: perf.token });
    await page.goto(`${sys.url}/#/tasks/${encodeURIComponent(task.id)}`);
    const panel = page.locator('[data-card="project"] .notice.warn', { hasText: '该单位未整改问题' });
    await panel.waitFor();
    expect(await panel.textContent()).toContain(ref);
    await page.screenshot({ path: join(SHOTS, 'task-open-problems.png'), fullPage: true });
    await ctx.close();
  });

  it('the pages ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
