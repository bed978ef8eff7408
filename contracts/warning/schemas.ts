// Warning's generated JSON Schemas, for its workflow code (no zod there).
import { GENERATED } from './schemas.generated';

export const WARNING_SCHEMAS = GENERATED.schemas;
/** Its task types as the board needs them (`new TaskBoard({ types })`). */
export const WARNING_TYPES = GENERATED.taskTypes;
