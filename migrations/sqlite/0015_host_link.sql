-- The GPU's link to the host (PCIe, NVLink-C2C), bytes per second each way: what `--offload`
-- moves every step. On GPUs and on plans' GPU snapshots; and the predicted step's offload
-- transfer time. GPUs stored before it have none (the time model then takes PCIe 4.0 x16's
-- 32 GB/s; `gpu set NAME --host-link-bandwidth` records one); new databases' presets have it.

ALTER TABLE gpus ADD COLUMN host_link_bandwidth REAL;
ALTER TABLE plans ADD COLUMN gpu_host_link_bandwidth REAL;
ALTER TABLE plans ADD COLUMN offload_seconds REAL;
