-- Content-addressed snapshots (issue 17, "Lean on disk"). Every plan used to repeat the model,
-- the GPU and the setup it was computed from: ~60 columns, the GPU's cited source alone some
-- 500 bytes, although a sweep of a million plans has a few thousand distinct ones. Each
-- distinct snapshot is now stored once, in model_snapshots, gpu_snapshots and setup_snapshots
-- (the options plans share: precision, layout, cluster, training, ...), and plan_rows keeps a
-- plan's own figures with the ids of its three snapshots. The view `plans` joins them back
-- under the old column names and order, so every reader sees the rows it saw before.
--
-- A snapshot's identity is the canonical text of its values, `quote(a) || ',' || quote(b) ...`:
-- quote() spells each value exactly (NULL, integers, text with its quotes doubled, REALs that
-- round-trip), so two snapshots share an identity only when every value is the same. It is a
-- virtual generated column with a unique index, so SQL alone can compute it: this migration
-- (SQLite has no hash function) and trainplan's writer use the same definition. A snapshot is
-- never changed or deleted; a model or GPU edited later makes a new one, so every plan keeps
-- the inputs it was computed from.
--
-- Ids are kept: plan ids stay what they were and snapshots are numbered in order of first use.

CREATE TABLE model_snapshots (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  vocab_size INTEGER NOT NULL,
  context_length INTEGER NOT NULL,
  num_layers INTEGER NOT NULL,
  d_model INTEGER NOT NULL,
  num_heads INTEGER NOT NULL,
  num_kv_heads INTEGER NOT NULL,
  d_ff INTEGER NOT NULL,
  ffn TEXT NOT NULL,
  tied_embeddings INTEGER NOT NULL,
  norm TEXT NOT NULL,
  bias TEXT NOT NULL,
  positional TEXT NOT NULL,
  dropout INTEGER NOT NULL,
  fused_qkv INTEGER NOT NULL,
  experts TEXT,
  attention_variant TEXT,
  identity TEXT GENERATED ALWAYS AS (
    quote(name)
    || ',' || quote(vocab_size)
    || ',' || quote(context_length)
    || ',' || quote(num_layers)
    || ',' || quote(d_model)
    || ',' || quote(num_heads)
    || ',' || quote(num_kv_heads)
    || ',' || quote(d_ff)
    || ',' || quote(ffn)
    || ',' || quote(tied_embeddings)
    || ',' || quote(norm)
    || ',' || quote(bias)
    || ',' || quote(positional)
    || ',' || quote(dropout)
    || ',' || quote(fused_qkv)
    || ',' || quote(experts)
    || ',' || quote(attention_variant)) VIRTUAL
) STRICT;
CREATE UNIQUE INDEX model_snapshots_identity ON model_snapshots (identity);

INSERT INTO model_snapshots (name, vocab_size, context_length, num_layers, d_model, num_heads, num_kv_heads, d_ff, ffn, tied_embeddings, norm, bias, positional, dropout, fused_qkv, experts, attention_variant)
  SELECT model_name, vocab_size, context_length, num_layers, d_model, num_heads, num_kv_heads, d_ff, ffn, tied_embeddings, norm, bias, positional, dropout, fused_qkv, experts, attention_variant FROM plans WHERE true ORDER BY id
  ON CONFLICT (identity) DO NOTHING;

CREATE TABLE gpu_snapshots (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  memory_bytes INTEGER NOT NULL,
  reserve_bytes INTEGER NOT NULL,
  fp32_flops REAL NOT NULL,
  tf32_flops REAL,
  bf16_flops REAL,
  fp16_flops REAL,
  fp8_flops REAL,
  price_per_hour REAL,
  power_watts REAL,
  source TEXT NOT NULL,
  memory_bandwidth REAL,
  host_link_bandwidth REAL,
  identity TEXT GENERATED ALWAYS AS (
    quote(name)
    || ',' || quote(memory_bytes)
    || ',' || quote(reserve_bytes)
    || ',' || quote(fp32_flops)
    || ',' || quote(tf32_flops)
    || ',' || quote(bf16_flops)
    || ',' || quote(fp16_flops)
    || ',' || quote(fp8_flops)
    || ',' || quote(price_per_hour)
    || ',' || quote(power_watts)
    || ',' || quote(source)
    || ',' || quote(memory_bandwidth)
    || ',' || quote(host_link_bandwidth)) VIRTUAL
) STRICT;
CREATE UNIQUE INDEX gpu_snapshots_identity ON gpu_snapshots (identity);

