import Foundation
import Migrations
import Planner
import TestSupport
import Testing

@testable import Storage

/// `--capacity-factor` in the store: the column of migration 0020, read back with the plan,
/// matched by a setup, and NULL (dropless) for the plans of a database made before it.
@Suite struct CapacityFactorStorageTests {
  let folder = TemporaryFolder()

  /// s 128, 4 layers, every one MoE: 8 experts of width 32, top 2.
  static let model: ModelConfig = {
    var m = ModelConfig(
      name: "tiny-moe", vocabSize: 1_000, contextLength: 128, numLayers: 4, dModel: 64,
      numHeads: 4, dFF: 32)
    m.experts = Experts(count: 8, topK: 2, ffn: 32)
    return m
  }()

  func plan(_ store: Store, _ f: Double?) throws -> Plan {
    try Planner.plan(
      model: Self.model, hardware: try store.gpu(named: "h100-sxm").profile,
      setup: TrainingSetup(microBatchSize: 2, precision: .bf16, capacityFactor: f))
  }

  @Test func theFactorRoundTripsAndMatches() throws {
    let db = try TestDatabase()
    let store = try db.open()
    let padded = try plan(store, 1.25)
    let dropless = try plan(store, nil)
    #expect(padded.memory.activationsBytes > dropless.memory.activationsBytes)
    try store.insertPlan(dropless)
    try store.insertPlan(padded)
    let back = try store.plans()
    #expect(back.map(\.plan.setup.capacityFactor) == [1.25, nil])
    var expected = padded
    expected.memory.activationComponentBytes = []
    expected.notes = []
    #expect(back[0].plan == expected)
    #expect(
      try store.database.fetch("SELECT capacity_factor FROM plans ORDER BY id") {
        try $0.optionalDouble("capacity_factor")
      } == [nil, 1.25])
    // A setup matches the plans made with its factor, and dropless only the dropless ones.
    for (f, id) in [(1.25, back[0].id), (nil, back[1].id)] as [(Double?, Int)] {
      var filter = PlanFilter()
      filter.setup = SetupMatch(
        TrainingSetup(microBatchSize: 2, precision: .bf16, capacityFactor: f))
      #expect(try store.plans(filter).map(\.id) == [id])
    }
  }

  @Test(TestDatabase.fileOnly) func aDatabaseBeforeMigration20ReadsItsPlansAsDropless() throws {
    // The plans as a trainplan before 0020 wrote them: made in a current database, then copied
    // column by column into one migrated to 0019.
    let source = folder.file("source.sqlite")
    var originals: [Plan] = []
    do {
      let store = try Store(path: source)
      originals = [try plan(store, nil)]
      try store.insertPlan(originals[0])
    }
    let path = folder.file("old.sqlite")
    let all = try DatabaseMigrator.embedded()
    let older = try DatabaseMigrator(migrations: all.migrations.filter { $0.version < 20 })
    do { _ = try Store(path: path, migrator: older, seedPresets: false) }
    let db = try Database(path: path)
    #expect(try columns(db, "plan_rows").contains("capacity_factor") == false)
    try db.execute("PRAGMA foreign_keys = OFF")
    try db.execute("ATTACH DATABASE ? AS source", [source])
    try db.write {
      let tables = try db.fetch(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY rowid"
      ) { try $0.text("name") }
      for table in tables {
        let list = try columns(db, table).joined(separator: ", ")
        try db.execute("DELETE FROM main.\(table)")
        try db.execute("INSERT INTO main.\(table) (\(list)) SELECT \(list) FROM source.\(table)")
      }
    }
    try db.execute("DETACH DATABASE source")
    let store = try Store(path: path)
    #expect(try columns(store.database, "plan_rows").contains("capacity_factor"))
    // The view shows every column it showed, and the new one last.
    let view = try columns(store.database, "plans")
    #expect(view.last == "capacity_factor")
    #expect(view.dropLast().last == "expert_parallel_comm_seconds")
    let back = try store.plans()
    #expect(back.count == 1)
    var expected = originals[0]
    expected.memory.activationComponentBytes = []
    expected.notes = []
    #expect(back.first?.plan == expected)
    #expect(back.first?.plan.setup.capacityFactor == nil)
    // A factor is refused by the column's rule below zero, and stored above it.
    #expect(throws: (any Error).self) {
      try store.database.execute("UPDATE plan_rows SET capacity_factor = 0")
    }
    try store.insertPlan(try plan(store, 0.5))
    #expect(try store.plans().first?.plan.setup.capacityFactor == 0.5)
  }

  func columns(_ db: Database, _ table: String) throws -> [String] {
    try db.fetch("SELECT name FROM pragma_table_info('\(table)')") { try $0.text("name") }
  }
}
