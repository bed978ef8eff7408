// Candidate (a): contracts/jsonSchema.ts, what workflow code uses now.
import { check, describeIssues } from '../../contracts/jsonSchema';
import { SCHEMAS } from './schemas.generated';
import { makeWorkflows } from './holder';

export const { hold, parity } = makeWorkflows((schema, value) => {
  const r = check(SCHEMAS[schema], value);
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: describeIssues(r.issues) };
});
