-- The `stages` text of a pipelined plan may hold runs and leave out each stage's total: "*N"
-- stands for N more stages, each the one before plus the difference between the two before it
-- (alike middle stages, or one micro-batch less in flight each under 1F1B), and an entry of
-- six fields ("layers in_flight parameters gradients optimizer activations") has the sum of the
-- last four as its total. Text written before (seven fields, no runs) reads as it did. Nothing
-- in the schema changes: this migration marks a database that may hold the new form, so that a
-- trainplan that cannot read it refuses the database as newer instead of calling its plans
-- damaged.
SELECT 1;
