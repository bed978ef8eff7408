-- A department's self-evaluation forms staged in batches (evaluation): the pre-fill of each form
-- (targets, year-end execution, monitoring results) is written here once by the department's
-- staging activity and read by its batch workflow, so no workflow history carries the pre-fills of
-- a whole department (a big department's history reached 1.2 MB). Keyed by batch and project, so
-- a retried staging writes nothing twice.
CREATE TABLE evaluation_batch_prefills (
  batch_id text NOT NULL,
  project_id text NOT NULL,
  seq int NOT NULL,
  prefill jsonb NOT NULL,
  staged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, project_id)
);
