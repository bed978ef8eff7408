// @ts-check
// The HTTP API client: bearer token from localStorage, JSON in and out, errors as ApiError.
import { getLang, t } from './i18n.js';

/** @typedef {[RegExp, (...m: string[]) => string]} ZhMessage */
/** How a process ended, as Temporal names it (lower case). @type {Record<string, string>} */
const PROCESS_ENDED = { completed: '已完成', terminated: '已终止', cancelled: '已取消', canceled: '已取消', failed: '已失败', 'timed out': '已超时' };
/** The validators' common English messages, in Chinese when the page is (processes add their own). */
/** @type {ZhMessage[]} */
const ZH_MESSAGES = [
  [/^Too small: expected string to have >=1 characters?$/, () => '必填'],
  [/^Too small: expected string to have >=(\d+) characters?$/, (n) => `至少 ${n} 个字符`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (n) => `不能超过 ${n} 个字符`],
  [/^Too small: expected number to be >=?(\S+)$/, (n) => `不能小于 ${n}`],
  [/^Too big: expected number to be <=?(\S+)$/, (n) => `不能大于 ${n}`],
  [/^Too small: expected array to have >=(\d+) items?$/, (n) => `至少 ${n} 项`],
  [/^Invalid input: expected \w+, received undefined$/, () => '必填'],
  [/^Invalid input: expected (number|int), received \w+$/, () => '请输入数字'],
  [/^Invalid option: expected one of .*$/, () => '请选择一项'],
  [/^must be positive$/, () => '必须大于 0'],
  [/^a reason is required$/, () => '请填写理由'],
  // refused moves (a bulk approval lists them per task)
  [/^this task is not yours$/, () => '此事项不由您办理'],
  [/^task is completed$/, () => '此事项已办结'],
  [/^task is cancelled$/, () => '此事项已取消'],
  [/^claimed by someone else$/, () => '已被他人认领'],
  [/^already claimed by (.+)$/, (who) => `已被 ${who} 认领`],
  [/^claim the task first$/, () => '请先认领'],
  [/^this task type is not approved in bulk$/, () => '此类事项不能批量审批'],
  [/^outcome \S+ is not taken in bulk on this task type \(in bulk: (.*)\)$/, () => '此类事项不能批量作出该决定'],
  [/^this task is not approved in bulk under the region profile$/, () => '按本地区规则，此事项不能批量审批'],
  [/^segregation of duties: .*$/, () => '职责分离：您不能办理此事项'],
  [/^task \S+ not found$/, () => '未找到该事项'],
  // a queued decision whose process is gone (api/inbox/dispatcher.ts)
  [/^the process of this task has ended(?: \((.+)\))?$/, (how) => `此事项所属流程已结束${how && PROCESS_ENDED[how] ? `（${PROCESS_ENDED[how]}）` : ''}`],
  [/^the process of this task ended before it answered the decision$/, () => '此事项所属流程在办理前已结束'],
  [/^the process of this task was not found$/, () => '未找到此事项所属流程'],
];
/** @param {ZhMessage[]} list */
export const addMessages = (list) => ZH_MESSAGES.push(...list);
/** @param {string} m */
export function localMessage(m) {
  if (getLang() !== 'zh') return m;
  for (const [re, f] of ZH_MESSAGES) {
    const x = re.exec(m);
    if (x) return f(...x.slice(1));
  }
  return m;
}

const TOKEN = 'jx.token';

export class ApiError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    const e = body && typeof body === 'object' && body.error ? body.error : { code: 'HTTP_' + status, message: typeof body === 'string' && body ? body : `HTTP ${status}` };
    super(e.message);
    this.status = status;
    this.code = e.code;
    this.field = e.field;
    this.details = e.details;
  }

  /**
   * Field errors as [{path: 'aspects.necessity.finding', message}], from `details`, or parsed from a
   * message like "form.a.b: msg; form.c: msg" (what the workflow's validator sends back).
   */
  fieldErrors() {
    /** @param {unknown} f */
    const strip = (f) => String(f).replace(/^(body|form|query)\.?/, '').replace(/^form\./, '');
    if (Array.isArray(this.details) && this.details.length) return this.details.map((d) => ({ path: strip(d.field), message: localMessage(d.message) }));
    const out = [];
    for (const part of this.message.split(/;\s+/)) {
      const m = /^((?:body|form)(?:\.[\w-]+)*):\s*(.+)$/.exec(part);
      if (m) out.push({ path: strip(m[1]), message: localMessage(m[2]) });
    }
    if (!out.length && this.field && /^(body|form)\./.test(this.field)) out.push({ path: strip(this.field), message: this.message.replace(/^[\w.]+:\s*/, '') });
    return out;
  }
}

export const getToken = () => localStorage.getItem(TOKEN);
/** @param {string | null} tok */
export const setToken = (tok) => (tok ? localStorage.setItem(TOKEN, tok) : localStorage.removeItem(TOKEN));

