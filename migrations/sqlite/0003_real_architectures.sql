-- Real architectures and the detailed method: norm, biases and positional encoding on model
-- configs and plan snapshots, and the accounting method on plans. Earlier rows read as the
-- seed's architecture and method (the column defaults).

ALTER TABLE models ADD COLUMN norm TEXT NOT NULL DEFAULT 'rmsnorm'
  CHECK (norm IN ('rmsnorm', 'layernorm'));
ALTER TABLE models ADD COLUMN bias TEXT NOT NULL DEFAULT 'none'
  CHECK (bias IN ('none', 'qkv', 'all'));
ALTER TABLE models ADD COLUMN positional TEXT NOT NULL DEFAULT 'rope'
  CHECK (positional IN ('rope', 'learned'));

ALTER TABLE plans ADD COLUMN norm TEXT NOT NULL DEFAULT 'rmsnorm';
ALTER TABLE plans ADD COLUMN bias TEXT NOT NULL DEFAULT 'none';
ALTER TABLE plans ADD COLUMN positional TEXT NOT NULL DEFAULT 'rope';
ALTER TABLE plans ADD COLUMN method TEXT NOT NULL DEFAULT 'seed';
