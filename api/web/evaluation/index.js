// @ts-check
// Evaluation's web module (api/web/<name>/index.js, served at /evaluation/index.js): its words for the
// shell's generic task page and audit trail, and its start page: finance opens a year's
// self-evaluation cycle and follows its progress by department (forms by stage, grades), sees the
// batches of forms that failed for good (with the reason) and re-runs each from there. Stage and
// conclusion labels are in its manifest (contracts/evaluation/manifest.zod.ts).
import { api, get } from '../api.js';
import { fmtTime, h, yuan } from '../dom.js';
import { genericContext } from '../render.js';
import { translator } from '../i18n.js';

/** @type {import('../types.js').Strings} */
export const strings = {
  evaluation_prefill: { zh: '预填信息', en: 'Pre-filled' },
  evaluation_targets: { zh: '绩效目标', en: 'Performance targets' },
  evaluation_targets_library: { zh: '未找到批复目标：已按行业核心指标预填，请填写批复目标值', en: 'No approved targets on record: the industry’s core indicators are pre-filled; state the approved target' },
  evaluation_targets_approved: { zh: '目标来源：年度内批准调整后的最新绩效目标（一体化系统目标版本）', en: 'Targets: the latest revised version approved during the year (finance system)' },
  evaluation_targets_projectLibrary: { zh: '目标来源：事前绩效评估批复入库的绩效目标（项目库），批复金额 {amount}', en: 'Targets: as approved at pre-assessment (project library), approved amount {amount}' },
  evaluation_targets_cut: { zh: '核减：申报 {requested}，理由：{reason}', en: 'Cut from {requested}: {reason}' },
  evaluation_targets_ambiguous: {
    zh: '项目库中本单位有多个与本项目名称相同的入库项目（{names}），无法确定对应关系：已按行业核心指标预填，请填写批复目标值',
    en: 'Several of the unit’s project-library entries have this project’s name ({names}): none was guessed; the industry’s core indicators are pre-filled, state the approved target',
  },
  evaluation_execution: { zh: '预算执行情况', en: 'Budget execution' },
  evaluation_monitoring_none: { zh: '本年度无运行监控结果', en: 'No monitoring results this year' },
  evaluation_score: { zh: '自评得分（系统计算）', en: 'Self-evaluation score (computed)' },
  evaluation_grade: { zh: '评价等级', en: 'Grade' },
  evaluation_draw_seed: { zh: '抽取种子：{seed}', en: 'Draw seed: {seed}' },
  start: { zh: '年度绩效自评', en: 'Annual self-evaluation' },
  pick_year: { zh: '年度', en: 'Year' },
  depts: { zh: '部门（逗号分隔，空为全部）', en: 'Departments (comma separated, empty: all)' },
  open_cycle: { zh: '启动年度自评', en: 'Open the year’s self-evaluation' },
  show: { zh: '查看进度', en: 'Show progress' },
  opened: { zh: '已启动：{id}，报告截止 {due}', en: 'Opened: {id}, reports due {due}' },
  not_open: { zh: '该年度自评尚未启动。', en: 'This year’s self-evaluation is not open.' },
  summary: { zh: '{stage}：{filed}/{projects} 份已备案，截止 {due}', en: '{stage}: {filed} of {projects} filed, due {due}' },
  col_dept: { zh: '部门', en: 'Department' },
  col_projects: { zh: '项目', en: 'Projects' },
  col_filling: { zh: '填报中', en: 'Filling' },
  col_signing: { zh: '待签字', en: 'Signing' },
  col_departmentReview: { zh: '部门审核', en: 'Department review' },
  col_financeReview: { zh: '财政审核', en: 'Finance review' },
  col_filed: { zh: '已备案', en: 'Filed' },
  col_returns: { zh: '退回次数', en: 'Returns' },
  col_grades: { zh: '等级分布', en: 'Grades' },
  failed_title: { zh: '处理失败的自评批次（重新下发前该部门的自评不会结束）', en: 'Batches of forms that failed (the department does not end until they are re-run)' },
  col_batch: { zh: '批次', en: 'Batch' },
  col_reason: { zh: '失败原因', en: 'Reason' },
  col_failed_at: { zh: '时间', en: 'When' },
  col_closed: { zh: '未备案（重新下发时打开）/ 已备案', en: 'Not filed (opened by a re-run) / filed' },
  batch_no: { zh: '第 {n} 批', en: 'Batch {n}' },
  rerun: { zh: '重新下发', en: 'Re-run' },
  rerun_sent: { zh: '已重新下发 {dept} 第 {n} 批：{projects} 张自评表重新打开，保留已备案 {filed} 张。', en: 'Re-ran batch {n} of {dept}: {projects} forms opened again, {filed} filed kept.' },
};
const t = translator(strings);

