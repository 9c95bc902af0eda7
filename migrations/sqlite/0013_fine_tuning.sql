-- Fine-tuning and lean training: which parameters train (full, LoRA, QLoRA), the adapters,
-- the optimizer and what is offloaded, the trainable parameters and the host memory a plan
-- needs; and whether a model's Q, K and V are one fused matrix (what LoRA adapts). Earlier
-- plans trained every parameter with AdamW on the GPU: the defaults say so.

ALTER TABLE plans ADD COLUMN finetune TEXT NOT NULL DEFAULT 'full';
ALTER TABLE plans ADD COLUMN lora_rank INTEGER;
ALTER TABLE plans ADD COLUMN lora_targets TEXT;
ALTER TABLE plans ADD COLUMN lora_dtype TEXT;
ALTER TABLE plans ADD COLUMN optimizer TEXT NOT NULL DEFAULT 'adamw';
ALTER TABLE plans ADD COLUMN offload TEXT NOT NULL DEFAULT 'none';
ALTER TABLE plans ADD COLUMN trainable_parameters INTEGER;
ALTER TABLE plans ADD COLUMN host_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN fused_qkv INTEGER NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN fused_qkv INTEGER NOT NULL DEFAULT 0;
