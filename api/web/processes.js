// @ts-check
// The processes as the web app knows them: GET /api/process-types (labels, stages, conclusions, task
// types, web module) and each process's web module (api/web/<name>/index.js), loaded dynamically.
// The shell asks here for labels, start pages and task context panels; it knows no process by name.
import { addMessages, get } from './api.js';
import { addVocab, L, t } from './i18n.js';

/** @typedef {import('./types.js').WebProcess} WebProcess */
/** @typedef {import('./types.js').ProcessWebModule} ProcessWebModule */

/** @type {Map<string, WebProcess>} */
const byName = new Map();
/** @type {Promise<void> | null} */
let loading = null;

/** Loads the processes once per page (they change only with a deployment); a failure is retried next time. */
export function loadProcesses() {
  loading ??= (async () => {
    /** @type {import('./types.js').ProcessInfo[]} */
    const list = await get('/api/process-types');
    const mods = await Promise.all(list.map((p) => (p.web ? loadModule(p.web) : Promise.resolve(null))));
    list.forEach((p, i) => {
      const module = mods[i];
      if (module?.vocab) addVocab(module.vocab);
      if (module?.messages) addMessages(module.messages);
      byName.set(p.name, { ...p, module });
    });
  })().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

/** @param {string} url @returns {Promise<ProcessWebModule | null>} */
async function loadModule(url) {
  try {
    return /** @type {ProcessWebModule} */ (await import(url));
  } catch (e) {
    console.warn(`process module ${url} did not load`, e);
    return null;
  }
}

/** Every process the server has, in the registry's order. */
export const processes = () => [...byName.values()];
/** @param {string} name */
export const processOf = (name) => byName.get(name);
/** @param {string} name */
export const processLabel = (name) => L(byName.get(name)?.label, name);
/** @param {string} process @param {string} stage */
export const stageLabel = (process, stage) => L(byName.get(process)?.stages?.[stage], stage);
/** @param {string} process @param {string | null} conclusion */
export const conclusionLabel = (process, conclusion) => (conclusion == null ? t('dash_no_conclusion') : L(byName.get(process)?.conclusions?.[conclusion], conclusion));

/** The start pages of the processes (项目申报, …), with the process each belongs to. */
export function startPages() {
  return processes().flatMap((p) => (p.module?.start ? [{ process: p.name, ...p.module.start }] : []));
}
/** The processes' cards on the dashboard, in the registry's order. */
export function dashboardPanels() {
  return processes().flatMap((p) => (p.module?.dashboardPanel ? [{ process: p.name, ...p.module.dashboardPanel }] : []));
}
/** @param {string} route */
export const startPage = (route) => startPages().find((s) => s.route === route);