INSERT INTO gpu_snapshots (name, memory_bytes, reserve_bytes, fp32_flops, tf32_flops, bf16_flops, fp16_flops, fp8_flops, price_per_hour, power_watts, source, memory_bandwidth, host_link_bandwidth)
  SELECT gpu_name, gpu_memory_bytes, gpu_reserve_bytes, gpu_fp32_flops, gpu_tf32_flops, gpu_bf16_flops, gpu_fp16_flops, gpu_fp8_flops, gpu_price_per_hour, gpu_power_watts, gpu_source, gpu_memory_bandwidth, gpu_host_link_bandwidth FROM plans WHERE true ORDER BY id
  ON CONFLICT (identity) DO NOTHING;

CREATE TABLE setup_snapshots (
  id INTEGER PRIMARY KEY,
  run_length_basis TEXT NOT NULL,
  tokens_per_parameter INTEGER,
  mfu REAL NOT NULL,
  num_gpus INTEGER NOT NULL,
  precision TEXT NOT NULL,
  attention TEXT NOT NULL,
  checkpointing TEXT NOT NULL,
  zero_stage INTEGER NOT NULL,
  fp32_gradients INTEGER NOT NULL,
  reserve_bytes INTEGER NOT NULL,
  method TEXT NOT NULL,
  seq_len INTEGER CHECK (seq_len IS NULL OR seq_len > 0),
  tensor_parallel INTEGER NOT NULL,
  pipeline_parallel INTEGER NOT NULL,
  context_parallel INTEGER NOT NULL,
  virtual_stages INTEGER NOT NULL,
  sequence_parallel INTEGER NOT NULL,
  pipeline_layers TEXT,
  data_parallel INTEGER,
  cluster_name TEXT,
  cluster_gpus_per_node INTEGER,
  cluster_intra_node_bandwidth REAL,
  cluster_inter_node_bandwidth REAL,
  cluster_intra_node_latency REAL,
  cluster_inter_node_latency REAL,
  cluster_source TEXT,
  finetune TEXT NOT NULL,
  optimizer TEXT NOT NULL,
  offload TEXT NOT NULL,
  lora_rank INTEGER,
  lora_dtype TEXT,
  lora_targets TEXT,
  identity TEXT GENERATED ALWAYS AS (
    quote(run_length_basis)
    || ',' || quote(tokens_per_parameter)
    || ',' || quote(mfu)
    || ',' || quote(num_gpus)
    || ',' || quote(precision)
    || ',' || quote(attention)
    || ',' || quote(checkpointing)
    || ',' || quote(zero_stage)
    || ',' || quote(fp32_gradients)
    || ',' || quote(reserve_bytes)
    || ',' || quote(method)
    || ',' || quote(seq_len)
    || ',' || quote(tensor_parallel)
    || ',' || quote(pipeline_parallel)
    || ',' || quote(context_parallel)
    || ',' || quote(virtual_stages)
    || ',' || quote(sequence_parallel)
    || ',' || quote(pipeline_layers)
    || ',' || quote(data_parallel)
    || ',' || quote(cluster_name)
    || ',' || quote(cluster_gpus_per_node)
    || ',' || quote(cluster_intra_node_bandwidth)
    || ',' || quote(cluster_inter_node_bandwidth)
    || ',' || quote(cluster_intra_node_latency)
    || ',' || quote(cluster_inter_node_latency)
    || ',' || quote(cluster_source)
    || ',' || quote(finetune)
    || ',' || quote(optimizer)
    || ',' || quote(offload)
    || ',' || quote(lora_rank)
    || ',' || quote(lora_dtype)
    || ',' || quote(lora_targets)) VIRTUAL
) STRICT;
CREATE UNIQUE INDEX setup_snapshots_identity ON setup_snapshots (identity);

