import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Plans reference their model, GPU and setup snapshots, each stored once (migration 0017).
@Suite struct SnapshotTests {
  let db: TestDatabase
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  func plan(_ model: ModelConfig, _ gpu: String = "a100-80gb", batch: Int = 1) throws -> Plan {
    try Planner.plan(
      model: model, hardware: try store.gpu(named: gpu).profile,
      setup: TrainingSetup(microBatchSize: batch))
  }

  func count(_ table: String) throws -> Int {
    try store.database.int("SELECT count(*) FROM \(table)") ?? -1
  }

  @Test func plansOfOneModelShareItsSnapshots() throws {
    let model = try store.model(named: "seed-gpt2-small").config
    try store.insertPlan(try plan(model, batch: 1))
    try store.insertPlan(try plan(model, batch: 2))
    try store.insertPlan(try plan(model, "h100-sxm", batch: 2))
    #expect(try count("plan_rows") == 3)
    #expect(try count("model_snapshots") == 1)
    #expect(try count("gpu_snapshots") == 2)
    #expect(try count("setup_snapshots") == 1)
    #expect(try count("plans") == 3)
  }

  @Test func editingAModelMakesASecondSnapshotAndTheOldPlanKeepsTheFirst() throws {
    var model = try store.model(named: "seed-gpt2-small").config
    let first = try store.insertPlan(try plan(model))
    model.numLayers += 6
    try store.saveModel(model, replace: true)
    let second = try store.insertPlan(try plan(try store.model(named: "seed-gpt2-small").config))
    #expect(try count("model_snapshots") == 2)
    let back = try store.plans()
    #expect(back.map(\.id) == [second.id, first.id])
    #expect(back[1].plan.model.numLayers == model.numLayers - 6)
    #expect(back[1].plan.parameters == first.plan.parameters)
    #expect(back[0].plan.parameters > first.plan.parameters)
  }

  @Test func aSweepStoresEachSnapshotOnceAcrossItsChunks() throws {
    let small = try store.model(named: "seed-gpt2-small").config
    let xl = try store.model(named: "seed-gpt2-xl").config
    let writer = try store.beginSweep(arguments: "{}", planned: 12, chunkSize: 5)
    for model in [small, xl] {
      for batch in 1...6 { try writer.add(try plan(model, batch: batch)) }
    }
    try writer.commit()
    #expect(writer.written == 12)
    #expect(try count("model_snapshots") == 2)
    #expect(try count("setup_snapshots") == 1)
    let back = try store.plans(PlanFilter(sweep: writer.sweepID))
    #expect(back.count == 12)
    #expect(Set(back.map(\.plan.model.name)) == ["seed-gpt2-small", "seed-gpt2-xl"])
  }

  /// A rolled-back chunk takes back the snapshots it added: the next chunk must not reuse
  /// their ids (the foreign keys would refuse it, or worse, point at another snapshot).
  @Test func aChunkAfterARollbackStoresItsSnapshotsAgain() throws {
    let model = try store.model(named: "seed-gpt2-small").config
    let writer = try store.beginSweep(arguments: "{}", planned: 2, chunkSize: 10)
    try writer.add(try plan(model))
    writer.rollback()
    #expect(try count("model_snapshots") == 0)
    let p = try plan(model, batch: 2)
    try writer.add(p)
    try writer.commit()
    #expect(try count("model_snapshots") == 1)
    #expect(try store.plans().first?.plan.setup.batchSize == 2)
  }

