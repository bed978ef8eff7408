-- Monitoring rounds (issue 19): a cancelled round waits a bounded time (stopConfirmMs) for its parts to
-- confirm they closed their forms, then ends anyway and keeps the parts (workflow ids) that did not.
ALTER TABLE monitoring_rounds ADD COLUMN IF NOT EXISTS unconfirmed jsonb NOT NULL DEFAULT '[]';
