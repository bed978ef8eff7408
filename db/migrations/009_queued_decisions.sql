-- A decision queued (POST /api/tasks/:id/queued-actions, bulk-decide with queued): accepted once it
-- is here, before its workflow has seen it, and carried to the workflow by the API's dispatcher
-- (api/inbox/dispatcher.ts), many of one execution in one Update. A decision is queued, then
-- applied (result: the task's status and version) or refused (error: the workflow's reason).
-- batch_id groups the decisions sent together: a batch sent again after a crash has the same
-- Update id, so Temporal answers it from the first time instead of applying it twice.
CREATE TABLE task_decisions (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  task_id text NOT NULL,
  workflow_id text NOT NULL,
  actor_id text NOT NULL,
  move jsonb NOT NULL,
  accepted_version integer NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'applied', 'refused')),
  result jsonb,
  error jsonb,
  batch_id text,
  attempts integer NOT NULL DEFAULT 0,
  claimed_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  settled_at timestamptz
);
-- one decision in the queue per task: a second waits for the first to be applied or refused
CREATE UNIQUE INDEX task_decisions_one_queued_per_task ON task_decisions (task_id) WHERE status = 'queued';
CREATE INDEX task_decisions_queue ON task_decisions (seq) WHERE status = 'queued';
