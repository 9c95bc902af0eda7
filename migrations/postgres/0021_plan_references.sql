-- A plan's references to its snapshots and its sweep, checked once per statement instead of
-- once per row. PostgreSQL checks a foreign key by a query per inserted row; a sweep's COPY
-- of a million plans ran four million of them, more than half the server's time (measured:
-- 200,000 plans in 7.7 s with the keys, 4.7 s without). These triggers keep the same rules
-- with one join over each statement's rows: a plan must name snapshots and a sweep that
-- exist, and a snapshot or sweep that plans name cannot be deleted or renumbered. SQLite
-- checks its foreign keys within the process at little cost: its migration 0021 changes
-- nothing.

ALTER TABLE plan_rows
  DROP CONSTRAINT plan_rows_sweep_id_fkey,
  DROP CONSTRAINT plan_rows_model_snapshot_id_fkey,
  DROP CONSTRAINT plan_rows_gpu_snapshot_id_fkey,
  DROP CONSTRAINT plan_rows_setup_snapshot_id_fkey;

CREATE FUNCTION plan_rows_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM new_plans n
    WHERE NOT EXISTS (SELECT 1 FROM model_snapshots s WHERE s.id = n.model_snapshot_id)
      OR NOT EXISTS (SELECT 1 FROM gpu_snapshots s WHERE s.id = n.gpu_snapshot_id)
      OR NOT EXISTS (SELECT 1 FROM setup_snapshots s WHERE s.id = n.setup_snapshot_id)
      OR (n.sweep_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sweeps s WHERE s.id = n.sweep_id))
  ) THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed: a plan names a snapshot or sweep that does not exist'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER plan_rows_references_on_insert AFTER INSERT ON plan_rows
  REFERENCING NEW TABLE AS new_plans
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_references();
CREATE TRIGGER plan_rows_references_on_update AFTER UPDATE ON plan_rows
  REFERENCING NEW TABLE AS new_plans
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_references();

-- TG_ARGV[0]: the column of plan_rows that names rows of the trigger's table.
CREATE FUNCTION plan_rows_check_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  named BOOLEAN;
BEGIN
  EXECUTE format(
    'SELECT EXISTS (SELECT 1 FROM gone_rows o WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = o.id)'
    ' AND EXISTS (SELECT 1 FROM plan_rows p WHERE p.%I = o.id))',
    TG_TABLE_NAME, TG_ARGV[0]) INTO named;
  IF named THEN
    RAISE EXCEPTION 'FOREIGN KEY constraint failed: plans name a row of % that was deleted', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER plans_name_it_on_delete AFTER DELETE ON model_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('model_snapshot_id');
CREATE TRIGGER plans_name_it_on_update AFTER UPDATE ON model_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('model_snapshot_id');
CREATE TRIGGER plans_name_it_on_delete AFTER DELETE ON gpu_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('gpu_snapshot_id');
CREATE TRIGGER plans_name_it_on_update AFTER UPDATE ON gpu_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('gpu_snapshot_id');
CREATE TRIGGER plans_name_it_on_delete AFTER DELETE ON setup_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('setup_snapshot_id');
CREATE TRIGGER plans_name_it_on_update AFTER UPDATE ON setup_snapshots
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('setup_snapshot_id');
CREATE TRIGGER plans_name_it_on_delete AFTER DELETE ON sweeps
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('sweep_id');
CREATE TRIGGER plans_name_it_on_update AFTER UPDATE ON sweeps
  REFERENCING OLD TABLE AS gone_rows
  FOR EACH STATEMENT EXECUTE FUNCTION plan_rows_check_referenced('sweep_id');
