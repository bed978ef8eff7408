// @ts-check
// Pre-assessment's words as zh/en pairs: its start page, and the vocabularies of its data and forms
// (field names, enum values, review routes, audit actions) that the shell's generic form and task
// page look up. Stage and conclusion labels are in its manifest (contracts/preAssessment/manifest.zod.ts).

/** @type {import('../types.js').Strings} */
export const strings = {
  start: { zh: '项目申报', en: 'New application' },
  new_title: { zh: '项目申报（绩效目标）', en: 'New project application (performance targets)' },
  new_intro: { zh: '填写项目基本信息与绩效目标。新增且金额较大的项目须经事前绩效评估，其余项目进行绩效目标审核。', en: 'Enter the project and its performance targets. Large new projects get a pre-assessment; others a target review.' },
  new_basic: { zh: '基本信息', en: 'Project' },
  new_targets: { zh: '绩效目标', en: 'Performance targets' },
  new_submit: { zh: '提交申报', en: 'Submit application' },
  new_submitted: { zh: '申报已提交：{code}', en: 'Application submitted: {code}' },
  new_route: { zh: '审核路径：{route}', en: 'Review route: {route}' },
  new_no_permission: { zh: '只有预算单位经办人可以申报项目。', en: 'Only unit preparers submit applications.' },
  new_view_submitted: { zh: '查看我提交的事项', en: 'See what I submitted' },
  new_dept: { zh: '主管部门', en: 'Department' },
  new_unit: { zh: '申报单位', en: 'Unit' },
};

/** @type {import('../types.js').Vocab} */
export const vocab = {
  audit: {
    'preAssessment.submitted': { zh: '提交申报', en: 'Application submitted' },
    'preAssessment.resubmitted': { zh: '重新申报', en: 'Resubmitted' },
    'preAssessment.passed': { zh: '评估通过', en: 'Passed' },
    'preAssessment.passedReduced': { zh: '核减后通过', en: 'Passed, reduced' },
    'preAssessment.failed': { zh: '评估不通过', en: 'Failed' },
    'preAssessment.withdrawn': { zh: '申报撤回', en: 'Withdrawn' },
    'preAssessment.abandoned': { zh: '放弃申报', en: 'Abandoned' },
  },
  route: {
    key: { zh: '重点评估（财政绩效管理处）', en: 'Key assessment (finance)' },
    general: { zh: '一般评估（主管部门）', en: 'General assessment (department)' },
    targetReview: { zh: '绩效目标审核（主管部门）', en: 'Target review (department)' },
  },
  field: {
    application: { zh: '申报信息', en: 'Application' },
    projectCode: { zh: '项目编码', en: 'Project code' },
    name: { zh: '名称', en: 'Name' },
    deptId: { zh: '主管部门', en: 'Department' },
    unitId: { zh: '预算单位', en: 'Unit' },
    amountFen: { zh: '申请金额（元）', en: 'Amount (yuan)' },
    approvedAmountFen: { zh: '核定金额（元）', en: 'Approved amount (yuan)' },
    industry: { zh: '行业类型', en: 'Industry' },
    isNew: { zh: '新增项目', en: 'New project' },
    kind: { zh: '项目类别', en: 'Kind' },
    'indicators.kind': { zh: '指标类型', en: 'Indicator type' },
    'indicators.name': { zh: '指标名称', en: 'Indicator' },
    'application.name': { zh: '项目名称', en: 'Project name' },
    year: { zh: '预算年度', en: 'Budget year' },
    summary: { zh: '项目概述', en: 'Summary' },
    indicators: { zh: '绩效指标', en: 'Performance indicators' },
    category: { zh: '二级指标', en: 'Category' },
    target: { zh: '指标值', en: 'Target' },
    unit: { zh: '计量单位', en: 'Unit of measure' },
    direction: { zh: '方向', en: 'Direction' },
    core: { zh: '核心指标', en: 'Core' },
    route: { zh: '审核路径', en: 'Review route' },
    revision: { zh: '修改轮次', en: 'Revision' },
    returnReason: { zh: '退回原因', en: 'Reason for return' },
    aspects: { zh: '五个方面评审', en: 'Five aspects' },
    necessity: { zh: '立项必要性', en: 'Necessity' },
    economy: { zh: '投入经济性', en: 'Economy of inputs' },
    targets: { zh: '绩效目标合理性', en: 'Reasonable targets' },
    feasibility: { zh: '实施方案可行性', en: 'Feasibility' },
    financing: { zh: '筹资合规性', en: 'Compliant financing' },
    score: { zh: '得分', en: 'Score' },
    finding: { zh: '评审意见', en: 'Finding' },
  },
  enum: {
    output: { zh: '产出指标', en: 'Output' },
    benefit: { zh: '效益指标', en: 'Benefit' },
    satisfaction: { zh: '满意度指标', en: 'Satisfaction' },
    project: { zh: '项目', en: 'Project' },
    policy: { zh: '政策', en: 'Policy' },
    '>=': { zh: '≥', en: '≥' },
    '<=': { zh: '≤', en: '≤' },
    '=': { zh: '=', en: '=' },
  },
};

/** Its validators' English messages, in Chinese when the page is. */
/** @type {Array<[RegExp, (...m: string[]) => string]>} */
export const messages = [
  [/^each aspect needs a finding$/, () => '每个方面都须填写评审意见'],
  [/^at least one performance indicator .*$/, () => '至少填写一项绩效指标'],
  [/^targets need at least one output indicator .*$/, () => '至少需要一项产出指标'],
];
