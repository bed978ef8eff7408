// Evaluation's generated JSON Schemas, for its workflow code (no zod there).
import { GENERATED } from './schemas.generated';

export const EVALUATION_SCHEMAS = GENERATED.schemas;
/** Its task types as the board needs them (`new TaskBoard({ types })`). */
export const EVALUATION_TYPES = GENERATED.taskTypes;