INSERT INTO setup_snapshots (run_length_basis, tokens_per_parameter, mfu, num_gpus, precision, attention, checkpointing, zero_stage, fp32_gradients, reserve_bytes, method, seq_len, tensor_parallel, pipeline_parallel, context_parallel, virtual_stages, sequence_parallel, pipeline_layers, data_parallel, cluster_name, cluster_gpus_per_node, cluster_intra_node_bandwidth, cluster_inter_node_bandwidth, cluster_intra_node_latency, cluster_inter_node_latency, cluster_source, finetune, optimizer, offload, lora_rank, lora_dtype, lora_targets)
  SELECT run_length_basis, tokens_per_parameter, mfu, num_gpus, precision, attention, checkpointing, zero_stage, fp32_gradients, reserve_bytes, method, seq_len, tensor_parallel, pipeline_parallel, context_parallel, virtual_stages, sequence_parallel, pipeline_layers, data_parallel, cluster_name, cluster_gpus_per_node, cluster_intra_node_bandwidth, cluster_inter_node_bandwidth, cluster_intra_node_latency, cluster_inter_node_latency, cluster_source, finetune, optimizer, offload, lora_rank, lora_dtype, lora_targets FROM plans WHERE true ORDER BY id
  ON CONFLICT (identity) DO NOTHING;

CREATE TABLE plan_rows (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  sweep_id INTEGER REFERENCES sweeps (id),
  model_snapshot_id INTEGER NOT NULL REFERENCES model_snapshots (id),
  gpu_snapshot_id INTEGER NOT NULL REFERENCES gpu_snapshots (id),
  setup_snapshot_id INTEGER NOT NULL REFERENCES setup_snapshots (id),
  batch_size INTEGER NOT NULL,
  batch_size_chosen INTEGER NOT NULL,
  global_batch_size INTEGER NOT NULL,
  gradient_accumulation_steps INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  parameters INTEGER NOT NULL,
  parameters_bytes INTEGER NOT NULL,
  gradients_bytes INTEGER NOT NULL,
  optimizer_state_bytes INTEGER NOT NULL,
  activations_bytes INTEGER NOT NULL,
  activation_bytes_per_sequence INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL,
  fits INTEGER NOT NULL,
  max_batch_size INTEGER NOT NULL,
  forward_flops_per_step REAL NOT NULL,
  backward_flops_per_step REAL NOT NULL,
  optimizer_flops_per_step REAL NOT NULL,
  total_flops REAL NOT NULL,
  training_days REAL NOT NULL,
  gpu_hours REAL NOT NULL,
  cost REAL,
  usable_bytes INTEGER,
  gpus_needed INTEGER,
  recompute_flops_per_step REAL NOT NULL,
  energy_kwh REAL,
  peak_stage INTEGER NOT NULL,
  stages TEXT,
  time_model TEXT CHECK (time_model IS NULL OR time_model IN ('mfu', 'predicted')),
  step_seconds REAL,
  compute_seconds REAL,
  bubble_seconds REAL,
  tensor_parallel_comm_seconds REAL,
  pipeline_comm_seconds REAL,
  data_parallel_comm_seconds REAL,
  context_parallel_comm_seconds REAL,
  optimizer_seconds REAL,
  offload_seconds REAL,
  time_mfu REAL,
  time_hfu REAL,
  tokens_per_second REAL,
  trainable_parameters INTEGER,
  host_bytes INTEGER NOT NULL,
  active_parameters INTEGER,
  -- the plan's identity (migration 0016)
  uuid_hi INTEGER,
  uuid_lo INTEGER,
  origin_id INTEGER
) STRICT;

INSERT INTO plan_rows (id, created_at, sweep_id, model_snapshot_id, gpu_snapshot_id,
  setup_snapshot_id, batch_size, batch_size_chosen, global_batch_size, gradient_accumulation_steps, steps, tokens, parameters, parameters_bytes, gradients_bytes, optimizer_state_bytes, activations_bytes, activation_bytes_per_sequence, total_bytes, fits, max_batch_size, forward_flops_per_step, backward_flops_per_step, optimizer_flops_per_step, total_flops, training_days, gpu_hours, cost, usable_bytes, gpus_needed, recompute_flops_per_step, energy_kwh, peak_stage, stages, time_model, step_seconds, compute_seconds, bubble_seconds, tensor_parallel_comm_seconds, pipeline_comm_seconds, data_parallel_comm_seconds, context_parallel_comm_seconds, optimizer_seconds, offload_seconds, time_mfu, time_hfu, tokens_per_second, trainable_parameters, host_bytes, active_parameters, uuid_hi, uuid_lo, origin_id)
