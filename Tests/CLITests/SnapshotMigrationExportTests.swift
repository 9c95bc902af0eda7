import Foundation
import Storage
import TestSupport
import Testing

/// `plans`, `export` and `fit --sweep` print the same bytes from a database whose plans were
/// one table, as before migration 0017, once the migration has split them into snapshots.
/// (StorageTests' SnapshotMigrationTests check the rows of the old writer itself, value by
/// value; this checks what a user reads.)
@Suite(TestDatabase.fileOnly) struct SnapshotMigrationExportTests {
  let cli = TrainplanRunner()

  static let commands: [[String]] = [
    ["plans", "--json"], ["plans", "--limit", "1000"], ["export", "--format", "csv"],
    ["export", "--format", "json"], ["export", "--sweep", "1", "--format", "csv"],
    ["export", "--model", "llama-3-8b", "--format", "json"], ["fit", "--sweep", "1"],
    ["fit", "--sweep", "1", "--precision", "bf16", "--json"], ["sweeps", "--json"],
  ]

  func outputs() throws -> [String] {
    try Self.commands.map { args in
      let r = try cli.run(args)
      guard r.status == 0 else { throw Failure("\(args) exited \(r.status): \(r.stderr)") }
      return r.stdout
    }
  }

  /// The plans as one table of every column, as migration 15 left them, and 0017 unrecorded.
  func undoSnapshotMigration() throws {
    let db = try Database(path: cli.db, create: false)
    let columns = try db.fetch("SELECT name FROM pragma_table_info('plans')") {
      try $0.text("name")
    }.filter { !$0.hasSuffix("_snapshot_id") }
    try db.executeScript(
      """
      BEGIN;
      CREATE TABLE plans_before AS SELECT \(columns.joined(separator: ", ")) FROM plans;
      DROP VIEW plans;
      DROP TABLE plan_rows;
      DROP TABLE model_snapshots;
      DROP TABLE gpu_snapshots;
      DROP TABLE setup_snapshots;
      ALTER TABLE plans_before RENAME TO plans;
      DELETE FROM schema_migrations WHERE version >= 17;
      COMMIT;
      """)
  }

  @Test func outputsAreByteIdenticalAcrossTheMigration() throws {
    for line in [
      "plan gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000",
      "plan llama-3-8b h100-sxm --cluster dgx-h100 --num-gpus 16 --tp 2 --pp 2 --precision bf16 --method detailed --global-batch-size 512",
      "plan llama-3-8b a100-80gb --finetune lora --lora-rank 8 --precision bf16 --batch-size 2 --method detailed",
      "sweep --layers 1:3 --d-model 128:384:128 --heads-dim 64 --gpus a100-80gb,h100-sxm --batch-sizes 1,2 --precisions fp32,bf16",
      "gpu set a100-80gb --price-per-hour 9.99",
      "plan gpt2-xl a100-80gb --global-batch-size 1024 --steps 400000",
    ] {
      let r = try cli.run(line)
      #expect(r.status == 0, "\(line): \(r.stderr)")
    }
    let before = try outputs()
    try undoSnapshotMigration()
    let after = try outputs()
    for (k, args) in Self.commands.enumerated() {
      #expect(after[k] == before[k], "\(args)")
    }
    let db = try Database(path: cli.db, create: false)
    #expect(
      try db.int("SELECT max(version) FROM schema_migrations")
        == DatabaseMigrator.embedded().migrations.last?.version)
    #expect(try db.int("SELECT count(*) FROM gpu_snapshots") == 3)
  }
}
