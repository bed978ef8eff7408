-- The indicator library kept by finance (指标库维护): indicators are added, revised (a new version; the
-- old ones stay readable, so an application that used one can still be read) and retired (refused for
-- new applications, readable for old ones); every change recorded with who, when, what and why.
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS version int NOT NULL DEFAULT 1;
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'active';
CREATE TABLE indicator_versions (
  code text NOT NULL,
  version int NOT NULL,
  indicator jsonb NOT NULL,
  PRIMARY KEY (code, version)
);
CREATE TABLE indicator_changes (
  seq bigserial PRIMARY KEY,
  code text NOT NULL,
  version int NOT NULL,
  action text NOT NULL,
  changed_by text NOT NULL,
  reason text NOT NULL,
  before jsonb,
  after jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_changes_code ON indicator_changes(code, seq);
