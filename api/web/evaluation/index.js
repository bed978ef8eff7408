// @ts-check
// Evaluation's web module (api/web/<name>/index.js, served at /evaluation/index.js): its words for the
// shell's generic task page and audit trail. Stage and conclusion labels are in its manifest
// (contracts/evaluation/manifest.zod.ts). No start page yet: finance opens a cycle over the API.

/** @type {import('../types.js').Strings} */
export const strings = {
  evaluation_prefill: { zh: '预填信息', en: 'Pre-filled' },
  evaluation_targets: { zh: '绩效目标', en: 'Performance targets' },
  evaluation_targets_library: { zh: '未找到批复目标：已按行业核心指标预填，请填写批复目标值', en: 'No approved targets on record: the industry’s core indicators are pre-filled; state the approved target' },
  evaluation_execution: { zh: '预算执行情况', en: 'Budget execution' },
  evaluation_monitoring_none: { zh: '本年度无运行监控结果', en: 'No monitoring results this year' },
  evaluation_score: { zh: '自评得分（系统计算）', en: 'Self-evaluation score (computed)' },
  evaluation_grade: { zh: '评价等级', en: 'Grade' },
  evaluation_draw_seed: { zh: '抽取种子：{seed}', en: 'Draw seed: {seed}' },
};

/** @type {import('../types.js').Vocab} */
export const vocab = {
  audit: {
    'evaluation.formsOpened': { zh: '自评表已下发', en: 'Self-evaluation forms opened' },
    'evaluation.selfEvaluated': { zh: '提交自评', en: 'Self-evaluation submitted' },
    'evaluation.formRefused': { zh: '自评表与绩效目标不符，退回', en: 'Form does not match the targets: returned' },
    'evaluation.returned': { zh: '自评退回修改', en: 'Self-evaluation returned' },
    'evaluation.returnsExhausted': { zh: '退回次数已满，按现状备案', en: 'No returns left: filed as it stands' },
    'evaluation.filed': { zh: '自评已备案', en: 'Self-evaluation filed' },
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
    'evaluation.reEvaluationRefused': { zh: '无已备案自评，不能再评价', en: 'No filed self-evaluation to re-evaluate' },
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
