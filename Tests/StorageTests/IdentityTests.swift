import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Issue 18, part 1: UUIDv7s and origins on every record and plan (migration 0016).
@Suite(.serialized) struct IdentityTests {
  let folder = TemporaryFolder()
  let tool = builtProduct("StorageLoadTool")

  @Test func uuidLayoutIsVersion7Variant10() throws {
    let before = Timestamp.milliseconds()
    let uuid = UUIDv7.next()
    let after = Timestamp.milliseconds()
    #expect(uuid.version == 7)
    #expect(uuid.variant == 0b10)
    #expect((before...after).contains(uuid.milliseconds))
    let text = uuid.description
    #expect(
      text.range(
        of: "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        options: .regularExpression) != nil, "\(text)")
    #expect(UUIDv7(text) == uuid)
    #expect(UUIDv7(text.uppercased()) == uuid)
    #expect(UUIDv7(String(text.dropLast())) == nil)
    #expect(UUIDv7(text.replacingOccurrences(of: "-", with: "g")) == nil)
    let halves = uuid.signedHalves
    #expect(UUIDv7(signedHigh: halves.high, signedLow: halves.low) == uuid)
    // Leading zero nibbles, every digit and both dashes' neighbours written as they are.
    for fixed in [
      "0192f3b4-5678-7abc-8def-0123456789ab", "00000000-0000-7000-8000-000000000000",
      "ffffffff-ffff-7fff-bfff-ffffffffffff",
    ] {
      #expect(try #require(UUIDv7(fixed)).description == fixed)
    }
  }

  @Test func uuidsAreOrderedByMillisecondsAndStrictlyIncreasing() throws {
    let made = (0..<20_000).map { _ in UUIDv7.next() }
    #expect(Set(made).count == made.count)
    for (a, b) in zip(made, made.dropFirst()) {
      #expect(a < b)
      #expect(a.milliseconds <= b.milliseconds)
    }
    // Text order is time order too (what a reader sorting the JSON sees).
    #expect(made.map(\.description) == made.map(\.description).sorted())
    let early = UUIDv7(milliseconds: 1_000, randomA: .max, randomB: .max)
    let late = UUIDv7(milliseconds: 1_001, randomA: 0, randomB: 0)
    #expect(early < late)
    #expect(early.successor().milliseconds == 1_001)
    #expect(early.successor().version == 7 && early.successor().variant == 2)
  }

  @Test func originIsUserAtHost() throws {
    let parts = Origin.current.split(separator: "@")
    #expect(parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty, "\(Origin.current)")
    if let name = ProcessInfo.processInfo.environment["USER"], geteuid() != 0 || name == "root" {
      #expect(String(parts[0]) == name || String(parts[0]) == String(geteuid()))
    }
  }

  @Test func everyRecordAndPlanGetsAUUIDAndOrigin() throws {
    let db = try TestDatabase()
    let store = try db.open()
    let model = try store.model(named: "gpt2-small")
    let gpu = try store.gpu(named: "a100-80gb")
    let cluster = try store.storedCluster(named: "dgx-h100")
    for (uuid, origin) in [
      (model.uuid, model.origin), (gpu.uuid, gpu.origin), (cluster.uuid, cluster.origin),
    ] {
      #expect(UUIDv7(uuid)?.version == 7)
      #expect(origin == Origin.current)
    }
    let plan = try Planner.plan(model: model.config, hardware: gpu.profile)
    let saved = try store.insertPlan(plan)
    let read = try #require(try store.plans().first)
    #expect(read.uuid == saved.uuid && read.uuid != nil)
    #expect(read.origin == Origin.current)
    let sweep = try store.beginSweep(arguments: "{}", planned: 2)
    try sweep.add(plan)
    try sweep.add(plan)
    try sweep.commit()
    let record = try store.sweep(id: sweep.sweepID)
    #expect(UUIDv7(record.uuid)?.version == 7 && record.origin == Origin.current)
    var filter = PlanFilter()
    filter.origin = Origin.current
    #expect(try store.countPlans(filter) == 3)
    filter.origin = "nobody@nowhere"
    #expect(try store.countPlans(filter) == 0)
    let uuids = try store.plans().compactMap(\.uuid)
    #expect(Set(uuids).count == 3)
  }

  @Test func editingARecordKeepsItsIdentity() throws {
    let db = try TestDatabase()
    let store = try db.open()
    let before = try store.model(named: "gpt2-small")
    try store.updateModel(named: "gpt2-small") { $0.source = "edited" }
    var config = before.config
    config.dropout = !config.dropout
    try store.saveModel(config, source: "replaced", replace: true)
    let after = try store.model(named: "gpt2-small")
    #expect(after.source == "replaced")
    #expect(after.uuid == before.uuid && after.origin == before.origin)
    let gpu = try store.gpu(named: "t4")
    try store.updateGPU(named: "t4") { $0.profile.pricePerHour = 1 }
    #expect(try store.gpu(named: "t4").uuid == gpu.uuid)
    let cluster = try store.storedCluster(named: "dgx-h100")
    try store.updateCluster(named: "dgx-h100") { $0.gpusPerNode = 4 }
    #expect(try store.storedCluster(named: "dgx-h100").uuid == cluster.uuid)
  }

  /// Rows made before migration 0016 get a UUID from their created_at and, at the first open
  /// after it, the opening process's origin, once.
  @Test(TestDatabase.fileOnly) func migrationBackfillsUUIDsFromCreatedAtAndOriginsOnce() throws {
    let path = try olderDatabase(folder, "old.sqlite")
    let db = try Database(path: path)
    try DatabaseMigrator.embedded().migrate(db)
    let plans = try db.fetch("SELECT created_at, uuid_hi, uuid_lo FROM plans") { row in
      (try row.text("created_at"), try Store.planUUID(row))
    }
    #expect(plans.count == 2)
    for (createdAt, uuid) in plans {
      let uuid = try #require(uuid)
      #expect(uuid.version == 7 && uuid.variant == 2)
      #expect(
        Timestamp.format(
          seconds: Int(uuid.milliseconds / 1000), milliseconds: Int(uuid.milliseconds % 1000))
          == createdAt)
    }
    let models = try db.fetch("SELECT created_at, uuid, origin FROM models") { row in
      (try row.text("created_at"), try row.text("uuid"), try row.optionalText("origin"))
    }
    #expect(!models.isEmpty)
    for (createdAt, text, origin) in models {
      let uuid = try #require(UUIDv7(text))
      #expect(uuid.version == 7 && uuid.variant == 2)
      #expect(
        Timestamp.format(
          seconds: Int(uuid.milliseconds / 1000), milliseconds: Int(uuid.milliseconds % 1000))
          == createdAt)
      #expect(origin == nil)
    }
    var lookups = 0
    func origin(_ name: String) -> String {
      lookups += 1
      return name
    }
    try Store.fillOrigins(db, origin: origin("alice@a"))
    try Store.fillOrigins(db, origin: origin("bob@b"))
    // The origin is looked up (the password database, the host name) only when there is
    // something to fill, not on every later open (issue 17).
    #expect(lookups == 1)
    #expect(try db.int("SELECT count(*) FROM models WHERE origin = 'alice@a'") == models.count)
    #expect(try db.int("SELECT count(*) FROM plans WHERE origin_id IS NULL") == 0)
    #expect(try db.fetch("SELECT name FROM origins") { try $0.text("name") } == ["alice@a"])
    #expect(try db.text("SELECT value FROM meta WHERE key = 'origins_filled'") == "alice@a")
  }

  /// Many processes opening a database from before migration 0016 at once: one migrates and
  /// fills the origins, the others find it done; nothing is lost or doubled.
  @Test(TestDatabase.fileOnly) func concurrentFirstOpensFillOriginsOnce() throws {
    let path = try olderDatabase(folder, "shared.sqlite")
    let writers = try (0..<8).map { _ in try Subprocess(tool, [path, "single", "5"], in: folder) }
    for r in writers.map({ $0.wait() }) { #expect(r.status == 0, "\(r.stderr)") }
    let store = try Store(path: path)
    #expect(try store.countPlans() == 2 + 40)
    #expect(try store.database.int("SELECT count(*) FROM origins") == 1)
    #expect(try store.database.int("SELECT count(*) FROM meta WHERE key = 'origins_filled'") == 1)
    #expect(try store.plans().allSatisfy { $0.origin == Origin.current && $0.uuid != nil })
    #expect(Set(try store.plans().compactMap(\.uuid)).count == 42)
    #expect(try store.models().allSatisfy { $0.origin == Origin.current })
    #expect(
      try store.database.int("SELECT count(*) FROM schema_migrations WHERE version = 16") == 1)
  }
}

