// `npm run reconcile [-- --dry-run] [-- 'visibility query']`: makes the inbox projection equal to
// Temporal and lists each difference it fixed. With the embedded database open in a running
// `npm start`, it asks that process (never a second opener of the same directory).
import { loadConfig } from '../config';
import { adminSocketPath, buildDeps, createLogger } from '../app/deps';
import { reconcile, type ReconcileResult } from '../app/reconcile';
import { reconcileThrough } from '../app/adminSocket';
import { DbInUseError } from '../db';

const config = loadConfig();
const log = createLogger(config, 'reconcile');
const dryRun = process.argv.includes('--dry-run');
const visibilityQuery = process.argv.slice(2).find((a) => !a.startsWith('--'));

let out: ReconcileResult;
try {
  const deps = await buildDeps(config, { log });
  try {
    out = await reconcile(deps.db, deps.temporal, log, { visibilityQuery, dryRun });
  } finally {
    await deps.close();
  }
} catch (e) {
  if (!(e instanceof DbInUseError)) throw e;
  log.info(`the database is in use by process ${e.pid}: reconciling through it`);
  out = await reconcileThrough(adminSocketPath(config), { visibilityQuery, dryRun });
}
for (const d of out.fixed) {
  const was = d.inbox ? `${d.inbox.status} v${d.inbox.version}` : 'no row';
  const is = d.temporal ? `${d.temporal.status} v${d.temporal.version}` : 'not open in Temporal';
  process.stdout.write(`${dryRun ? 'differs' : 'fixed'} ${d.kind.padEnd(7)} ${d.taskId}: inbox ${was} → Temporal ${is}\n`);
}
process.stdout.write(
  `${out.fixed.length} ${dryRun ? 'differences found' : 'differences fixed'} in ${out.tasks} tasks of ${out.workflows} workflows` +
    `${out.missing.length ? `; ${out.missing.length} no longer in Temporal` : ''}${out.unreachable.length ? `; ${out.unreachable.length} could not be asked` : ''}\n`,
);
process.exit(out.unreachable.length ? 1 : 0);
