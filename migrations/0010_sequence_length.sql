-- The training sequence length S (`--seq-len`), stored with every plan. Plans made before it
-- trained at the model's context length: NULL reads as context_length.

ALTER TABLE plans ADD COLUMN seq_len INTEGER CHECK (seq_len IS NULL OR seq_len > 0);
