-- Training setups beyond the seed: mixed precision, FlashAttention, checkpointing, ZeRO,
-- framework reserve. Earlier plans read as the seed's values (the column defaults).

ALTER TABLE gpus ADD COLUMN reserve_bytes INTEGER NOT NULL DEFAULT 0 CHECK (reserve_bytes >= 0);

ALTER TABLE plans ADD COLUMN gpu_reserve_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN attention TEXT NOT NULL DEFAULT 'naive';
ALTER TABLE plans ADD COLUMN checkpointing TEXT NOT NULL DEFAULT 'none';
ALTER TABLE plans ADD COLUMN zero_stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN fp32_gradients INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN reserve_bytes INTEGER NOT NULL DEFAULT 0;
-- memory the fit was judged against: GPU memory less the reserve
ALTER TABLE plans ADD COLUMN usable_bytes INTEGER;
ALTER TABLE plans ADD COLUMN gpus_needed INTEGER;
ALTER TABLE plans ADD COLUMN recompute_flops_per_step REAL NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN energy_kwh REAL;

UPDATE plans SET usable_bytes = gpu_memory_bytes WHERE usable_bytes IS NULL;
-- under the seed (no ZeRO) a plan that fits needs one GPU, and no count helps one that does not
UPDATE plans SET gpus_needed = CASE WHEN fits = 1 THEN 1 ELSE NULL END;
