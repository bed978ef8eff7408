// The human-task primitive's generated JSON Schemas (moves, task specs) and the checks workflow code
// makes with them: no zod here, so workflow executions stay light (see contracts/jsonSchema.ts).
import { GENERATED } from './schemas.generated';
import { check, describeIssues, type Checked, type JsonSchema } from '../jsonSchema';
import type { Label } from './taskTypes.zod';

export interface OutcomeInfo {
  label: Label;
  style: 'primary' | 'danger' | 'default';
  form: JsonSchema;
}
/** A task type as workflow code sees it: labels, outcomes and each outcome's form as a JSON Schema. */
export interface TaskTypeInfo {
  label: Label;
  outcomes: Record<string, OutcomeInfo>;
}

export const SCHEMAS = GENERATED;
export { check, describeIssues, type Checked };

/** Validates a decision's form against its task type; returns field errors or the form with defaults. */
export function validateDecision(
  def: TaskTypeInfo | undefined,
  outcome: string,
  form: unknown,
): { ok: true; form: Record<string, unknown> } | { ok: false; errors: Array<{ field: string; message: string }> } {
  if (!def) return { ok: false, errors: [{ field: 'type', message: 'unknown task type' }] };
  const o = def.outcomes[outcome];
  if (!o) return { ok: false, errors: [{ field: 'outcome', message: `must be one of: ${Object.keys(def.outcomes).join(', ')}` }] };
  const r = check<Record<string, unknown>>(o.form, form ?? {});
  if (!r.ok) return { ok: false, errors: r.issues.map((i) => ({ field: i.path ? `form.${i.path}` : 'form', message: i.message })) };
  return { ok: true, form: r.value };
}
