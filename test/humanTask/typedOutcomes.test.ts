// Outcomes typed per task type: a typed board's `ask()` resolves with the union of its task type's
// outcomes (plus 退回 returned, and 撤回 withdrawn when the task has a submitter), each with that
// outcome's form from the zod contract, so `switch (r.outcome)` narrows `r.form`. These are checked by
// tsc (`npx tsc --noEmit`, part of the lint and typecheck): a branch on an outcome the type does not
// have, or a property its form lacks, is a compile error, marked here with @ts-expect-error (which
// itself fails when the error disappears).
import { describe, expectTypeOf, it } from 'vitest';
import type { TaskBoard } from '../../workflows/humanTask';
import type { TaskFormsOf } from '../../contracts/humanTask/taskTypes.zod';
import type { ReviewTask, ReviseTask } from '../../contracts/preAssessment/application.zod';
import type { TaskResult } from '../../contracts/humanTask/tasks.zod';

type Tasks = TaskFormsOf<typeof ReviewTask | typeof ReviseTask>;
const spec = { key: 'k', title: 't', dueInMs: 1000 } as const;

// Never run: the board lives in a workflow; only its types are under test.
async function review(board: TaskBoard<Tasks>): Promise<void> {
  const r = await board.ask({ ...spec, type: 'preAssessment.review', submittedBy: 'u0101-preparer' });
  expectTypeOf(r.outcome).toEqualTypeOf<'pass' | 'passReduced' | 'fail' | 'returned' | 'withdrawn'>();
  switch (r.outcome) {
    case 'passReduced':
      expectTypeOf(r.form.approvedAmountFen).toEqualTypeOf<number>();
      expectTypeOf(r.form.aspects.necessity.score).toEqualTypeOf<number | undefined>(); // points only on the profile's scale (findings only: none)
      break;
    case 'fail':
      expectTypeOf(r.form.comment).toEqualTypeOf<string>(); // a failure needs its reason
      // @ts-expect-error a failed review carries no approved amount
      void r.form.approvedAmountFen;
      break;
    case 'pass':
      expectTypeOf(r.form.comment).toEqualTypeOf<string | undefined>();
      break;
    case 'returned':
    case 'withdrawn':
      expectTypeOf(r.form).toEqualTypeOf<Record<string, never>>();
      break;
    // @ts-expect-error the review task has no outcome 'approve' (that is the target review's)
    case 'approve':
      break;
    default:
      expectTypeOf(r).toBeNever();
  }
}

async function revise(board: TaskBoard<Tasks>): Promise<void> {
  // no submitter: nobody can withdraw the revision task
  const r = await board.ask({ ...spec, type: 'preAssessment.revise', assignee: 'u0101-preparer' });
  expectTypeOf(r.outcome).toEqualTypeOf<'resubmit' | 'abandon' | 'returned'>();
  // @ts-expect-error a revision task is never withdrawn
  if (r.outcome === 'withdrawn') return;
  if (r.outcome === 'resubmit') expectTypeOf(r.form.amountFen).toEqualTypeOf<number | undefined>();
}

async function misuse(board: TaskBoard<Tasks>): Promise<void> {
  // @ts-expect-error a task type the board does not know
  await board.ask({ ...spec, type: 'preAssessment.unknown' });
  // @ts-expect-error a misspelt spec property is refused, not silently ignored
  await board.ask({ ...spec, type: 'preAssessment.review', dueInMS: 5 });
}

async function untyped(board: TaskBoard): Promise<TaskResult> {
  // a board without task types: outcomes are strings and forms records, as before
  const r = await board.ask({ ...spec, type: 'anything' });
  expectTypeOf(r.outcome).toEqualTypeOf<string>();
  return r;
}

describe('outcomes typed per task type (checked by tsc)', () => {
  it('a review resolves with pass, passReduced or fail, each with its own form; a revision task is never withdrawn', () => {
    expectTypeOf(review).toBeFunction();
    expectTypeOf(revise).toBeFunction();
    expectTypeOf(misuse).toBeFunction();
    expectTypeOf(untyped).toBeFunction();
  });
});
