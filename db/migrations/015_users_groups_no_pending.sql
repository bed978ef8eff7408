-- The group index of 014 without a pending list: users are added in bulk (a directory import, the
-- benchmark's 27,000), and GIN's fast-update list made the planner scan the table instead (measured:
-- 134 ms for a lookup of 300 keys, 2 ms per key lookup on the index). Inserts into users are rare.
ALTER INDEX users_groups SET (fastupdate = off);
SELECT gin_clean_pending_list('users_groups'::regclass);
