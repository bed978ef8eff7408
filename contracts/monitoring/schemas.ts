// Monitoring's generated JSON Schemas, for its workflow code (no zod there).
import { GENERATED } from './schemas.generated';

export const MONITORING_SCHEMAS = GENERATED.schemas;
/** Its task types as the board needs them (`new TaskBoard({ types })`). */
export const MONITORING_TYPES = GENERATED.taskTypes;
