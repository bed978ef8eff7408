// Monitoring's generated JSON Schemas, for its workflow code (no zod there).
import { GENERATED } from './schemas.generated';
import type { TaskTypeInfo } from '../humanTask/schemas';
import { TARGET_REVISION_REASON_MAX } from '../finance/retry';
import { MONITORING_TASKS } from './names';

export const MONITORING_SCHEMAS = GENERATED.schemas;
/** Its task types as the board needs them (`new TaskBoard({ types })`). */
export const MONITORING_TYPES = GENERATED.taskTypes;

/**
 * Its task types as a batch started before the adjustment's reason was bounded to fit the finance
 * system (ADJUSTMENT_REASON_MAX) validates them: a reason up to the finance system's whole limit.
 * A board re-checks each move's form when its Update replays, so such a batch keeps these (the API
 * refuses a longer reason for every batch; the revision's reason is composed to fit either way).
 */
export const MONITORING_TYPES_BEFORE_REASON_BOUND: Record<string, TaskTypeInfo> = (() => {
  const types = JSON.parse(JSON.stringify(GENERATED.taskTypes)) as Record<string, TaskTypeInfo>;
  const reason = (types[MONITORING_TASKS.form]?.outcomes.adjust?.form as { properties?: { reason?: { maxLength?: number } } } | undefined)?.properties?.reason;
  if (!reason) throw new Error('monitoring.form has no adjust outcome with a reason: its generated schema changed');
  reason.maxLength = TARGET_REVISION_REASON_MAX;
  return types;
})();
