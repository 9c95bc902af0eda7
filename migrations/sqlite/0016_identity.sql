-- Identity that survives a merge (issue 18): every model, GPU, cluster, sweep and plan gets a
-- time-ordered UUID (UUIDv7, RFC 9562) and an origin, `user@host`. Integer ids stay the local
-- key; the UUID is what `import` matches rows by when a history moves between databases.
--
-- Records and sweeps are few: their UUID is text with a unique index. Plans are many (a sweep
-- writes a million): theirs is two INTEGER columns, the high and low 64 bits, with no index,
-- and their origin an id into `origins` (about 17 bytes a plan in all).
--
-- Existing rows get a UUID made from their created_at milliseconds. Their origin cannot be
-- known here: the first process to open the database afterwards fills it with its own and
-- records that in `meta` ('origins_filled'), see Store.fillOrigins.

ALTER TABLE models ADD COLUMN uuid TEXT;
ALTER TABLE models ADD COLUMN origin TEXT;
ALTER TABLE gpus ADD COLUMN uuid TEXT;
ALTER TABLE gpus ADD COLUMN origin TEXT;
ALTER TABLE clusters ADD COLUMN uuid TEXT;
ALTER TABLE clusters ADD COLUMN origin TEXT;
ALTER TABLE sweeps ADD COLUMN uuid TEXT;
ALTER TABLE sweeps ADD COLUMN origin TEXT;

CREATE TABLE origins (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
) STRICT;

ALTER TABLE plans ADD COLUMN uuid_hi INTEGER;
ALTER TABLE plans ADD COLUMN uuid_lo INTEGER;
ALTER TABLE plans ADD COLUMN origin_id INTEGER;

-- created_at (2026-11-29T14:05:43.123Z) in Unix milliseconds, then version 7, 12 random bits,
-- variant 10 and 62 random bits.

UPDATE models SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE gpus SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE clusters SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE sweeps SET uuid = printf('%08x-%04x-%04x-%04x-%012x',
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) >> 16,
  (coalesce(strftime('%s', created_at), 0) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)) & 65535,
  28672 | (random() & 4095), 32768 | (random() & 16383), random() & 281474976710655);
UPDATE plans SET
  uuid_hi = ((coalesce(strftime('%s', created_at), 0) * 1000
    + CAST(substr(created_at, 21, 3) AS INTEGER)) << 16) | 28672 | (random() & 4095),
  uuid_lo = (random() & 4611686018427387903) | -9223372036854775808;

CREATE UNIQUE INDEX models_by_uuid ON models (uuid);
CREATE UNIQUE INDEX gpus_by_uuid ON gpus (uuid);
CREATE UNIQUE INDEX clusters_by_uuid ON clusters (uuid);
CREATE UNIQUE INDEX sweeps_by_uuid ON sweeps (uuid);
