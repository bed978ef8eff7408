// @ts-check
// Pre-assessment's web module (the convention of contracts/manifest.zod.ts: api/web/<name>/index.js,
// served at /<name>/index.js and listed by GET /api/process-types): its start page, its task context
// panel and its words. The shell loads it through processes.js and knows nothing else of it.
import { applyView } from './apply.js';
import { strings } from './strings.js';

export { strings, vocab, messages } from './strings.js';
export { contextPanel, formSchema, prefill } from './context.js';
export { dashboardPanel } from './figures.js';

/** @type {import('../types.js').StartPage} */
export const start = { route: 'new', label: strings.start, permission: 'application.submit', view: applyView };