/**
 * The task page's project card for a self-evaluation: which targets the form is pre-filled with
 * (the latest revision, the project library's approved ones, or the industry's core indicators),
 * then the generic card.
 * @param {import('../types.js').ContextArgs} args
 */
export function contextPanel(args) {
  const pre = /** @type {any} */ (args.context?.prefill);
  const generic = genericContext(args);
  if (!pre?.targetsSource) return generic;
  const lib = pre.projectLibrary;
  const candidates = /** @type {Array<{ id: string, name: string }>} */ (pre.libraryCandidates ?? []);
  const note =
    pre.targetsSource === 'projectLibrary'
      ? t('evaluation_targets_projectLibrary', { amount: yuan(lib?.approvedFen ?? 0) })
      : pre.targetsReason === 'ambiguousLibraryMatch'
        ? t('evaluation_targets_ambiguous', { names: candidates.map((c) => `${c.name}（${c.id}）`).join('、') })
        : t(pre.targetsSource === 'approved' ? 'evaluation_targets_approved' : 'evaluation_targets_library');
  return h(
    'div',
    {},
    h('p.targets-source', { dataset: { source: pre.targetsSource, ...(pre.targetsReason ? { reason: pre.targetsReason } : {}) } }, note),
    lib?.cut ? h('p.targets-cut', {}, t('evaluation_targets_cut', { requested: yuan(lib.requestedFen), reason: lib.cut })) : null,
    generic,
  );
}

const STAGES = /** @type {const} */ (['filling', 'signing', 'departmentReview', 'financeReview', 'filed']);

