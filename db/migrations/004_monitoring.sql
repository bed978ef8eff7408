-- Monitoring rounds (绩效运行监控): one row per round, one per project of a round with its form,
-- the rules it triggered (with their trace: "why this warned") and where the response went. Kept for
-- the evaluation stage (004: 监控结果作为评价依据). Written by the round's activities, versioned by
-- workflow time, so a retried or re-run write never goes backwards.
CREATE TABLE IF NOT EXISTS monitoring_rounds (
  round text PRIMARY KEY,
  year int NOT NULL,
  cutoff text NOT NULL,
  name text NOT NULL,
  stage text NOT NULL,
  started_by text NOT NULL,
  departments int NOT NULL DEFAULT 0,
  totals jsonb NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL,
  closed_at timestamptz,
  version bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS monitoring_results (
  round text NOT NULL,
  project_id text NOT NULL,
  project_name text NOT NULL,
  dept_id text NOT NULL,
  unit_id text NOT NULL,
  transfer_id text,
  batch_id text NOT NULL,
  stage text NOT NULL,
  overdue boolean NOT NULL DEFAULT false,
  available_fen bigint NOT NULL,
  paid_fen bigint NOT NULL,
  execution_rate_bp int NOT NULL,
  time_progress_bp int NOT NULL,
  warned boolean NOT NULL DEFAULT false,
  hits jsonb NOT NULL DEFAULT '[]',
  form jsonb,
  response_ref text,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (round, project_id)
);
CREATE INDEX IF NOT EXISTS monitoring_results_dept ON monitoring_results (round, dept_id, unit_id);
CREATE INDEX IF NOT EXISTS monitoring_results_transfer ON monitoring_results (transfer_id, round) WHERE transfer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS monitoring_results_project ON monitoring_results (project_id);
