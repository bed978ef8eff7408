// @ts-check
// Pre-assessment's start page, new project application (项目申报): the ProjectApplication of
// contracts/preAssessment/application.zod.ts, with its performance targets; amounts typed in yuan are
// sent as integer fen. Field errors come back by path.
import { api, ApiError, orgs, post } from '../api.js';
import { h, toast } from '../dom.js';
import { schemaForm } from '../form.js';
import { translator, v } from '../i18n.js';
import { app } from '../state.js';
import { strings } from './strings.js';

const t = translator(strings);

/** @param {number} [min] @param {number} [max] @returns {import('../types.js').JsonSchema} */

const str = (min, max) => ({ type: 'string', ...(min ? { minLength: min } : {}), maxLength: max });
/** @type {import('../types.js').JsonSchema} */
const Indicator = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['output', 'benefit', 'satisfaction'] },
    category: str(1, 50),
    name: str(1, 200),
    direction: { type: 'string', enum: ['>=', '<=', '='] },
    target: str(1, 100),
    unit: { ...str(0, 20), default: '' },
    core: { type: 'boolean', default: false },
    code: str(0, 50),
    caseId: str(0, 50),
  },
  required: ['kind', 'category', 'name', 'target', 'direction'],
};
/** @type {import('../types.js').JsonSchema} */
const BASIC = {
  type: 'object',
  properties: {
    projectCode: { type: 'string', minLength: 1, maxLength: 100 },
    name: str(2, 200),
    amountFen: { type: 'integer', minimum: 1 },
    year: { type: 'integer', minimum: 2000, maximum: 2100 },
    industry: str(1, 50),
    kind: { type: 'string', enum: ['project', 'policy'] },
    isNew: { type: 'boolean' },
    midYear: { type: 'boolean', default: false },
    majorDevelopment: { type: 'boolean', default: false },
    summary: str(0, 5000),
  },
  required: ['projectCode', 'name', 'amountFen', 'year', 'industry', 'kind', 'isNew'],
};
/** @type {import('../types.js').JsonSchema} */
const TARGETS = { type: 'object', properties: { indicators: { type: 'array', minItems: 1, items: Indicator } }, required: ['indicators'] };

const INDUSTRIES = ['教育', '科学技术', '文化旅游体育与传媒', '社会保障和就业', '卫生健康', '节能环保', '城乡社区', '农林水', '交通运输', '资源勘探工业信息', '商业服务业', '自然资源海洋气象', '住房保障', '粮油物资储备', '灾害防治及应急管理', '一般公共服务', '公共安全', '其他'];

