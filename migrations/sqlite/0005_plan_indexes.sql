-- Newest first is id order: ids only grow (plans are never deleted), so the table's own rowid
-- B-tree serves it and the (created_at, id) index is dropped. The model and GPU indexes keep
-- just the name (SQLite appends the rowid), so each is ordered by (name, id). One index fewer
-- and shorter keys make each insert cheaper, which a million-plan sweep feels.

DROP INDEX plans_newest;
DROP INDEX plans_by_model;
DROP INDEX plans_by_gpu;
CREATE INDEX plans_by_model ON plans (model_name);
CREATE INDEX plans_by_gpu ON plans (gpu_name);
