-- Expert parallelism (`--expert-parallel E`): the ranks an MoE model's routed experts are split
-- over, and the predicted step's exposed all-to-all time. Plans made before it had E = 1 and no
-- all-to-all (NULL reads as 0 on a predicted plan).

ALTER TABLE plans ADD COLUMN expert_parallel INTEGER NOT NULL DEFAULT 1
  CHECK (expert_parallel > 0);
ALTER TABLE plans ADD COLUMN expert_parallel_comm_seconds REAL;