/// A database at migration 17 (before identities) holding the presets and two plans, as an
/// older trainplan left it: rows are copied column by column from a current database.
func olderDatabase(_ folder: TemporaryFolder, _ name: String) throws -> String {
  let source = folder.file("source-" + name)
  do {
    let store = try Store(path: source)
    let plan = try Planner.plan(
      model: try store.model(named: "gpt2-small").config,
      hardware: try store.gpu(named: "a100-80gb").profile)
    try store.insertPlan(plan)
    usleep(5_000)
    try store.insertPlan(plan)
  }
  let path = folder.file(name)
  let all = try DatabaseMigrator.embedded()
  let older = try DatabaseMigrator(migrations: all.migrations.filter { $0.version < 16 })
  do { _ = try Store(path: path, migrator: older, seedPresets: false) }
  let db = try Database(path: path)
  try db.execute("ATTACH DATABASE ? AS source", [source])
  try db.write {
    for table in ["models", "gpus", "clusters", "preset_seeds", "meta", "plans"] {
      let columns = try db.fetch("SELECT name FROM pragma_table_info('\(table)')") {
        try $0.text("name")
      }.joined(separator: ", ")
      try db.execute(
        "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM source.\(table)")
    }
    try db.execute("DELETE FROM main.meta WHERE key = 'origins_filled'")
  }
  try db.execute("DETACH DATABASE source")
  return path
}
