-- Organisations: the finance department, budget departments (主管部门), units (预算单位), agencies, observers.
CREATE TABLE orgs (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('finance', 'department', 'unit', 'agency', 'expert', 'observer')),
  name text NOT NULL,
  parent_id text REFERENCES orgs(id)
);

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  org_id text NOT NULL REFERENCES orgs(id),
  roles text[] NOT NULL,
  -- candidate-group keys "role@org" the user belongs to
  groups text[] NOT NULL,
  -- departments whose projects a finance officer handles (finance officers only)
  dept_scope text[] NOT NULL DEFAULT '{}',
  head_id text REFERENCES users(id),
  active boolean NOT NULL DEFAULT true,
  demo boolean NOT NULL DEFAULT false
);

-- The inbox: one row per task, written only by the human-task primitive's projection.
CREATE TABLE tasks (
  id text PRIMARY KEY,
  workflow_id text NOT NULL,
  process text NOT NULL,
  type text NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  project_id text,
  project_name text,
  project_code text,
  dept_id text,
  unit_id text,
  actors text[] NOT NULL,
  submitted_by text,
  priority int NOT NULL,
  due_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  outcome text,
  escalated boolean NOT NULL,
  bulk_approvable boolean NOT NULL DEFAULT false,
  version int NOT NULL,
  search text NOT NULL DEFAULT '',
  state jsonb NOT NULL
);
CREATE INDEX tasks_open_actors ON tasks USING gin (actors) WHERE status = 'open';
CREATE INDEX tasks_open_due ON tasks (due_at, id) WHERE status = 'open';
CREATE INDEX tasks_dept_status ON tasks (dept_id, status);
CREATE INDEX tasks_unit_status ON tasks (unit_id, status);
CREATE INDEX tasks_submitted ON tasks (submitted_by) WHERE submitted_by IS NOT NULL;
CREATE INDEX tasks_workflow ON tasks (workflow_id);

-- Every state change: who, when, what, why. `key` makes retried writes harmless.
CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  actor_id text NOT NULL,
  actor_name text NOT NULL,
  action text NOT NULL,
  workflow_id text,
  task_id text,
  project_id text,
  reason text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_task ON audit (task_id, id);
CREATE INDEX audit_project ON audit (project_id, id);
CREATE INDEX audit_workflow ON audit (workflow_id, id);

-- Notifications to send; one row per (event, recipient). The dispatcher sends and marks them.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  key text NOT NULL UNIQUE,
  kind text NOT NULL,
  user_id text NOT NULL,
  email text NOT NULL,
  task_id text,
  subject text NOT NULL,
  body_text text NOT NULL,
  body_html text NOT NULL,
  link text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  message_id text,
  digest_key text,
  attempts int NOT NULL DEFAULT 0,
  claimed_until timestamptz,
  last_error text
);
CREATE INDEX outbox_pending ON outbox (user_id, id) WHERE sent_at IS NULL;

CREATE TABLE comments (
  id bigserial PRIMARY KEY,
  task_id text NOT NULL,
  author_id text NOT NULL,
  author_name text NOT NULL,
  body text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_task ON comments (task_id, id);

CREATE TABLE attachments (
  id bigserial PRIMARY KEY,
  task_id text NOT NULL,
  uploader_id text NOT NULL,
  filename text NOT NULL,
  mime text NOT NULL,
  size int NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_task ON attachments (task_id, id);

CREATE TABLE saved_views (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL,
  name text NOT NULL,
  filters jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

-- Process instances, for dashboards and "my submissions" (written by the processes' own activities).
CREATE TABLE processes (
  workflow_id text PRIMARY KEY,
  process text NOT NULL,
  project_id text,
  project_name text,
  dept_id text,
  unit_id text,
  stage text NOT NULL,
  status text NOT NULL,
  started_by text,
  started_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version int NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX processes_dept ON processes (process, dept_id, status);
