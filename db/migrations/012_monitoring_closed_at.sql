-- Monitoring rounds (issue 19): a closed round's closed_at was written as its opening time. The
-- closing save is a closed round's last write, and its version is the workflow time of that save:
-- the time it closed. Rows written by the fixed activity are left as they are.
UPDATE monitoring_rounds SET closed_at = to_timestamp(version / 1000.0)
  WHERE stage = 'closed' AND closed_at = opened_at AND version > 0 AND to_timestamp(version / 1000.0) >= opened_at;
