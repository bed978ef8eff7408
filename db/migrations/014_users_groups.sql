-- Mail recipients are looked up by user id or by candidate group ("role@org", users.groups): with
-- no index on groups every lookup scanned the users (25 ms each at province scale, 13,000+ users;
-- the largest PostgreSQL statement of a round's opening after the benchmark's own wait).
CREATE INDEX IF NOT EXISTS users_groups ON users USING gin (groups);
