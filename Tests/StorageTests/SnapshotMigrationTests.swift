import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Migration 0017 converts a database written by the code before it (`PlansAtMigration15`)
/// in place: every plan reads back as it was, value for value.
@Suite(TestDatabase.fileOnly) struct SnapshotMigrationTests {
  let folder = TemporaryFolder()

  /// Plans of every kind the old writer stored: a default one, on a cluster (predicted time),
  /// LoRA, a mixture of experts with a latent attention, pipeline stages, run lengths.
  func plans(_ store: Store) throws -> [Plan] {
    let small = try store.model(named: "seed-gpt2-small").config
    let llama = try store.model(named: "llama-3-8b").config
    var moe = llama
    moe.name = "moe-test"
    moe.experts = Experts(count: 8, topK: 2, shared: 1, ffn: 1_024, sharedFFN: 2_048)
    moe.headDim = 128
    moe.qkNorm = true
    let a100 = try store.gpu(named: "a100-80gb").profile
    let cluster = try store.cluster(named: "dgx-a100-80gb").profile
    let setups = [
      TrainingSetup(),
      TrainingSetup(
        microBatchSize: 1, globalBatchSize: 64, runLength: .tokens(1_000_000_000), numGPUs: 8,
        precision: .bf16, attention: .flash, method: .detailed,
        layout: ParallelLayout(tensorParallel: 2, pipelineParallel: 2), cluster: cluster),
      TrainingSetup(
        microBatchSize: 2, runLength: .steps(1_000), precision: .bf16, method: .detailed,
        training: Training(fineTuning: .lora, lora: LoRA(rank: 8, targets: ["q", "v"]))),
      TrainingSetup(microBatchSize: 1, precision: .bf16, zeroStage: 3, method: .megatron),
    ]
    var out: [Plan] = []
    for model in [small, llama, moe] {
      for setup in setups {
        out.append(try Planner.plan(model: model, hardware: a100, setup: setup))
      }
    }
    return out
  }

  /// Every column of the old table, in its order, as stored.
  func dump(_ db: Database) throws -> [[DatabaseValue]] {
    let names = ["id", "created_at", "sweep_id"] + PlansAtMigration15.columns.map(\.name)
    return try db.fetch("SELECT \(names.joined(separator: ", ")) FROM plans ORDER BY id") { row in
      (0..<row.columnCount).map { row.value(at: $0) }
    }
  }

  @Test func oldPlansReadBackUnchangedAndShareSnapshots() throws {
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    let old = try Store(
      path: path, migrator: DatabaseMigrator(migrations: all.migrations.filter { $0.version < 17 }))
    let written = try plans(old)
    let stamp = "2026-11-29T10:00:00.000Z"
    try old.database.execute(
      """
      INSERT INTO sweeps (created_at, status, arguments, planned, written, pid)
      VALUES (?, 'complete', '{}', ?, ?, 1)
      """, [stamp, written.count, written.count])
    let sweep = old.database.lastInsertedRowID
    for plan in written {
      try PlansAtMigration15.insert(plan, into: old.database, createdAt: stamp)
    }
    for plan in written {
      try PlansAtMigration15.insert(plan, into: old.database, createdAt: stamp, sweepID: sweep)
    }
    try old.database.execute(
      "UPDATE sweeps SET first_plan_id = ?, last_plan_id = ?",
      [written.count + 1, 2 * written.count])
    let before = try dump(old.database)

    let store = try Store(path: path)
    #expect(try dump(store.database) == before)
    #expect(try store.database.text("PRAGMA integrity_check") == "ok")
    #expect(try store.database.int("SELECT count(*) FROM pragma_foreign_key_check") == 0)
    // 3 models, one GPU, and the setups (4, each at the context length of 2 models), each
    // stored once however many plans use them.
    #expect(try store.database.int("SELECT count(*) FROM model_snapshots") == 3)
    #expect(try store.database.int("SELECT count(*) FROM gpu_snapshots") == 1)
    #expect(try store.database.int("SELECT count(*) FROM setup_snapshots") == 8)

    let back = try store.plans()
    #expect(back.count == 2 * written.count)
    for (stored, original) in zip(back.reversed(), written + written) {
      var expected = original
      // Components and notes are not stored: the figures are.
      expected.memory.activationComponentBytes = []
      expected.notes = []
      #expect(stored.plan == expected)
      #expect(stored.createdAt == stamp)
    }
    #expect(try store.plans(PlanFilter(sweep: Int(sweep))).count == written.count)

    // A plan written now finds the migrated snapshots: the writer's identity is the migration's.
    try store.insertPlans(written)
    #expect(try store.database.int("SELECT count(*) FROM model_snapshots") == 3)
    #expect(try store.database.int("SELECT count(*) FROM gpu_snapshots") == 1)
    #expect(try store.database.int("SELECT count(*) FROM setup_snapshots") == 8)
  }
}