  /// The tables hold the columns of `PlanColumn.all`; a snapshot table's order is its
  /// identity's, which the writer computes from the list.
  @Test func theTablesHoldTheColumnsOfTheOneList() throws {
    func columns(_ table: String) throws -> [String] {
      try store.database.fetch(DatabaseMigrator.columnNames(store.database, of: table)) {
        try $0.text("name")
      }
    }
    // A server keeps each snapshot's identity in a generated column of its own, last.
    let identity = store.database.isServer ? ["identity"] : []
    for table in [PlanColumn.Table.model, .gpu, .setup] {
      #expect(try columns(table.name) == ["id"] + PlanColumn.of(table).map(\.stored) + identity)
    }
    #expect(
      Set(try columns("plan_rows"))
        == Set(
          ["id"] + PlanWriter.leading + PlanColumn.of(.plan).map(\.stored) + PlanWriter.identity))
    let view = try columns("plans")
    #expect(
      Set(view)
        == Set(Store.planReadOrder.components(separatedBy: ", ")).union(
          [PlanColumn.Table.model, .gpu, .setup].map(\.reference)))
  }
}

/// An enum stored as text that no case spells is an error naming the table and the row.
@Suite struct StrictDecodingTests {
  let db: TestDatabase
  let store: Store

  init() throws {
    db = try TestDatabase()
    store = try db.open()
  }

  static let planColumns: [(table: String, column: String, cases: String)] = [
    (
      "setup_snapshots", "precision",
      TrainingPrecision.allCases.map(\.rawValue).joined(separator: ", ")
    ),
    (
      "setup_snapshots", "attention",
      AttentionKernel.allCases.map(\.rawValue).joined(separator: ", ")
    ),
    (
      "setup_snapshots", "checkpointing", Recompute.allCases.map(\.rawValue).joined(separator: ", ")
    ),
    (
      "setup_snapshots", "method", AccountingMethod.allCases.map(\.rawValue).joined(separator: ", ")
    ),
    ("setup_snapshots", "finetune", FineTuning.allCases.map(\.rawValue).joined(separator: ", ")),
    ("setup_snapshots", "optimizer", Optimizer.allCases.map(\.rawValue).joined(separator: ", ")),
    ("setup_snapshots", "offload", Offload.allCases.map(\.rawValue).joined(separator: ", ")),
    ("setup_snapshots", "run_length_basis", "steps, tokens, tokens_per_parameter"),
    ("model_snapshots", "ffn", FeedForwardKind.allCases.map(\.rawValue).joined(separator: ", ")),
    ("model_snapshots", "norm", NormKind.allCases.map(\.rawValue).joined(separator: ", ")),
    ("model_snapshots", "bias", BiasKind.allCases.map(\.rawValue).joined(separator: ", ")),
    (
      "model_snapshots", "positional",
      PositionalKind.allCases.map(\.rawValue).joined(separator: ", ")
    ),
  ]

  @Test(arguments: planColumns)
  func aPlanWithAnUnknownValueNamesItsRow(_ c: (table: String, column: String, cases: String))
    throws
  {
    let plan = try Planner.plan(
      model: try store.model(named: "seed-gpt2-small").config,
      hardware: try store.gpu(named: "t4").profile)
    try store.insertPlan(plan)
    let id = try store.insertPlan(plan).id
    try store.database.execute("UPDATE \(c.table) SET \(c.column) = 'fp12'")
    let expected = StoreError.corrupt(
      "plans row \(id): \(c.column) 'fp12' is not one of \(c.cases)")
    #expect(throws: expected) { try store.plans() }
    #expect(throws: expected) { try store.plans(PlanFilter(limit: 1)) }
  }

  @Test(TestDatabase.fileOnly) func aModelWithAnUnknownValueNamesItsRow() throws {
    // The models table checks its norm; a file damaged or written by another tool may not.
    try store.database.execute("PRAGMA ignore_check_constraints = ON")
    try store.database.execute("UPDATE models SET norm = 'batchnorm' WHERE name = 'gpt2-xl'")
    let expected = StoreError.corrupt(
      "models row 'gpt2-xl': norm 'batchnorm' is not one of rmsnorm, layernorm")
    #expect(throws: expected) { try store.model(named: "gpt2-xl") }
    #expect(throws: expected) { try store.models() }
    #expect(
      expected.description.hasPrefix(
        "the database holds a value this trainplan cannot read: models row 'gpt2-xl': norm"))
  }
}