SELECT p.id, p.created_at, p.sweep_id,
  (SELECT id FROM model_snapshots WHERE identity =
    quote(p.model_name)
    || ',' || quote(p.vocab_size)
    || ',' || quote(p.context_length)
    || ',' || quote(p.num_layers)
    || ',' || quote(p.d_model)
    || ',' || quote(p.num_heads)
    || ',' || quote(p.num_kv_heads)
    || ',' || quote(p.d_ff)
    || ',' || quote(p.ffn)
    || ',' || quote(p.tied_embeddings)
    || ',' || quote(p.norm)
    || ',' || quote(p.bias)
    || ',' || quote(p.positional)
    || ',' || quote(p.dropout)
    || ',' || quote(p.fused_qkv)
    || ',' || quote(p.experts)
    || ',' || quote(p.attention_variant)),
  (SELECT id FROM gpu_snapshots WHERE identity =
    quote(p.gpu_name)
    || ',' || quote(p.gpu_memory_bytes)
    || ',' || quote(p.gpu_reserve_bytes)
    || ',' || quote(p.gpu_fp32_flops)
    || ',' || quote(p.gpu_tf32_flops)
    || ',' || quote(p.gpu_bf16_flops)
    || ',' || quote(p.gpu_fp16_flops)
    || ',' || quote(p.gpu_fp8_flops)
    || ',' || quote(p.gpu_price_per_hour)
    || ',' || quote(p.gpu_power_watts)
    || ',' || quote(p.gpu_source)
    || ',' || quote(p.gpu_memory_bandwidth)
    || ',' || quote(p.gpu_host_link_bandwidth)),
  (SELECT id FROM setup_snapshots WHERE identity =
    quote(p.run_length_basis)
    || ',' || quote(p.tokens_per_parameter)
    || ',' || quote(p.mfu)
    || ',' || quote(p.num_gpus)
    || ',' || quote(p.precision)
    || ',' || quote(p.attention)
    || ',' || quote(p.checkpointing)
    || ',' || quote(p.zero_stage)
    || ',' || quote(p.fp32_gradients)
    || ',' || quote(p.reserve_bytes)
    || ',' || quote(p.method)
    || ',' || quote(p.seq_len)
    || ',' || quote(p.tensor_parallel)
    || ',' || quote(p.pipeline_parallel)
    || ',' || quote(p.context_parallel)
    || ',' || quote(p.virtual_stages)
    || ',' || quote(p.sequence_parallel)
    || ',' || quote(p.pipeline_layers)
    || ',' || quote(p.data_parallel)
    || ',' || quote(p.cluster_name)
    || ',' || quote(p.cluster_gpus_per_node)
    || ',' || quote(p.cluster_intra_node_bandwidth)
    || ',' || quote(p.cluster_inter_node_bandwidth)
    || ',' || quote(p.cluster_intra_node_latency)
    || ',' || quote(p.cluster_inter_node_latency)
    || ',' || quote(p.cluster_source)
    || ',' || quote(p.finetune)
    || ',' || quote(p.optimizer)
    || ',' || quote(p.offload)
    || ',' || quote(p.lora_rank)
    || ',' || quote(p.lora_dtype)
    || ',' || quote(p.lora_targets)),
  p.batch_size, p.batch_size_chosen, p.global_batch_size, p.gradient_accumulation_steps, p.steps, p.tokens, p.parameters, p.parameters_bytes, p.gradients_bytes, p.optimizer_state_bytes, p.activations_bytes, p.activation_bytes_per_sequence, p.total_bytes, p.fits, p.max_batch_size, p.forward_flops_per_step, p.backward_flops_per_step, p.optimizer_flops_per_step, p.total_flops, p.training_days, p.gpu_hours, p.cost, p.usable_bytes, p.gpus_needed, p.recompute_flops_per_step, p.energy_kwh, p.peak_stage, p.stages, p.time_model, p.step_seconds, p.compute_seconds, p.bubble_seconds, p.tensor_parallel_comm_seconds, p.pipeline_comm_seconds, p.data_parallel_comm_seconds, p.context_parallel_comm_seconds, p.optimizer_seconds, p.offload_seconds, p.time_mfu, p.time_hfu, p.tokens_per_second, p.trainable_parameters, p.host_bytes, p.active_parameters, p.uuid_hi, p.uuid_lo, p.origin_id
FROM plans p;

DROP TABLE plans;

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

-- `plans --model/--gpu` find their plans through the name and the snapshot id.
CREATE INDEX model_snapshots_by_name ON model_snapshots (name);
CREATE INDEX gpu_snapshots_by_name ON gpu_snapshots (name);
CREATE INDEX plan_rows_by_model ON plan_rows (model_snapshot_id);
CREATE INDEX plan_rows_by_gpu ON plan_rows (gpu_snapshot_id);
