-- The `stages` text of a pipelined plan may hold runs: "*N" stands for N more stages, each the
-- one before plus the difference between the two before it (alike middle stages, or one
-- micro-batch less in flight each under 1F1B). Text written before has no runs and reads as it
-- did. Nothing in the schema changes: this migration marks a database that may hold runs, so
-- that a trainplan that cannot read them refuses it as newer instead of calling its plans
-- damaged.
SELECT 1;
