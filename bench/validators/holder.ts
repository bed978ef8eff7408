// The workflows every candidate bundle runs, around that candidate's validator: `hold` validates its
// input once (as preAssessment does at its start, and the board does for a move) and then waits for
// a signal, so the execution stays cached; `parity` returns the verdicts on a list of cases.
import { ApplicationFailure, condition, defineSignal, setHandler } from '@temporalio/workflow';

export type SchemaName = 'PreAssessmentInput' | 'TaskAction';
export type Verdict = { ok: true; value: unknown } | { ok: false; error: string };
export type Validate = (schema: SchemaName, value: unknown) => Verdict;
export interface HoldInput {
  preAssessment: unknown;
  action: unknown;
}
export interface ParityCase {
  schema: SchemaName;
  value: unknown;
}

export const releaseSignal = defineSignal('release');

export function makeWorkflows(validate: Validate) {
  async function hold(input: HoldInput): Promise<number> {
    const a = validate('PreAssessmentInput', input.preAssessment);
    const b = validate('TaskAction', input.action);
    if (!a.ok || !b.ok) throw ApplicationFailure.nonRetryable(`invalid input: ${a.ok ? '' : a.error} ${b.ok ? '' : b.error}`, 'InvalidInput');
    let released = false;
    setHandler(releaseSignal, () => void (released = true));
    await condition(() => released);
    return JSON.stringify([a.value, b.value]).length; // the validated values stay alive until here
  }

  async function parity(cases: ParityCase[]): Promise<Verdict[]> {
    return cases.map((c) => {
      try {
        return validate(c.schema, c.value);
      } catch (e) {
        return { ok: false, error: `threw: ${(e as Error).message}` };
      }
    });
  }

  return { hold, parity };
}
