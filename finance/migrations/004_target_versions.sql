-- Versioned performance targets of a project (绩效目标调整, 002: a target adjustment for policy changes
-- or emergencies, approved by finance): every revision is a new version, the highest one is current,
-- older ones stay readable with who revised them, why and from where (finance/store/targets.ts).
CREATE TABLE target_versions (
  project_id text NOT NULL REFERENCES projects(id),
  version int NOT NULL,
  year int NOT NULL,
  dept_id text NOT NULL,
  indicators jsonb NOT NULL,
  reason text NOT NULL,
  source text NOT NULL,
  revised_by text NOT NULL,
  ref text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, version)
);
CREATE INDEX target_versions_dept ON target_versions(dept_id, year, project_id);
