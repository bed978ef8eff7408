// The self-evaluation pages in a real headless Chromium against the real system (Temporal, database,
// API, finance stand-in), for a year's cycle of D01 whose batch of forms could not start (its id is
// taken): on the cycle page a department reviewer sees the failed batch and why, but no 重新下发 (only
// finance may re-run it); a finance officer re-runs it from the page and the forms open. Then a unit's
// self-evaluation form whose project has two entries of the same normalised name in the project
// library says so on the task page, naming both, and that the industry's core indicators are
// pre-filled instead (no guess); another project's form says where its targets come from, without
// that note.
// Screenshots go to test-results/screenshots/ (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { ProjectSummary } from '../../contracts/finance/finance.zod';
import { evaluationBatchId, evaluationCycleId, evaluationDepartmentId } from '../../contracts/evaluation/names';
import { eventually, startSystem, type Http, type TestSystem } from '../helpers/system';
import { startStandIn, type StandIn } from '../finance/standIn';
import { openPage } from './pages';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/** A budget year of this file's own (cycle and department ids are per year). */
const YEAR = 2035;
/** A task queue no worker polls: a workflow started there holds its id and never runs. */
const NOBODY = 'jixiao-test-nobody-polls';

describe.skipIf(!hasChromium)(hasChromium ? 'the self-evaluation pages (headless Chromium)' : `self-evaluation pages: SKIPPED, no Chromium at ${CHROMIUM}`, () => {
  const department = evaluationDepartmentId(YEAR, 'D01');
  let fin: StandIn;
  let sys: TestSystem;
  let browser: Browser;
  let perf: Http;
  let reviewer: Http;
  let preparer: Http;
  let squatter: WorkflowHandle;
  /** U0101's project with two library entries of its name, and the two entries' names. */
  let twice: ProjectSummary;
  let entries: Array<{ id: string; name: string }>;
  let other: ProjectSummary;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fin = await startStandIn({ year: YEAR });
    [sys, browser] = await Promise.all([
      startSystem({ FINANCE_URL: fin.url, REGION: 'wuhai' }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }),
    ]);
    [perf, reviewer, preparer] = await Promise.all([sys.as('perf-officer'), sys.as('d01-reviewer'), sys.as('u0101-preparer')]);
    const own = (await fin.client.listProjects({ deptId: 'D01', unitId: 'U0101', year: YEAR, expenditure: 'project', limit: 1000 })).items.filter((p) => !p.transferId);
    expect(own.length).toBeGreaterThanOrEqual(2);
    // two entries of the first project's name in the project library, spelt apart only by a space: which is it?
    twice = own[0];
    other = own.find((p) => p.name.replace(/\s/g, '') !== twice.name.replace(/\s/g, '')) as ProjectSummary;
    expect(other, 'a project of U0101 by another name').toBeTruthy();
    const core = (await fin.client.listIndicators({ industry: twice.industry, coreOnly: true, limit: 5 })).items[0];
    entries = [];
    for (const [key, name, target] of [['a', twice.name, '80'], ['b', `${twice.name} `.replace(/^(.)/, '$1\u3000'), '90']] as const) {
      const r = await fin.client.addToProjectLibrary({
        idempotencyKey: `browser-eval-${key}`, applicationId: `browser-eval-${key}`, deptId: twice.deptId, unitId: twice.unitId, year: YEAR, name, industry: twice.industry, kind: twice.kind, isNew: true,
        requestedFen: twice.originalFen, approvedFen: twice.originalFen, preAssessment: { conclusion: 'pass' }, coreIndicators: [core.code],
        targets: [{ level1: 'output', level2: '数量指标', name: core.name, target, unit: core.unit, direction: '>=', isCore: true }],
      });
      entries.push({ id: r.id, name });
    }
    // D01's batch of forms cannot start (its id is taken): the cycle page lists it failed
    squatter = await sys.deps.temporal.workflow.start('squatter', { workflowId: evaluationBatchId(department, 0), taskQueue: NOBODY });
    const r = await perf.post('/api/evaluations/cycles', { year: YEAR, deptIds: ['D01'], dueInMs: 7 * 24 * 3_600_000 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await eventually(async () => {
      const p = (await perf.get(`/api/evaluations/cycles/${YEAR}/progress`)).body;
      return p?.departments?.[0]?.failedBatches?.length === 1 ? p : undefined;
    }, 'D01’s batch listed failed', 60_000);
  }, 180_000);
  afterAll(async () => {
    await squatter?.terminate('test done').catch(() => undefined);
    for (const id of [evaluationCycleId(YEAR), department, evaluationBatchId(department, 0, 1)]) await sys?.deps.temporal.workflow.getHandle(id).terminate('test done').catch(() => undefined);
    await browser?.close();
    await sys?.stop();
    await fin?.stop();
    expect(pageErrors).toEqual([]);
  });

  const pageAs = (token: string): Promise<{ ctx: BrowserContext; page: Page }> => openPage(browser, pageErrors, { token });
  /** The cycle page of the year. */
  async function cyclePage(page: Page): Promise<void> {
    await page.goto(`${sys.url}/#/evaluation`);
    await page.getByLabel('年度', { exact: true }).fill(String(YEAR));
    await page.getByRole('button', { name: '查看进度' }).click();
  }

  it('shows a department reviewer the failed batch and why, without 重新下发; finance re-runs it from the page', async () => {
    const seen = await pageAs(reviewer.token);
    await cyclePage(seen.page);
    const row = seen.page.locator('table.failed-batches tr[data-dept="D01"][data-batch="0"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['D01', '第 1 批', expect.stringMatching(/already started/i)]));
    expect(await seen.page.locator('h3').filter({ hasText: '处理失败的自评批次' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: '重新下发' }).count()).toBe(0);
    // nor may they by the API
    expect((await reviewer.post(`/api/evaluations/cycles/${YEAR}/departments/D01/batches/0/rerun`, {})).status).toBe(403);
    await seen.ctx.close();

    const { ctx, page } = await pageAs(perf.token);
    await cyclePage(page);
    const mine = page.locator('table.failed-batches tr[data-dept="D01"][data-batch="0"]');
    await mine.waitFor();
    await page.screenshot({ path: join(SHOTS, 'evaluation-failed-batch.png'), fullPage: true });
    await mine.getByRole('button', { name: '重新下发' }).click();
    await page.getByText(/已重新下发 D01 第 1 批：\d+ 张自评表重新打开，保留已备案 0 张/).waitFor();
    // listed no more once the page reads the progress again
    await expect.poll(() => page.locator('table.failed-batches').count()).toBe(0);
    await ctx.close();
    const d = (await perf.get(`/api/evaluations/cycles/${YEAR}/departments/D01`)).body;
    expect(d.batches.map((b: { workflowId: string; failure?: unknown }) => [b.workflowId, b.failure ?? null])).toEqual([[evaluationBatchId(department, 0, 1), null]]);
  }, 90_000);

  it('says on the task page that two library entries share the project’s name, naming both, and pre-fills the core indicators', async () => {
    const tasks = await eventually(async () => {
      const f = ((await preparer.get(`/api/tasks?process=evaluation&type=evaluation.selfEvaluate&limit=200`)).body.items ?? []) as Array<{ id: string; projectId: string }>;
      return f.some((t) => t.projectId === twice.id) && f.some((t) => t.projectId === other.id) ? f : undefined;
    }, 'U0101’s forms in the inbox', 60_000);
    const form = tasks.find((t) => t.projectId === twice.id) as { id: string };
    const { ctx, page } = await pageAs(preparer.token);
    await page.goto(`${sys.url}/#/tasks/${encodeURIComponent(form.id)}`);
    const note = page.locator('p.targets-source');
    await note.waitFor();
    expect(await note.getAttribute('data-source')).toBe('library');
    expect(await note.getAttribute('data-reason')).toBe('ambiguousLibraryMatch');
    const text = (await note.textContent()) ?? '';
    expect(text).toContain('项目库中本单位有多个与本项目名称相同的入库项目');
    for (const e of entries) expect(text).toContain(`${e.name}（${e.id}）`);
    expect(text).toContain('已按行业核心指标预填，请填写批复目标值');
    await page.screenshot({ path: join(SHOTS, 'evaluation-ambiguous-library-match.png'), fullPage: true });

    // another project of the unit: where its targets come from, and no such note
    const plain = tasks.find((t) => t.projectId === other.id) as { id: string };
    await page.goto(`${sys.url}/#/tasks/${encodeURIComponent(plain.id)}`);
    await page.waitForURL((u) => u.hash === `#/tasks/${encodeURIComponent(plain.id)}`);
    const otherNote = page.locator('p.targets-source');
    await expect.poll(async () => (await otherNote.count()) === 1 && (await otherNote.textContent())?.startsWith('项目库中') === false).toBe(true);
    expect(await otherNote.getAttribute('data-reason')).toBeNull();
    expect(await otherNote.textContent()).not.toContain('多个与本项目名称相同');
    await ctx.close();
  }, 90_000);
});
