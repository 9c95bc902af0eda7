-- The `gpt2-*` presets used to be the seed's architecture (SwiGLU, RMSNorm, RoPE, untied, no
-- biases) with GPT-2's shapes. They are now `seed-gpt2-*`, and `gpt2-*` is the real GPT-2 family,
-- which the preset seeding adds after this migration.
--
-- A stored `gpt2-*` is renamed only while every figure still equals the old preset's: one the
-- user changed is theirs and keeps its name. A name already taken by a user's own
-- `seed-gpt2-*` is left alone too. Plans keep their snapshots (name included): nothing in
-- `plans` changes.
--
-- The seeding record moves with the preset, renamed or not: `seed-gpt2-*` counts as seeded, so
-- a preset the user removed stays removed under its new name, and `gpt2-*` is free for the
-- real family (which never overwrites a user's record of that name).

CREATE TEMP TABLE old_seed_presets (
  name TEXT PRIMARY KEY, num_layers INTEGER, d_model INTEGER, num_heads INTEGER
);
INSERT INTO old_seed_presets VALUES
  ('gpt2-small', 12, 768, 12),
  ('gpt2-medium', 24, 1024, 16),
  ('gpt2-large', 36, 1280, 20),
  ('gpt2-xl', 48, 1600, 25);

UPDATE models
SET name = 'seed-' || name,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE name IN (SELECT name FROM old_seed_presets)
  AND EXISTS (
    SELECT 1 FROM old_seed_presets o
    WHERE o.name = models.name
      AND models.vocab_size = 50257 AND models.context_length = 1024
      AND models.num_layers = o.num_layers AND models.d_model = o.d_model
      AND models.num_heads = o.num_heads AND models.num_kv_heads = o.num_heads
      AND models.d_ff = 4 * o.d_model AND models.ffn = 'swiglu'
      AND models.tied_embeddings = 0 AND models.norm = 'rmsnorm' AND models.bias = 'none'
      AND models.positional = 'rope')
  AND NOT EXISTS (SELECT 1 FROM models AS taken WHERE taken.name = 'seed-' || models.name);

UPDATE preset_seeds
SET name = 'seed-' || name
WHERE kind = 'model'
  AND name IN (SELECT name FROM old_seed_presets)
  AND NOT EXISTS (
    SELECT 1 FROM preset_seeds AS taken
    WHERE taken.kind = 'model' AND taken.name = 'seed-' || preset_seeds.name);

DROP TABLE old_seed_presets;
