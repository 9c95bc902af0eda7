-- The predicted step time (`--cluster`): where a step's time goes, and the cluster it was
-- predicted on (a snapshot, as for the model and the GPU). NULL time_model: the time follows
-- from the MFU, and every time figure is derived from the plan's own (as before this file).

ALTER TABLE plans ADD COLUMN time_model TEXT CHECK (time_model IS NULL OR time_model IN ('mfu', 'predicted'));
ALTER TABLE plans ADD COLUMN step_seconds REAL;
ALTER TABLE plans ADD COLUMN compute_seconds REAL;
ALTER TABLE plans ADD COLUMN bubble_seconds REAL;
ALTER TABLE plans ADD COLUMN tensor_parallel_comm_seconds REAL;
ALTER TABLE plans ADD COLUMN pipeline_comm_seconds REAL;
ALTER TABLE plans ADD COLUMN data_parallel_comm_seconds REAL;
ALTER TABLE plans ADD COLUMN context_parallel_comm_seconds REAL;
ALTER TABLE plans ADD COLUMN optimizer_seconds REAL;
ALTER TABLE plans ADD COLUMN time_mfu REAL;
ALTER TABLE plans ADD COLUMN time_hfu REAL;
ALTER TABLE plans ADD COLUMN tokens_per_second REAL;
ALTER TABLE plans ADD COLUMN cluster_name TEXT;
ALTER TABLE plans ADD COLUMN cluster_gpus_per_node INTEGER;
ALTER TABLE plans ADD COLUMN cluster_intra_node_bandwidth REAL;
ALTER TABLE plans ADD COLUMN cluster_inter_node_bandwidth REAL;
ALTER TABLE plans ADD COLUMN cluster_intra_node_latency REAL;
ALTER TABLE plans ADD COLUMN cluster_inter_node_latency REAL;
ALTER TABLE plans ADD COLUMN cluster_source TEXT;
