-- Model parallelism: the training sequence length S (`--seq-len`), the layout (tensor,
-- pipeline, context parallel, virtual stages, sequence parallelism, an uneven split), the
-- data-parallel degree, and each pipeline stage's memory. Plans made before it trained at the
-- model's context length on one stage with every GPU data-parallel: NULL seq_len reads as
-- context_length, NULL data_parallel as num_gpus, NULL stages as the plan's own figures.
-- `checkpointing` also holds 'selective' now (the recomputation, `--recompute`).

ALTER TABLE plans ADD COLUMN seq_len INTEGER CHECK (seq_len IS NULL OR seq_len > 0);
ALTER TABLE plans ADD COLUMN tensor_parallel INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN pipeline_parallel INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN context_parallel INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN virtual_stages INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN sequence_parallel INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN pipeline_layers TEXT;
ALTER TABLE plans ADD COLUMN data_parallel INTEGER;
ALTER TABLE plans ADD COLUMN peak_stage INTEGER NOT NULL DEFAULT 0;
-- One line per stage, "layers in_flight params grads optimizer activations total", stages
-- separated by ';'. NULL for a single stage, whose figures are the plan's own.
ALTER TABLE plans ADD COLUMN stages TEXT;

-- Whether a model trains with dropout masks (only the megatron method counts them).
ALTER TABLE models ADD COLUMN dropout INTEGER NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN dropout INTEGER NOT NULL DEFAULT 1;
