// Reference, not a candidate: the zod contracts themselves, as workflow code validated before
// (BENCHMARKS.md, "zod-free workflow code").
import { TaskAction } from '../../contracts/humanTask/tasks.zod';
import { PreAssessmentInput } from '../../contracts/preAssessment/application.zod';
import { makeWorkflows } from './holder';

const ZOD = { PreAssessmentInput, TaskAction };

export const { hold, parity } = makeWorkflows((schema, value) => {
  const r = ZOD[schema].safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
});