/** Called with the error when the server says the token is no good (the app goes to login). */
/** @type {(e: ApiError) => void} */
let onUnauthorized = () => {};
/** @param {(e: ApiError) => void} f */
export const setUnauthorizedHandler = (f) => (onUnauthorized = f);

/**
 * One API call; the answer's JSON (typed by the caller: see types.js), or the Response when raw.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{ raw?: boolean, headers?: Record<string, string> }} [opts]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, { raw = false, headers = {} } = {}) {
  /** @type {Record<string, string>} */
  const h = { ...headers };
  const tok = getToken();
  if (tok) h.authorization = `Bearer ${tok}`;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: payload });
  } catch {
    throw new ApiError(0, { error: { code: 'NETWORK', message: t('network_error') } });
  }
  if (raw && res.ok) return res;
  const text = await res.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return data;
}

/** @param {string} p @returns {Promise<any>} */
export const get = (p) => api('GET', p);
/** @param {string} p @param {unknown} [b] @returns {Promise<any>} */
export const post = (p, b) => api('POST', p, b ?? {});
/** @param {string} p @param {unknown} b @returns {Promise<any>} */
export const put = (p, b) => api('PUT', p, b);

/** HTTP statuses of the refusals a workflow sends back (as the direct moves answer them). */
const REFUSAL_STATUS = /** @type {Record<string, number>} */ ({ TaskNotFound: 404, TaskNotOpen: 409, TaskConflict: 409, TaskForbidden: 403, TaskInvalid: 400 });

/**
 * A move through the queue (POST …/queued-actions): answered at once, then awaited up to `waitMs`
 * (the workflow usually applies it within a second). Resolves `{ status: 'applied', version }`, or
 * `{ status: 'queued' }` when it is still on its way; a refusal throws, as a direct move's would.
 * @param {string} taskPath @param {unknown} body @param {number} [waitMs]
 * @returns {Promise<{ status: 'applied' | 'queued', version?: number, decisionId: string }>}
 */
export async function queuedMove(taskPath, body, waitMs = 4000) {
  const q = await api('POST', `${taskPath}/queued-actions`, body);
  const until = Date.now() + waitMs;
  for (let pause = 50; Date.now() < until; pause = Math.min(pause * 2, 400)) {
    await new Promise((r) => setTimeout(r, pause));
    const d = await api('GET', `/api/decisions/${encodeURIComponent(q.decisionId)}`);
    if (d.status === 'applied') return { status: 'applied', version: d.result?.version, decisionId: q.decisionId };
    if (d.status === 'refused') throw new ApiError(REFUSAL_STATUS[d.error?.type] ?? 409, { error: { code: d.error?.type ?? 'REFUSED', message: d.error?.message ?? 'refused' } });
  }
  return { status: 'queued', decisionId: q.decisionId };
}
/** @param {string} p @returns {Promise<any>} */
export const del = (p) => api('DELETE', p);

/** A query string from an object, skipping empty values. */
/** @param {Record<string, unknown>} params */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** @param {string} id */
export const taskPath = (id) => `/api/tasks/${encodeURIComponent(id)}`;

/** Downloads an attachment (needs the bearer token, so not a plain link). */
/** @param {string} id @param {string} filename */
export async function download(id, filename) {
  const res = await api('GET', `/api/attachments/${encodeURIComponent(id)}`, undefined, { raw: true });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Cached per session: the directory (demo users → org names) and the people one may hand tasks to. */
/** @type {Promise<Map<string, string>> | null} */
let orgNames = null;
/** @returns {Promise<Map<string, string>>} */
export async function orgs() {
  if (orgNames === null) {
    orgNames = get('/api/auth/demo-users')
      .then((users) => {
        const m = new Map();
        for (const u of users) m.set(u.orgId, u.orgName);
        return m;
      })
      .catch(() => new Map());
  }
  return orgNames;
}
/** @type {Promise<Array<{ id: string, name: string, orgId: string, roles: string[] }>> | null} */
let people = null;
export async function users() {
  if (people === null) people = get('/api/users').catch((e) => ((people = null), Promise.reject(e)));
  return people;
}
/**
 * Every task type the server knows — {type, process, label: {zh, en}, outcomes: [{key, label, style, schema}]} —
 * as a Map by type, fetched once per session (they change only with a deployment). A new process's
 * task types appear in the inbox's filters without any change here.
 */
/** @type {Promise<Map<string, import('./types.js').TaskType>> | null} */
let types = null;
export async function taskTypes() {
  if (types === null) types = get('/api/task-types').then((/** @type {import('./types.js').TaskType[]} */ list) => new Map(list.map((ty) => [ty.type, ty]))).catch((e) => ((types = null), Promise.reject(e)));
  return types;
}
export function resetCaches() {
  people = null;
}
