-- The stand-in integrated budget management system, in its own schema `finance`.
CREATE TABLE meta (key text PRIMARY KEY, value jsonb NOT NULL);

CREATE TABLE departments (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE units (
  id text PRIMARY KEY,
  dept_id text NOT NULL REFERENCES departments(id),
  name text NOT NULL,
  level text NOT NULL,
  region text NOT NULL
);
CREATE INDEX units_dept ON units(dept_id, id);

CREATE TABLE industries (code text PRIMARY KEY, name text NOT NULL, sort int NOT NULL);
CREATE TABLE indicators (
  code text PRIMARY KEY,
  industry text NOT NULL REFERENCES industries(code),
  level1 text NOT NULL,
  level2 text NOT NULL,
  name text NOT NULL,
  unit text NOT NULL,
  direction text NOT NULL,
  is_core boolean NOT NULL
);
CREATE INDEX indicators_industry ON indicators(industry, code);

CREATE TABLE transfers (
  id text PRIMARY KEY,
  dept_id text NOT NULL REFERENCES departments(id),
  year int NOT NULL,
  name text NOT NULL,
  total_fen bigint NOT NULL
);

-- Money columns are bigint fen. available = original + adjusted - reclaimed; paid_fen caches all payments.
CREATE TABLE projects (
  id text PRIMARY KEY,
  dept_id text NOT NULL REFERENCES departments(id),
  unit_id text NOT NULL REFERENCES units(id),
  year int NOT NULL,
  name text NOT NULL,
  industry text NOT NULL REFERENCES industries(code),
  kind text NOT NULL,
  is_new boolean NOT NULL,
  transfer_id text REFERENCES transfers(id),
  original_fen bigint NOT NULL,
  adjusted_fen bigint NOT NULL DEFAULT 0,
  reclaimed_fen bigint NOT NULL DEFAULT 0,
  paid_fen bigint NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'active'
);
CREATE INDEX projects_year ON projects(year, id);
CREATE INDEX projects_dept ON projects(dept_id, id);
CREATE INDEX projects_unit ON projects(unit_id, id);
CREATE INDEX projects_transfer ON projects(transfer_id) WHERE transfer_id IS NOT NULL;

CREATE TABLE budget_lines (
  project_id text NOT NULL REFERENCES projects(id),
  line_no int NOT NULL,
  econ_class text NOT NULL,
  name text NOT NULL,
  budget_fen bigint NOT NULL,
  PRIMARY KEY (project_id, line_no)
);

CREATE TABLE payments (
  id bigserial PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  paid_on date NOT NULL,
  amount_fen bigint NOT NULL,
  line_no int
);
CREATE INDEX payments_project ON payments(project_id, paid_on);

CREATE TABLE library (
  id text PRIMARY KEY,
  application_id text NOT NULL UNIQUE,
  dept_id text NOT NULL REFERENCES departments(id),
  unit_id text NOT NULL REFERENCES units(id),
  year int NOT NULL,
  name text NOT NULL,
  industry text NOT NULL REFERENCES industries(code),
  kind text NOT NULL,
  is_new boolean NOT NULL,
  requested_fen bigint NOT NULL,
  approved_fen bigint NOT NULL,
  pre_assessment jsonb NOT NULL,
  core_indicators jsonb NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE library_seq;

CREATE TABLE recommendations (
  project_id text NOT NULL REFERENCES projects(id),
  year int NOT NULL,
  dept_id text NOT NULL,
  base_fen bigint NOT NULL,
  recommended_fen bigint NOT NULL,
  grade text,
  reason text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (project_id, year)
);

-- One row per applied mutation: the proof that each happened exactly once.
CREATE TABLE ledger (
  seq bigserial PRIMARY KEY,
  op text NOT NULL,
  project_id text,
  amount_fen bigint,
  idem_key text NOT NULL UNIQUE,
  detail jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_project ON ledger(project_id, seq);

-- Successful responses by idempotency key; a replay returns the stored body.
CREATE TABLE idempotency (
  key text PRIMARY KEY,
  op text NOT NULL,
  request_hash text NOT NULL,
  response json, -- json, not jsonb: a replay returns the first answer byte for byte
  at timestamptz NOT NULL DEFAULT now()
);
