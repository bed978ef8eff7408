// ajv's standalone validators as a candidate: they fill defaults into the object they are given, so
// each validates a copy (contracts/jsonSchema.ts returns a copy too).
import type { Validate } from './holder';

type AjvFn = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

export function fromAjv(validators: Record<string, unknown>): Validate {
  return (schema, value) => {
    const fn = validators[schema] as AjvFn;
    const data: unknown = value === undefined ? value : JSON.parse(JSON.stringify(value));
    if (fn(data)) return { ok: true, value: data };
    return { ok: false, error: (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? ''}`).join('; ') };
  };
}
