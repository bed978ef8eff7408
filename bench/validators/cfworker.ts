// Candidate (c): @cfworker/json-schema, one Validator per schema. It has no notion of `default`:
// the value comes back as it went in.
import { Validator, type Schema } from '@cfworker/json-schema';
import { SCHEMAS } from './schemas.generated';
import { makeWorkflows } from './holder';

const validators = { PreAssessmentInput: new Validator(SCHEMAS.PreAssessmentInput as Schema, '2020-12'), TaskAction: new Validator(SCHEMAS.TaskAction as Schema, '2020-12') };

export const { hold, parity } = makeWorkflows((schema, value) => {
  const r = validators[schema].validate(value);
  return r.valid ? { ok: true, value } : { ok: false, error: r.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join('; ') };
});
