-- Facts about the database itself. `fixtures_digest` is a digest of the preset files this
-- database was last seeded from: while it matches the binary's presets, opening skips them.

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
