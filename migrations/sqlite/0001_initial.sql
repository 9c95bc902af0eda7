-- trainplan's first schema: saved model configs, saved GPUs, and the plans history.
-- Plans keep a full snapshot of the config, GPU and setup they were computed from, and no
-- foreign key to them: removing a config or GPU never changes or deletes history.

CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  vocab_size INTEGER NOT NULL CHECK (vocab_size > 0),
  context_length INTEGER NOT NULL CHECK (context_length > 0),
  num_layers INTEGER NOT NULL CHECK (num_layers > 0),
  d_model INTEGER NOT NULL CHECK (d_model > 0),
  num_heads INTEGER NOT NULL CHECK (num_heads > 0),
  num_kv_heads INTEGER NOT NULL CHECK (num_kv_heads > 0),
  d_ff INTEGER NOT NULL CHECK (d_ff > 0),
  ffn TEXT NOT NULL CHECK (ffn IN ('swiglu', 'gelu')),
  tied_embeddings INTEGER NOT NULL CHECK (tied_embeddings IN (0, 1)),
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE gpus (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  memory_bytes INTEGER NOT NULL CHECK (memory_bytes > 0),
  -- dense peak FLOP/s per number format; NULL where the GPU has none
  fp32_flops REAL NOT NULL CHECK (fp32_flops > 0),
  tf32_flops REAL CHECK (tf32_flops > 0),
  bf16_flops REAL CHECK (bf16_flops > 0),
  fp16_flops REAL CHECK (fp16_flops > 0),
  fp8_flops REAL CHECK (fp8_flops > 0),
  price_per_hour REAL CHECK (price_per_hour >= 0),
  power_watts REAL CHECK (power_watts >= 0),
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  model_name TEXT NOT NULL,
  gpu_name TEXT NOT NULL,
  -- the model config as it was
  vocab_size INTEGER NOT NULL,
  context_length INTEGER NOT NULL,
  num_layers INTEGER NOT NULL,
  d_model INTEGER NOT NULL,
  num_heads INTEGER NOT NULL,
  num_kv_heads INTEGER NOT NULL,
  d_ff INTEGER NOT NULL,
  ffn TEXT NOT NULL,
  tied_embeddings INTEGER NOT NULL,
  -- the GPU as it was
  gpu_memory_bytes INTEGER NOT NULL,
  gpu_fp32_flops REAL NOT NULL,
  gpu_tf32_flops REAL,
  gpu_bf16_flops REAL,
  gpu_fp16_flops REAL,
  gpu_fp8_flops REAL,
  gpu_price_per_hour REAL,
  gpu_power_watts REAL,
  gpu_source TEXT NOT NULL,
  -- the setup, resolved
  batch_size INTEGER NOT NULL,
  batch_size_chosen INTEGER NOT NULL,
  global_batch_size INTEGER NOT NULL,
  gradient_accumulation_steps INTEGER NOT NULL,
  steps INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  -- 'steps', 'tokens', or 'tokens_per_parameter' (then tokens_per_parameter says how many)
  run_length_basis TEXT NOT NULL,
  tokens_per_parameter INTEGER,
  mfu REAL NOT NULL,
  num_gpus INTEGER NOT NULL,
  precision TEXT NOT NULL,
  -- results
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
  cost REAL
) STRICT;

CREATE INDEX plans_newest ON plans (created_at DESC, id DESC);
CREATE INDEX plans_by_model ON plans (model_name, created_at DESC, id DESC);
CREATE INDEX plans_by_gpu ON plans (gpu_name, created_at DESC, id DESC);

-- Which presets a database has been seeded with, so each is added once and a preset the user
-- removed or edited is never put back.
CREATE TABLE preset_seeds (
  kind TEXT NOT NULL CHECK (kind IN ('model', 'gpu')),
  name TEXT NOT NULL,
  seeded_at TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) STRICT;
