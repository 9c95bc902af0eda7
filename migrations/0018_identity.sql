-- Identity that survives a merge (issue 18): every model, GPU, cluster, sweep and plan gets a
-- time-ordered UUID (UUIDv7, RFC 9562) and an origin, `user@host`. Integer ids stay the local
-- key; the UUID is what `import` matches rows by when a history moves between databases.
--
-- Records and sweeps are few: their UUID is text with a unique index. Plans are many (a sweep
-- writes a million): theirs is two INTEGER columns, the high and low 64 bits, with no index,
-- and their origin an id into `origins` (about 17 bytes a plan in all).
--
-- Existing rows get a UUID made from their created_at milliseconds. Their origin cannot be
-- known here: the first process to open the database afterwards fills it with its own and
-- records that in `meta` ('origins_filled'), see Store.fillOrigins.

ALTER TABLE models ADD COLUMN uuid TEXT;
ALTER TABLE models ADD COLUMN origin TEXT;
ALTER TABLE gpus ADD COLUMN uuid TEXT;
ALTER TABLE gpus ADD COLUMN origin TEXT;
ALTER TABLE clusters ADD COLUMN uuid TEXT;
ALTER TABLE clusters ADD COLUMN origin TEXT;
ALTER TABLE sweeps ADD COLUMN uuid TEXT;
ALTER TABLE sweeps ADD COLUMN origin TEXT;

CREATE TABLE origins (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;

ALTER TABLE plan_rows ADD COLUMN uuid_hi INTEGER;
ALTER TABLE plan_rows ADD COLUMN uuid_lo INTEGER;
ALTER TABLE plan_rows ADD COLUMN origin_id INTEGER;

-- created_at (2026-11-29T14:05:43.123Z) in Unix milliseconds, then version 7, 12 random bits,
-- variant 10 and 62 random bits.

UPDATE models SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE gpus SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE clusters SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE sweeps SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE plan_rows SET
  uuid_hi = ((coalesce(strftime('%s', created_at), 0) * 1000
    + CAST(substr(created_at, 21, 3) AS INTEGER)) << 16) | 28672 | (random() & 4095),
  uuid_lo = (random() & 4611686018427387903) | -9223372036854775808;

CREATE UNIQUE INDEX models_by_uuid ON models (uuid);
CREATE UNIQUE INDEX gpus_by_uuid ON gpus (uuid);
CREATE UNIQUE INDEX clusters_by_uuid ON clusters (uuid);
CREATE UNIQUE INDEX sweeps_by_uuid ON sweeps (uuid);

-- The view of migration 0016 gains the identity columns, after its own.
DROP VIEW plans;
CREATE VIEW plans AS SELECT
  p.id,
  p.created_at,
  m.name AS model_name,
  g.name AS gpu_name,
  m.vocab_size,
  m.context_length,
  m.num_layers,
  m.d_model,
  m.num_heads,
  m.num_kv_heads,
  m.d_ff,
  m.ffn,
  m.tied_embeddings,
  g.memory_bytes AS gpu_memory_bytes,
  g.fp32_flops AS gpu_fp32_flops,
  g.tf32_flops AS gpu_tf32_flops,
  g.bf16_flops AS gpu_bf16_flops,
  g.fp16_flops AS gpu_fp16_flops,
  g.fp8_flops AS gpu_fp8_flops,
  g.price_per_hour AS gpu_price_per_hour,
  g.power_watts AS gpu_power_watts,
  g.source AS gpu_source,
  p.batch_size,
  p.batch_size_chosen,
  p.global_batch_size,
  p.gradient_accumulation_steps,
  p.steps,
  p.tokens,
  s.run_length_basis,
  s.tokens_per_parameter,
  s.mfu,
  s.num_gpus,
  s.precision,
  p.parameters,
  p.parameters_bytes,
  p.gradients_bytes,
  p.optimizer_state_bytes,
  p.activations_bytes,
  p.activation_bytes_per_sequence,
  p.total_bytes,
  p.fits,
  p.max_batch_size,
  p.forward_flops_per_step,
  p.backward_flops_per_step,
  p.optimizer_flops_per_step,
  p.total_flops,
  p.training_days,
  p.gpu_hours,
  p.cost,
  g.reserve_bytes AS gpu_reserve_bytes,
  s.attention,
  s.checkpointing,
  s.zero_stage,
  s.fp32_gradients,
  s.reserve_bytes,
  p.usable_bytes,
  p.gpus_needed,
  p.recompute_flops_per_step,
  p.energy_kwh,
  m.norm,
  m.bias,
  m.positional,
  s.method,
  p.sweep_id,
  s.seq_len,
  s.tensor_parallel,
  s.pipeline_parallel,
  s.context_parallel,
  s.virtual_stages,
  s.sequence_parallel,
  s.pipeline_layers,
  s.data_parallel,
  p.peak_stage,
  p.stages,
  m.dropout,
  g.memory_bandwidth AS gpu_memory_bandwidth,
  p.time_model,
  p.step_seconds,
  p.compute_seconds,
  p.bubble_seconds,
  p.tensor_parallel_comm_seconds,
  p.pipeline_comm_seconds,
  p.data_parallel_comm_seconds,
  p.context_parallel_comm_seconds,
  p.optimizer_seconds,
  p.time_mfu,
  p.time_hfu,
  p.tokens_per_second,
  s.cluster_name,
  s.cluster_gpus_per_node,
  s.cluster_intra_node_bandwidth,
  s.cluster_inter_node_bandwidth,
  s.cluster_intra_node_latency,
  s.cluster_inter_node_latency,
  s.cluster_source,
  s.finetune,
  s.lora_rank,
  s.lora_targets,
  s.lora_dtype,
  s.optimizer,
  s.offload,
  p.trainable_parameters,
  p.host_bytes,
  m.fused_qkv,
  m.experts,
  m.attention_variant,
  p.active_parameters,
  g.host_link_bandwidth AS gpu_host_link_bandwidth,
  p.offload_seconds,
  p.model_snapshot_id, p.gpu_snapshot_id, p.setup_snapshot_id,
  p.uuid_hi, p.uuid_lo, p.origin_id
FROM plan_rows p
  JOIN model_snapshots m ON m.id = p.model_snapshot_id
  JOIN gpu_snapshots g ON g.id = p.gpu_snapshot_id
  JOIN setup_snapshots s ON s.id = p.setup_snapshot_id;
