// `npm run reconcile [-- 'visibility query']`: rebuilds the inbox projection from Temporal.
import { loadConfig } from '../config';
import { buildDeps, createLogger } from '../app/deps';
import { reconcile } from '../app/reconcile';

const config = loadConfig();
const log = createLogger(config, 'reconcile');
const deps = await buildDeps(config, { log });
try {
  const r = await reconcile(deps.db, deps.temporal, log, { visibilityQuery: process.argv[2] });
  process.stdout.write(`reconciled ${r.tasks} tasks of ${r.workflows} workflows${r.missing.length ? `; ${r.missing.length} no longer in Temporal` : ''}\n`);
} finally {
  await deps.close();
}
