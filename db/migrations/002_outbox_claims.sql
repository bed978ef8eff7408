-- Outbox claims owned by a live dispatcher instead of a 2-minute lease (issue 14): a dispatcher
-- incarnation heartbeats its row while it sweeps; a claim whose owner is gone or silent for a few
-- seconds is free again. See notifications/dispatcher.ts.
CREATE TABLE outbox_dispatchers (
  id text PRIMARY KEY,
  host text NOT NULL,
  pid int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- the dispatcher incarnation holding the row (no foreign key: a pruned owner frees its rows), and
-- since when: a row claimed moments ago is never free, whatever an older snapshot of the heartbeats says
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN claimed_at timestamptz;
-- set just before the SMTP send, cleared by the 'sent' mark or a failure: when a new owner finds it
-- set, the previous send may have reached the server and this one is a resend (same Message-ID)
ALTER TABLE outbox ADD COLUMN sending_since timestamptz;
-- claimed_until only ever delayed a retry after a failure now: say so (an old dispatcher that still
-- reads claimed_until fails loudly instead of double-sending beside a new one)
ALTER TABLE outbox RENAME COLUMN claimed_until TO retry_at;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
