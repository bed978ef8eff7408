// Rectification's generated JSON Schemas, for its workflow code (no zod there).
import { GENERATED } from './schemas.generated';

export const RECTIFICATION_SCHEMAS = GENERATED.schemas;
/** Its task types as the board needs them (`new TaskBoard({ types })`). */
export const RECTIFICATION_TYPES = GENERATED.taskTypes;
