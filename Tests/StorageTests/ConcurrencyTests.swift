import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// Separate processes on one database file, as users' CLI invocations are.
@Suite(.serialized, .tags(.slow), TestDatabase.fileOnly) struct ConcurrencyTests {
  let folder = TemporaryFolder()
  let tool = builtProduct("StorageLoadTool")

  @Test func eightWritersLoseNothing() throws {
    let path = folder.file("shared.sqlite")
    // Every process opens the new database at once: migrations must apply exactly once.
    let writers = try (0..<8).map { _ in try Subprocess(tool, [path, "single", "500"], in: folder) }
    let results = writers.map { $0.wait() }
    for r in results {
      #expect(r.status == 0, "\(r.stderr)")
      #expect(!r.stderr.contains("locked"))
    }
    let store = try Store(path: path)
    #expect(try store.countPlans() == 4_000)
    #expect(
      try store.database.int("SELECT count(*) FROM schema_migrations")
        == DatabaseMigrator.embedded().migrations.count)
    #expect(try store.database.text("PRAGMA integrity_check") == "ok")
  }

  @Test func writerKilledMidBatchLeavesNoneOfIt() throws {
    let path = folder.file("killed.sqlite")
    let before = try Store(path: path)
    try before.insertPlan(try smallPlan(before))
    let writer = try Subprocess(tool, [path, "batch", "2000000"], in: folder)
    // Wait until it is inside its transaction, then give it a moment to write pages.
    let deadline = Date().addingTimeInterval(30)
    while !writer.stdoutSoFar.contains("started") && Date() < deadline { usleep(10_000) }
    usleep(300_000)
    writer.kill()
    let result = writer.wait()
    #expect(result.signaled)
    let store = try Store(path: path)
    #expect(try store.database.text("PRAGMA integrity_check") == "ok")
    #expect(try store.countPlans() == 1)
  }
}

private func smallPlan(_ store: Store) throws -> Plan {
  try Planner.plan(
    model: try store.model(named: "seed-gpt2-small").config,
    hardware: try store.gpu(named: "a100-80gb").profile)
}
