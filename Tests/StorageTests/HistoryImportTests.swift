import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Issue 18, part 2: `Store.importHistory`, what `import` and `export --format sqlite` run.
@Suite struct HistoryImportTests {
  let folder = TemporaryFolder()
  let tool = builtProduct("StorageLoadTool")

  struct Stop: Error {}

  /// A store with a plan, a two-plan sweep and a GPU of its own.
  func source(_ name: String) throws -> Store { try filled(Store(path: folder.file(name))) }

  /// `store` with a plan, a two-plan sweep and a GPU of its own.
  func filled(_ store: Store) throws -> Store {
    try store.saveGPU(
      HardwareProfile(name: "lab-gpu", memoryBytes: 24 << 30, peak: .init(fp32: 35e12)))
    let plan = try Planner.plan(
      model: try store.model(named: "gpt2-small").config,
      hardware: try store.gpu(named: "lab-gpu").profile)
    try store.insertPlan(plan)
    let sweep = try store.beginSweep(arguments: "{}", planned: 2)
    try sweep.add(plan)
    try sweep.add(plan)
    try sweep.commit()
    try store.finishSweep(sweep.sweepID, status: .complete)
    return store
  }

  /// Every row of the tables an import writes, ids left out (they are local).
  func rows(_ store: Store) throws -> [String] {
    try store.plans().map { "\($0.uuid!) \($0.origin!) \($0.createdAt) \($0.sweepID ?? 0)" }
      + store.models().map { "\($0.uuid) \($0.config.name)" }
      + store.gpus().map { "\($0.uuid) \($0.profile.name) \($0.profile.pricePerHour ?? 0)" }
      + store.clusters().map { "\($0.uuid) \($0.spec.name)" }
      + store.sweeps().map { "\($0.id) \($0.uuid) \($0.written)" }
  }

  @Test func aFailureMidwayLeavesTheDatabaseAsItWas() throws {
    let theirs = try source("theirs.sqlite")
    let db = try TestDatabase()
    let ours = try db.open()
    let before = try rows(ours)
    let origins = try ours.database.int("SELECT count(*) FROM origins")
    var seen = 0
    #expect(throws: Stop.self) {
      try ours.importHistory(from: theirs) {
        seen += 1
        if seen == 2 { throw Stop() }
      }
    }
    #expect(seen == 2)
    #expect(try rows(ours) == before)
    #expect(try ours.database.int("SELECT count(*) FROM origins") == origins)
    if !ours.database.isServer {
      #expect(try ours.database.int("SELECT count(*) FROM temp.sqlite_master") == 0)
    }
  }

  @Test func sweepsGetNewIdsAndTheirPlansFollow() throws {
    let theirs = try source("theirs.sqlite")
    let db = try TestDatabase()
    let ours = try filled(db.open())
    let result = try ours.importHistory(from: theirs)
    #expect(result.sweeps.added == 1 && result.plans.added == 3)
    #expect(result.gpus.added == 0 && result.gpus.kept.isEmpty && result.gpus.skipped == 17)
    let sweeps = try ours.sweeps()
    #expect(sweeps.map(\.id) == [2, 1])
    var filter = PlanFilter(sweep: 2)
    let imported = try ours.plans(filter)
    #expect(imported.count == 2)
    let theirsSweep = try theirs.plans(PlanFilter(sweep: 1))
    #expect(Set(imported.compactMap(\.uuid)) == Set(theirsSweep.compactMap(\.uuid)))
    filter.sweep = 1
    #expect(try ours.plans(filter).count == 2)
    #expect(
      Set(try ours.plans(filter).compactMap(\.uuid)).isDisjoint(with: imported.compactMap(\.uuid)))
    // Again: nothing new.
    let before = try rows(ours)
    let again = try ours.importHistory(from: theirs)
    #expect(again.plans.added == 0 && again.plans.skipped == 3 && again.sweeps.skipped == 1)
    #expect(try rows(ours) == before)
  }

  @Test func anOlderSchemaFileImports() throws {
    let path = try olderDatabase(folder, "old.sqlite")
    let bytes = fileBytes(path)
    let theirs = try Store(readingOnly: path, reason: .requested)
    let db = try TestDatabase()
    let ours = try db.open()
    let result = try ours.importHistory(from: theirs)
    #expect(result.plans.added == 2)
    #expect(try ours.plans().allSatisfy { $0.uuid?.version == 7 && $0.origin == Origin.current })
    #expect(fileBytes(path) == bytes)
  }

  /// On a file only: a server's test database is a copy of a seeded one.
  @Test(TestDatabase.fileOnly) func usedRecordsOnlyWhenAskedAndCreationTimesKept() throws {
    let theirs = try source("theirs.sqlite")
    let copy = try Store(path: folder.file("copy.sqlite"), seedPresets: false)
    var filter = PlanFilter()
    filter.origin = Origin.current
    let result = try copy.importHistory(from: theirs, filter: filter, records: .usedByPlans)
    #expect(result.plans.added == 3)
    #expect(try copy.models().map(\.config.name) == ["gpt2-small"])
    #expect(try copy.gpus().map(\.profile.name) == ["lab-gpu"])
    #expect(try copy.gpus().first == theirs.gpu(named: "lab-gpu"))
    #expect(try copy.plans() == theirs.plans())
  }

  /// An import killed (SIGKILL) inside its transaction leaves the database as it was.
  @Test(TestDatabase.fileOnly) func anImportKilledMidwayLeavesTheDatabaseAsItWas() throws {
    let theirs = folder.file("big.sqlite")
    let made = try Subprocess(tool, [theirs, "batch", "50000"], in: folder).wait()
    #expect(made.status == 0, "\(made.stderr)")
    let path = folder.file("ours.sqlite")
    let before: [String]
    do { before = try rows(try source("ours.sqlite")) }
    let importer = try Subprocess(tool, [path, "import", theirs], in: folder)
    let deadline = Date().addingTimeInterval(60)
    while !importer.stdoutSoFar.contains("started") && Date() < deadline { usleep(5_000) }
    usleep(100_000)
    importer.kill()
    let result = importer.wait()
    // Killed, not finished: a finished import would make this test prove nothing.
    #expect(result.signaled)
    let ours = try Store(path: path)
    #expect(try ours.database.text("PRAGMA integrity_check") == "ok")
    #expect(try rows(ours) == before)
  }
}
