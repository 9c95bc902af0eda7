-- Sweeps: one command computing the cross product of shapes, GPUs and setups, stored under one
-- sweep id. A sweep's plans are written in chunks, one transaction each; `status` says whether
-- every chunk made it ('running' while it runs, 'complete', or 'incomplete' when interrupted).

CREATE TABLE sweeps (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'incomplete')),
  -- the command's arguments, as JSON
  arguments TEXT NOT NULL,
  planned INTEGER NOT NULL,
  written INTEGER NOT NULL DEFAULT 0
) STRICT;

ALTER TABLE plans ADD COLUMN sweep_id INTEGER REFERENCES sweeps (id);
CREATE INDEX plans_by_sweep ON plans (sweep_id, id) WHERE sweep_id IS NOT NULL;
