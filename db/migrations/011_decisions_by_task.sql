-- A task's latest queued decision, read for a page of the inbox at once (db/inbox/decisions.ts:
-- decisionMarks): waiting, or refused and told to its maker.
CREATE INDEX task_decisions_by_task ON task_decisions (task_id, seq DESC);