/** @param {HTMLElement} main @param {import('../types.js').ViewContext} ctx */
export async function applyView(main, { stale }) {
  const me = app.me;
  if (!app.can('application.submit')) {
    main.append(h('section.card', h('h1', t('new_title')), h('p.notice', t('new_no_permission'))));
    return;
  }
  const [orgNames, profile] = await Promise.all([orgs(), api('GET', '/api/profile?section=preAssessment').catch(() => null)]);
  if (stale()) return;
  const year = new Date().getFullYear() + 1;
  const basic = schemaForm(BASIC, { projectCode: `${me.orgId}-${year}-`, year, kind: 'project', isNew: true });
  const targets = schemaForm(TARGETS, { indicators: [{ kind: 'output', category: '数量指标', name: '', target: '', unit: '', direction: '>=', core: true }] });
  // the industry list as suggestions
  const industry = basic.el.querySelector('[name="industry"]');
  const listId = 'industries';
  industry?.setAttribute('list', listId);
  const general = h('div.form-error', { role: 'alert', hidden: true });
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const submit = h('button.btn.primary', { type: 'submit' }, t('new_submit'));

  main.append(
    h(
      'section.apply-page',
      h('div.page-head', h('h1', t('new_title')), h('p.muted', t('new_intro'))),
      result,
      h(
        'form.apply-form',
        { noValidate: true, onsubmit: (e) => (e.preventDefault(), send()) },
        h(
          'section.card',
          h('h2.card-title', t('new_basic')),
          h('dl.facts.compact', h('dt', t('new_unit')), h('dd', `${orgNames.get(me.orgId) ?? me.orgId}（${me.orgId}）`), h('dt', t('new_dept')), h('dd', me.deptId ? `${orgNames.get(me.deptId) ?? me.deptId}（${me.deptId}）` : '—')),
          basic.el,
          h('datalist', { id: listId }, INDUSTRIES.map((i) => h('option', { value: i }))),
        ),
        h('section.card', h('h2.card-title', t('new_targets')), targets.el),
        libraryCard(() => /** @type {HTMLInputElement | null} */ (industry)?.value ?? ''),
        general,
        h('div.form-actions', submit),
      ),
      profile ? rulesCard(profile.values) : null,
    ),
  );

  async function send() {
    submit.disabled = true;
    general.hidden = true;
    basic.clearErrors();
    targets.clearErrors();
    const body = { ...basic.get(), ...targets.get(), deptId: me.deptId, unitId: me.orgId };
    try {
      const r = await post('/api/pre-assessments', body);
      toast(t('new_submitted', { code: body.projectCode }));
      result.replaceChildren(
        h('div.notice.ok', h('p', h('strong', t('new_submitted', { code: body.projectCode }))), h('p', t('new_route', { route: v('route', r.route) })), h('p', h('a', { href: '#/tasks?mine=submitted' }, t('new_view_submitted')))),
      );
      result.scrollIntoView({ block: 'start', behavior: 'smooth' });
    } catch (e) {
      const fe = e instanceof ApiError ? e.fieldErrors() : [];
      if (fe.length) {
        const isTarget = (x) => x.path.startsWith('indicators');
        basic.setErrors(fe.filter((x) => !isTarget(x)));
        targets.setErrors(fe.filter(isTarget));
        (fe.some((x) => !isTarget(x)) ? basic : targets).focusFirstError();
      } else {
        general.textContent = `${t('error_prefix')}：${e.message}`;
        general.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  }
}

/**
 * The indicator library (指标库) and its past cases (案例库, 004) beside the targets being drafted: the
 * industry's indicators (core ones marked) and how comparable past projects set theirs, with the values
 * they achieved and their grade; a case's number goes into an indicator's 参照案例 (caseId).
 * @param {() => string} industryOfForm the industry typed in the form, the default filter
 */
function libraryCard(industryOfForm) {
  const industry = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'lib-industry', list: 'industries', style: 'width:12em;display:inline-block', placeholder: '教育 / edu', 'aria-label': t('lib_industry') }));
  const code = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'lib-indicator', style: 'width:10em;display:inline-block', placeholder: 'edu.01', 'aria-label': t('lib_indicator') }));
  const text = /** @type {HTMLInputElement} */ (h('input', { type: 'search', id: 'lib-q', style: 'width:14em;display:inline-block', 'aria-label': t('lib_text') }));
  const out = h('div.library-results', { 'aria-live': 'polite' });
  const search = async () => {
    if (!industry.value.trim() && industryOfForm().trim()) industry.value = industryOfForm().trim();
    const params = new URLSearchParams();
    if (industry.value.trim()) params.set('industry', industry.value.trim());
    const caseParams = new URLSearchParams(params);
    if (code.value.trim()) caseParams.set('indicator', code.value.trim());
    if (text.value.trim()) caseParams.set('q', text.value.trim());
    out.replaceChildren(h('p.muted', t('lib_loading')));
    try {
      /** @type {[{ items: Array<Record<string, any>> }, { items: Array<Record<string, any>> }]} */
      const [lib, cases] = await Promise.all([api('GET', `/api/indicator-library?${params}`), api('GET', `/api/case-library?${caseParams}`)]);
      out.replaceChildren(indicatorList(lib.items), caseList(cases.items));
    } catch (e) {
      out.replaceChildren(h('p.notice.warn', `${t('error_prefix')}：${e instanceof Error ? e.message : String(e)}`));
    }
  };
  return h(
    'section.card.library-card',
    { 'data-card': 'library' },
    h('h2.card-title', t('lib_title')),
    h('p.muted', t('lib_intro')),
    h(
      'form.toolbar.library-filter',
      { style: 'display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center', onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), void search()) },
      h('label', t('lib_industry'), ' ', industry),
      ' ',
      h('label', t('lib_indicator'), ' ', code),
      ' ',
      h('label', t('lib_text'), ' ', text),
      ' ',
      h('button.btn', { type: 'submit' }, t('lib_search')),
    ),
    out,
  );
}

