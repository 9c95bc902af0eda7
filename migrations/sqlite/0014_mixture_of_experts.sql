-- Mixture-of-experts models and the attention variants of their families: the experts
-- ("count,top_k,shared,ffn,shared_ffn,first_dense_layers,every,router_bias,expert_bias") and
-- the attention ("head_dim,qk_norm,attention_sinks,q_lora_rank,kv_lora_rank,qk_nope_head_dim,
-- qk_rope_head_dim,v_head_dim", empty fields for none), on model configs and plan snapshots.
-- NULL: a dense model with standard attention, as every earlier row is.

ALTER TABLE models ADD COLUMN experts TEXT;
ALTER TABLE models ADD COLUMN attention_variant TEXT;
ALTER TABLE plans ADD COLUMN experts TEXT;
ALTER TABLE plans ADD COLUMN attention_variant TEXT;
ALTER TABLE plans ADD COLUMN active_parameters INTEGER;
