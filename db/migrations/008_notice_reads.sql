-- A notice in the inbox (通知: an outbox row not tied to a task, e.g. a failed pre-assessment's
-- conclusion, a revised report passed on to the budget division) is read or not: read_at is when its
-- addressee marked it read in the inbox (POST /api/notices/:id/read, audited as notice.read).
ALTER TABLE outbox ADD COLUMN read_at timestamptz;