/** @param {HTMLElement} main @param {import('../types.js').ViewContext} ctx */
async function cycleView(main, ctx) {
  const year = h('input', { type: 'number', value: String(new Date().getFullYear() - 1), 'aria-label': t('pick_year') });
  const depts = h('input', { type: 'text', placeholder: t('depts'), 'aria-label': t('depts') });
  const msg = h('p', { role: 'status' });
  const out = h('div', {});
  const y = () => Number(/** @type {HTMLInputElement} */ (year).value);
  const show = async () => {
    out.replaceChildren();
    /** @type {any} */
    let p;
    try {
      p = await get(`/api/evaluations/cycles/${y()}/progress`);
    } catch {
      if (!ctx.stale()) out.append(h('p', {}, t('not_open')));
      return;
    }
    if (ctx.stale()) return;
    out.append(
      h('p', {}, t('summary', { stage: p.stage, filed: String(p.filed), projects: String(p.projects), due: String(p.dueAt).slice(0, 10) })),
      h('table', {},
        h('thead', {}, h('tr', {}, ...['col_dept', 'col_projects', ...STAGES.map((s) => `col_${s}`), 'col_returns', 'col_grades'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...p.departments.map((/** @type {any} */ d) => h('tr', {},
          h('td', {}, d.deptId),
          h('td', {}, String(d.projects)),
          ...STAGES.map((s) => h('td', {}, String(d.byStage[s] ?? 0))),
          h('td', {}, String(d.returns)),
          h('td', {}, Object.entries(d.grades).map(([g, n]) => `${g} ${n}`).join('，')))))),
    );
    // batches that failed for good, each re-run from here by finance (the API says who may)
    const may = new Set(/** @type {string[]} */ (p.allowedActions ?? []));
    const failed = p.departments.flatMap((/** @type {any} */ d) => (d.failedBatches ?? []).map((/** @type {any} */ f) => ({ ...f, deptId: d.deptId })));
    if (failed.length) {
      out.append(h('h3', {}, t('failed_title')), h('table.failed-batches', {},
        h('thead', {}, h('tr', {}, ...['col_dept', 'col_batch', 'col_reason', 'col_closed', 'col_failed_at'].map((k) => h('th', {}, t(k))), may.has('rerunBatch') ? h('th', {}) : null)),
        h('tbody', {}, ...failed.map((/** @type {any} */ f) => h('tr', { dataset: { dept: f.deptId, batch: String(f.batch) } },
          h('td', {}, f.deptId),
          h('td', {}, t('batch_no', { n: String(f.batch + 1) })),
          h('td', {}, f.reason),
          h('td', {}, `${f.unfiled} / ${f.filed}`),
          h('td', {}, fmtTime(f.at)),
          may.has('rerunBatch')
            ? h('td', {}, h('button', { type: 'button', onclick: async () => {
              try {
                /** @type {any} */
                const r = await api('POST', `/api/evaluations/cycles/${y()}/departments/${encodeURIComponent(f.deptId)}/batches/${f.batch}/rerun`, {}, { headers: { 'idempotency-key': `${f.workflowId}` } });
                msg.textContent = t('rerun_sent', { dept: f.deptId, n: String(f.batch + 1), projects: String(r.projects), filed: String(r.filed) });
              } catch (e) {
                msg.textContent = String(/** @type {Error} */ (e).message ?? e);
              }
              await show();
            } }, t('rerun')))
            : null)))));
    }
  };
  const open = async () => {
    const ids = /** @type {HTMLInputElement} */ (depts).value.split(/[,，\s]+/).filter(Boolean);
    try {
      /** @type {any} */
      const r = await api('POST', '/api/evaluations/cycles', { year: y(), ...(ids.length ? { deptIds: ids } : {}) });
      msg.textContent = t('opened', { id: r.workflowId, due: r.dueMonthDay });
    } catch (e) {
      msg.textContent = String(/** @type {Error} */ (e).message ?? e);
    }
    await show();
  };
  main.replaceChildren(
    h('h2', {}, t('start')),
    h('div', {}, year, depts, h('button', { type: 'button', onclick: open }, t('open_cycle')), h('button', { type: 'button', onclick: show }, t('show'))),
    msg,
    out,
  );
  await show();
  const timer = setInterval(() => void show(), 15_000);
  return () => clearInterval(timer);
}

/** @type {import('../types.js').StartPage} */
export const start = { route: 'evaluation', label: strings.start, permission: 'process.read', view: cycleView };

/** @type {import('../types.js').Vocab} */
export const vocab = {
  audit: {
    'evaluation.formsOpened': { zh: '自评表已下发', en: 'Self-evaluation forms opened' },
    'evaluation.batchOpened': { zh: '一批自评表已下发', en: 'A batch of self-evaluation forms opened' },
    'evaluation.wholeFormsOpened': { zh: '部门整体及转移支付自评表已下发', en: 'Overall and transfer self-evaluations opened' },
    'evaluation.selfEvaluated': { zh: '提交自评', en: 'Self-evaluation submitted' },
    'evaluation.formRefused': { zh: '自评表与绩效目标不符，退回', en: 'Form does not match the targets: returned' },
    'evaluation.returned': { zh: '自评退回修改', en: 'Self-evaluation returned' },
    'evaluation.returnsExhausted': { zh: '退回次数已满，按现状备案', en: 'No returns left: filed as it stands' },
    'evaluation.filed': { zh: '自评已备案', en: 'Self-evaluation filed' },
    'evaluation.batchFailed': { zh: '自评批次处理失败', en: 'A batch of self-evaluations failed' },
    'evaluation.batchRerun': { zh: '自评批次重新下发', en: 'A failed batch re-run' },
    'evaluation.batchRerunOpened': { zh: '重新下发的自评表已打开', en: 'A re-run batch’s forms opened' },
    'evaluation.drawn': { zh: '抽取抽查名单', en: 'Check sample drawn' },
    'evaluation.drawConfirmed': { zh: '确认抽查名单', en: 'Check sample confirmed' },
    'evaluation.redrawn': { zh: '重新抽取', en: 'Drawn again' },
    'evaluation.checked': { zh: '抽查复核完成', en: 'Check done' },
    'evaluation.rectificationOpened': { zh: '下达整改通知', en: 'Rectification notice raised' },
    'evaluation.reEvaluated': { zh: '再评价完成', en: 'Re-evaluated' },
    'evaluation.peerReviewAssigned': { zh: '计算互审分配', en: 'Peer-review rotation computed' },
    'evaluation.peerReviewSent': { zh: '下发互审任务', en: 'Peer reviews sent' },
    'evaluation.reportScored': { zh: '报告定分', en: 'Report scored' },
    'evaluation.peerReviewClosed': { zh: '互审完成', en: 'Peer review closed' },
    'evaluation.commissioned': { zh: '委托第三方机构', en: 'Agency commissioned' },
    'evaluation.reportAccepted': { zh: '报告验收通过', en: 'Report accepted' },
    'evaluation.reportReturned': { zh: '报告退回修改', en: 'Report returned' },
    'evaluation.expertOpinion': { zh: '专家提交评审意见', en: 'Expert’s opinion given' },
    'evaluation.reEvaluationRefused': { zh: '无已备案自评，不能再评价', en: 'No filed self-evaluation to re-evaluate' },
    'evaluation.reEvaluationDrawn': { zh: '抽取再评价名单', en: 'Re-evaluation share drawn' },
    'evaluation.reEvaluationDrawConfirmed': { zh: '确认再评价名单', en: 'Re-evaluation draw confirmed' },
    'evaluation.reEvaluationRedrawn': { zh: '再评价名单重新抽取', en: 'Re-evaluation drawn again' },
    'evaluation.departmentEvaluationOpened': { zh: '启动部门评价', en: 'Department evaluation opened' },
    'evaluation.departmentEvaluated': { zh: '部门评价完成', en: 'Project evaluated by the department' },
    'evaluation.departmentReported': { zh: '提交部门评价报告', en: 'Department evaluation report submitted' },
    'evaluation.agencySaved': { zh: '机构库登记', en: 'Agency register entry saved' },
    'evaluation.agencyCredit': { zh: '记入机构信用记录', en: 'Agency credit record entry' },
    'evaluation.agencyCommissioned': { zh: '机构受托记录', en: 'Commission recorded' },
    'evaluation.expertSaved': { zh: '专家库登记', en: 'Expert library entry saved' },
    'evaluation.qualityRecorded': { zh: '互审得分记入机构质量', en: 'Peer-review score recorded as agency quality' },
    'evaluation.qualityNotRecorded': { zh: '机构不在机构库，互审得分未记入', en: 'Agency not in the register: score not recorded' },
  },
  field: {
    indicators: { zh: '绩效指标', en: 'Indicators' },
    actual: { zh: '实际完成值', en: 'Actual value' },
    target: { zh: '目标值', en: 'Target' },
    completionPct: { zh: '完成程度（%）', en: 'Completion (%)' },
    gapReason: { zh: '偏差原因', en: 'Reason for the gap' },
    measures: { zh: '改进措施', en: 'Measures' },
    summary: { zh: '自评总结', en: 'Summary' },
    adjustedScore: { zh: '复核调整得分', en: 'Adjusted score' },
    findings: { zh: '复核意见', en: 'Findings' },
    problems: { zh: '发现问题', en: 'Problems found' },
    score: { zh: '再评价得分', en: 'Re-evaluation score' },
    opinion: { zh: '专家评审意见', en: 'Expert’s opinion' },
    expertOpinions: { zh: '专家评审意见', en: 'Experts’ opinions' },
    projectLibrary: { zh: '项目库批复', en: 'Project library entry' },
    targetsSource: { zh: '目标来源', en: 'Source of the targets' },
    rubric: { zh: '报告质量评分', en: 'Report quality rubric' },
    method: { zh: '评价依据与方法', en: 'Basis and method' },
    evidence: { zh: '数据与证据', en: 'Data and evidence' },
    conclusions: { zh: '结论与建议', en: 'Conclusions and recommendations' },
    form: { zh: '报告规范性', en: 'Form of the report' },
    changes: { zh: '修改说明', en: 'Changes made' },
    finalScore: { zh: '最终得分', en: 'Final score' },
    scores: { zh: '评价得分', en: 'Scores' },
    economy: { zh: '经济性', en: 'Economy' },
    efficiency: { zh: '效率性', en: 'Efficiency' },
    effectiveness: { zh: '有效性', en: 'Effectiveness' },
    results: { zh: '效果', en: 'Results' },
    sustainability: { zh: '可持续性', en: 'Sustainability' },
  },
};
