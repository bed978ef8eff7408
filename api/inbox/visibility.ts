// What of a task's state each viewer is shown. The workflow's task state is projected whole into
// tasks.state; every route that returns it passes it through stateFor first.
import type { TaskState } from '../../contracts/humanTask/tasks.zod';

/** Who saved the draft: recorded in the state, or (states from before) the last saveDraft in the history. */
export function draftAuthor(t: TaskState): string | null {
  if (t.draftBy !== undefined) return t.draftBy;
  if (t.draft === null) return null;
  for (let i = t.history.length - 1; i >= 0; i--) if (t.history[i].action === 'saveDraft') return t.history[i].by;
  return null;
}

/**
 * The task's state as `viewer` (a user id) may see it. Everyone here may already see the task
 * (scopeSql in api/auth.ts); field by field:
 *
 * - filtered, the author's only:
 *   - `draft`, `draftBy`: a draft is half-written work (scores, comments) before a decision. The
 *     person who saved it sees it; everyone else gets null, also the next holder after a transfer,
 *     a delegate, the applicant. Nothing of its content is in the history or the audit trail
 *     (saveDraft is logged with no reason and no detail), so the draft leaves no trace elsewhere.
 * - for everyone who can see the task:
 *   - `id`, `workflowId`, `process`, `status`, `mode`, `createdAt`, `dueAt`, `escalated`, `touched`,
 *     `outcome`, `version`, `actors`, `claimedBy`: where the task stands and who holds it, as the
 *     inbox list shows them.
 *   - `spec` (title, project, assignee, groups, countersign members, submitter, excluded users,
 *     due, reminders, escalation, priority, `context`, return targets): what the process asked; the
 *     context is the project data the application carries, which every viewer's scope covers.
 *   - `signers`, with each signer's `comment`: set only by a signature (decide) or a delegate's
 *     answer (resolve), i.e. moves that are made, not drafts; the same text is each move's reason
 *     in `history` and in the audit trail (GET /api/audit), so hiding it here would hide nothing.
 *   - `history`: the moves made, with their reasons (return, withdraw, transfer, urge …) as the
 *     audit trail has them; a saveDraft entry says who saved a draft and when, never what.
 *   - `form`: null until the task is decided, then the decision's form, as before.
 *   - `urges`, `lastUrgedAt`: how often the task has been urged (催办) and when last, as `history` has them.
 */
export function stateFor(viewer: string, t: TaskState): TaskState {
  if (draftAuthor(t) === viewer) return t;
  return { ...t, draft: null, draftBy: null };
}
