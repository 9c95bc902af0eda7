-- A sweep's plans are found by the range of ids its chunks took, not by an index on sweep_id:
-- one index fewer to keep on every insert of a million-plan sweep. Other writers may take ids
-- inside the range, so readers still check sweep_id; the range only bounds the scan.

DROP INDEX plans_by_sweep;
ALTER TABLE sweeps ADD COLUMN first_plan_id INTEGER;
ALTER TABLE sweeps ADD COLUMN last_plan_id INTEGER;
UPDATE sweeps SET
  first_plan_id = (SELECT min(id) FROM plans WHERE sweep_id = sweeps.id),
  last_plan_id = (SELECT max(id) FROM plans WHERE sweep_id = sweeps.id);
