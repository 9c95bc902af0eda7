-- Clusters (issue 13): the GPU's HBM bandwidth, and saved clusters of one GPU type.
--
-- `memory_bandwidth` is in bytes per second; NULL where unknown. Plans keep it in their GPU
-- snapshot (`gpu_memory_bandwidth`); plans made before it read as unknown.

ALTER TABLE gpus ADD COLUMN memory_bandwidth REAL
  CHECK (memory_bandwidth IS NULL OR memory_bandwidth > 0);
ALTER TABLE plans ADD COLUMN gpu_memory_bandwidth REAL;

-- A cluster names its GPU and holds no copy of it: it plans with the GPU as saved now. There is
-- no foreign key, so removing the GPU keeps the cluster (which then says its GPU is missing).
-- Bandwidths are per GPU and per direction, in bytes per second; latencies in seconds.
CREATE TABLE clusters (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  gpu_name TEXT NOT NULL,
  gpus_per_node INTEGER NOT NULL CHECK (gpus_per_node > 0),
  intra_node_bandwidth REAL NOT NULL CHECK (intra_node_bandwidth > 0),
  inter_node_bandwidth REAL NOT NULL CHECK (inter_node_bandwidth > 0),
  intra_node_latency REAL NOT NULL CHECK (intra_node_latency >= 0),
  inter_node_latency REAL NOT NULL CHECK (inter_node_latency >= 0),
  source TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- The seeding record gains the kind 'cluster' (a CHECK cannot be altered: the table is rebuilt).
CREATE TABLE preset_seeds_0011 (
  kind TEXT NOT NULL CHECK (kind IN ('model', 'gpu', 'cluster')),
  name TEXT NOT NULL,
  seeded_at TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) STRICT;
INSERT INTO preset_seeds_0011 (kind, name, seeded_at) SELECT kind, name, seeded_at FROM preset_seeds;
DROP TABLE preset_seeds;
ALTER TABLE preset_seeds_0011 RENAME TO preset_seeds;

-- Stored preset GPUs get the datasheet bandwidth while their memory and peaks are still the
-- preset's (the price, power and source may be the user's: the bandwidth is the hardware's).
-- A GPU whose figures the user changed is theirs: it keeps no bandwidth until `gpu set`. The
-- citation is appended to the source, as a fresh database's preset has it. Peaks are compared
-- to a relative 1e-9: they were stored as TFLOP/s x 1e12.
CREATE TEMP TABLE preset_bandwidths_0011 (
  name TEXT PRIMARY KEY, memory_bytes INTEGER, fp32 REAL, tf32 REAL, bf16 REAL, fp16 REAL,
  fp8 REAL, bandwidth REAL, citation TEXT
);
INSERT INTO preset_bandwidths_0011 VALUES
  ('a100-40gb', 42949672960, 19.5e12, 156e12, 312e12, 312e12, NULL, 1555e9,
   'NVIDIA A100 Tensor Core GPU datasheet (2021), A100 40GB SXM column: GPU memory bandwidth 1,555 GB/s (HBM2)'),
  ('a100-80gb', 85899345920, 19.5e12, 156e12, 312e12, 312e12, NULL, 2039e9,
   'NVIDIA A100 Tensor Core GPU datasheet (2021), A100 80GB SXM column: GPU memory bandwidth 2,039 GB/s (HBM2e; the 80GB PCIe card: 1,935 GB/s)'),
  ('h100-sxm', 85520809984, 67e12, 494.5e12, 989.5e12, 989.5e12, 1979e12, 3350e9,
   'NVIDIA H100 datasheet, SXM column: GPU memory bandwidth 3.35 TB/s (HBM3)'),
  ('h100-pcie', 85520809984, 51e12, 378e12, 756.5e12, 756.5e12, 1513e12, 2000e9,
   'NVIDIA H100 datasheet, PCIe column: GPU memory bandwidth 2 TB/s (the H100 PCIe product brief PB-11133-001: greater than 2,000 GB/s)'),
  ('h200', 150754820096, 67e12, 494.5e12, 989.5e12, 989.5e12, 1979e12, 4800e9,
   'NVIDIA H200 datasheet: GPU memory bandwidth 4.8 TB/s (141 GB HBM3e)'),
  ('b200', 192265846784, 75e12, 1100e12, 2250e12, 2250e12, 4500e12, 8000e9,
   'NVIDIA DGX B200 spec: 64 TB/s HBM3e bandwidth for its 8 GPUs = 8 TB/s per GPU (one later per-GPU table lists 7.7 TB/s; 8 used)'),
  ('l4', 24152899584, 30.3e12, 60e12, 121e12, 121e12, 242.5e12, 300e9,
   'NVIDIA L4 datasheet: GPU memory bandwidth 300 GB/s (24 GB GDDR6)'),
  ('l40s', 48305799168, 91.6e12, 183e12, 362.05e12, 362.05e12, 733e12, 864e9,
   'NVIDIA L40S datasheet: memory bandwidth 864 GB/s (48 GB GDDR6)'),
  ('t4', 16106127360, 8.1e12, NULL, NULL, 65e12, NULL, 320e9,
   'NVIDIA T4 datasheet: GPU memory bandwidth 320+ GB/s (16 GB GDDR6); 320 used'),
  ('v100-16gb', 17179869184, 15.7e12, NULL, NULL, 125e12, NULL, 900e9,
   'NVIDIA V100 datasheet, SXM2: memory bandwidth 900 GB/s (HBM2)'),
  ('v100-32gb', 34359738368, 15.7e12, NULL, NULL, 125e12, NULL, 900e9,
   'NVIDIA V100 datasheet, SXM2: memory bandwidth 900 GB/s (HBM2)'),
  ('rtx-3090', 25769803776, 35.6e12, 35.6e12, 71e12, 71e12, NULL, 936e9,
   'NVIDIA GA102 whitepaper App. A (RTX 3090): memory bandwidth 936 GB/sec (19.5 Gbps GDDR6X, 384-bit)'),
  ('rtx-4090', 25757220864, 82.6e12, 82.6e12, 165.2e12, 165.2e12, 330.3e12, 1008e9,
   'NVIDIA Ada (AD102) whitepaper, RTX 4090: memory bandwidth 1,008 GB/sec (21 Gbps GDDR6X, 384-bit)'),
  ('mi250x', 137405399040, 47.9e12, NULL, 383e12, 383e12, NULL, 3200e9,
   'AMD Instinct MI250X spec: peak memory bandwidth 3.2 TB/s (128 GB HBM2e), whole module'),
  ('mi300x', 206141652992, 163.4e12, 653.7e12, 1307.4e12, 1307.4e12, 2614.9e12, 5300e9,
   'AMD Instinct MI300X datasheet: peak memory bandwidth 5.3 TB/s (192 GB HBM3)');

UPDATE gpus
SET memory_bandwidth = (SELECT p.bandwidth FROM preset_bandwidths_0011 p WHERE p.name = gpus.name),
    source = source || '; memory_bandwidth: '
      || (SELECT p.citation FROM preset_bandwidths_0011 p WHERE p.name = gpus.name),
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE memory_bandwidth IS NULL
  AND EXISTS (
    SELECT 1 FROM preset_bandwidths_0011 p
    WHERE p.name = gpus.name AND p.memory_bytes = gpus.memory_bytes
      AND abs(gpus.fp32_flops - p.fp32) <= 1e-9 * p.fp32
      AND ((gpus.tf32_flops IS NULL AND p.tf32 IS NULL) OR abs(gpus.tf32_flops - p.tf32) <= 1e-9 * p.tf32)
      AND ((gpus.bf16_flops IS NULL AND p.bf16 IS NULL) OR abs(gpus.bf16_flops - p.bf16) <= 1e-9 * p.bf16)
      AND ((gpus.fp16_flops IS NULL AND p.fp16 IS NULL) OR abs(gpus.fp16_flops - p.fp16) <= 1e-9 * p.fp16)
      AND ((gpus.fp8_flops IS NULL AND p.fp8 IS NULL) OR abs(gpus.fp8_flops - p.fp8) <= 1e-9 * p.fp8));

DROP TABLE preset_bandwidths_0011;
