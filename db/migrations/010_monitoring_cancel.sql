-- Monitoring rounds (issue 19): a round finance cancelled (作废本轮监控) keeps who, when and why;
-- a round lists the departments whose part failed for good, with the reason, until finance re-runs them.
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS cancelled_by text;
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS cancelled_by_name text;
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS cancelled_at timestamptz;
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS cancel_reason text;
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS failures jsonb NOT NULL DEFAULT '[]';
