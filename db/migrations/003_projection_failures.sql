-- Projection writes refused for a reason a retry cannot cure (e.g. a data exception): recorded
-- here, with the item, instead of retrying for ever and blocking the workflow's later moves.
CREATE TABLE IF NOT EXISTS projection_failures (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  workflow_id text,
  kind text NOT NULL,
  key text NOT NULL,
  code text,
  error text NOT NULL,
  item jsonb NOT NULL,
  resolved_at timestamptz,
  UNIQUE (kind, key)
);