/** @param {Array<Record<string, any>>} items */
function indicatorList(items) {
  return h(
    'details.library-indicators',
    h('summary', t('lib_indicators', { n: items.length })),
    h(
      'div.table-wrap',
      h(
        'table.data',
        h('thead', h('tr', ['lib_code', 'lib_level', 'lib_name', 'lib_unit', 'lib_core'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', items.map((i) => h('tr', { 'data-code': i.code }, h('td', h('code', i.code)), h('td', `${v('enum', i.level1)} / ${i.level2}`), h('td', i.name), h('td', `${v('enum', i.direction)} ${i.unit}`), h('td', i.isCore ? t('lib_yes') : '')))),
      ),
    ),
  );
}

/** @param {Array<Record<string, any>>} items */
function caseList(items) {
  if (!items.length) return h('p.muted.library-cases', t('lib_no_cases'));
  return h(
    'div.library-cases',
    h('h3', t('lib_cases', { n: items.length })),
    h(
      'ul.cases',
      { style: 'list-style:none;padding:0' },
      items.map((c) =>
        h(
          'li.case',
          { 'data-case-id': c.id },
          h(
            'details',
            h('summary', h('code', c.id), ' ', h('strong', c.name), ' · ', `${c.year}`, ' · ', `${(c.amountFen / 1_000_000).toLocaleString('zh-CN')} ${t('lib_wan')}`, ' · ', c.grade ? t('lib_grade', { grade: c.grade, score: c.score ?? '—' }) : t('lib_no_grade')),
            h(
              'table.data.case-indicators',
              h('thead', h('tr', ['lib_code', 'lib_name', 'lib_target', 'lib_achieved'].map((k) => h('th', { scope: 'col' }, t(k))))),
              h(
                'tbody',
                (c.indicators ?? []).map((/** @type {Record<string, any>} */ i) =>
                  h('tr', h('td', i.code ? h('code', i.code) : '—'), h('td', i.name, i.isCore ? h('span.tag.small.info', ` ${t('lib_core')}`) : null), h('td.num', `${v('enum', i.direction)} ${i.target}${i.unit ? ` ${i.unit}` : ''}`), h('td.num', i.achieved ?? '—')),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The region's pre-assessment rules, each with its source: a seed's phrase or our default (GET /api/profile).
 * @param {Array<{ path: string, value: unknown, source: { seed: string, phrase: string, note?: string } | null }>} values
 */
function rulesCard(values) {
  const shown = (x) => (typeof x === 'number' && /Fen$/.test(String(x)) ? x : JSON.stringify(x));
  return h(
    'section.card',
    h('h2.card-title', t('rules_title')),
    h(
      'table.table',
      h('thead', h('tr', h('th', ''), h('th', t('rules_value')), h('th', t('rules_origin')))),
      h(
        'tbody',
        values.map((x) =>
          h(
            'tr',
            h('td', h('code', x.path.replace(/^preAssessment\./, ''))),
            h('td', /Fen$/.test(x.path) && typeof x.value === 'number' ? `${(x.value / 100).toLocaleString('zh-CN')} 元` : shown(x.value)),
            h('td', x.source ? t('rules_seed', { seed: x.source.seed, phrase: x.source.phrase }) : t('rules_ours')),
          ),
        ),
      ),
    ),
  );
}
