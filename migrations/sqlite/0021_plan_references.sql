-- Nothing changes in a file: on a PostgreSQL server, migration 0021 checks a plan's
-- references to its snapshots and sweep once per statement instead of once per row, which
-- made a sweep's bulk load twice as slow there. SQLite checks these foreign keys within the
-- process at little cost, per row, as before. The number keeps both dialects at one version.
SELECT 1;
