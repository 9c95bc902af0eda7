import Foundation
import Planner
import TestSupport
import Testing

@testable import Storage

/// The sweep writer: plans go in chunks, each chunk one transaction, and the sweep's row counts
/// exactly the committed plans; the open chunk is invisible to other connections until its
/// commit and gone after a rollback.
@Suite struct SweepWriterTests {
  let db: TestDatabase
  let store: Store
  /// A second connection to the same file: what another process sees.
  let other: Store
  let plan: Plan

  init() throws {
    db = try TestDatabase()
    store = try db.open()
    other = try db.open()
    plan = try Planner.plan(
      model: try store.model(named: "seed-gpt2-small").config,
      hardware: try store.gpu(named: "a100-80gb").profile, setup: TrainingSetup(microBatchSize: 1))
  }

  /// Plans of the sweep another connection sees, and the sweep's `written`.
  func seen(_ id: Int) throws -> (plans: Int, written: Int) {
    let plans = try other.database.int("SELECT count(*) FROM plans WHERE sweep_id = ?", [id])
    return (plans ?? -1, try other.sweep(id: id).written)
  }

  @Test func eachFullChunkIsCommittedAndNoMore() throws {
    let writer = try store.beginSweep(arguments: "{}", planned: 7, chunkSize: 3)
    #expect(try other.sweep(id: writer.sweepID).status == .running)
    var seenAfterEach: [Int] = []
    for _ in 0..<7 {
      try writer.add(plan)
      seenAfterEach.append(try seen(writer.sweepID).plans)
      #expect(try seen(writer.sweepID).plans == writer.written)
    }
    #expect(seenAfterEach == [0, 0, 3, 3, 3, 6, 6])
    try writer.commit()
    #expect(writer.written == 7)
    #expect(try seen(writer.sweepID) == (7, 7))
    try store.finishSweep(writer.sweepID, status: .complete)
    let record = try other.sweep(id: writer.sweepID)
    #expect(record.status == .complete && record.planned == 7 && record.finishedAt != nil)
    // The sweep's first and last plan ids bound its plans.
    let bounds = try other.database.fetch(
      "SELECT first_plan_id, last_plan_id FROM sweeps WHERE id = ?", [writer.sweepID]
    ) { [try $0.int("first_plan_id"), try $0.int("last_plan_id")] }
    let ids = try other.database.fetch(
      "SELECT id FROM plans WHERE sweep_id = ? ORDER BY id", [writer.sweepID]
    ) { try $0.int("id") }
    #expect(bounds.first == [ids.first!, ids.last!])
    // Committing with no open chunk changes nothing.
    try writer.commit()
    #expect(writer.written == 7)
  }

  @Test func rollbackDropsTheOpenChunkOnly() throws {
    try store.insertPlan(plan)
    let writer = try store.beginSweep(arguments: "{}", planned: 5, chunkSize: 3)
    for _ in 0..<5 { try writer.add(plan) }
    writer.rollback()
    #expect(writer.written == 3)
    #expect(store.database.isAutocommit)
    #expect(try seen(writer.sweepID) == (3, 3))
    try store.finishSweep(writer.sweepID, status: .incomplete)
    #expect(try other.sweep(id: writer.sweepID).status == .incomplete)
    // The plan saved before the sweep is untouched; nothing else was kept.
    #expect(try other.database.int("SELECT count(*) FROM plans") == 4)
    // The writer goes on after a rollback: the next plan opens a new chunk.
    try writer.add(plan)
    try writer.commit()
    #expect(try seen(writer.sweepID) == (4, 4))
  }

  /// A chunk size below 1 is taken as 1: every plan is its own transaction.
  @Test func chunkSizeBelowOneCommitsEveryPlan() throws {
    let writer = try store.beginSweep(arguments: "{}", planned: 2, chunkSize: 0)
    #expect(writer.chunkSize == 1)
    try writer.add(plan)
    #expect(try seen(writer.sweepID) == (1, 1))
    #expect(store.database.isAutocommit)
  }

  /// A sweep stored as running whose process is gone was killed: it reads as incomplete.
  @Test func aRunningSweepWithoutItsProcessIsIncomplete() throws {
    #expect(Store.status("running", pid: Int(getpid()), id: 1, live: nil) == .running)
    #expect(Store.status("running", pid: Int(Int32.max), id: 1, live: nil) == .incomplete)
    #expect(Store.status("running", pid: nil, id: 1, live: nil) == .running)
    #expect(Store.status("complete", pid: Int(Int32.max), id: 1, live: nil) == .complete)
    // On a server the pid is another machine's: the live session locks decide.
    #expect(Store.status("running", pid: Int(getpid()), id: 1, live: [2]) == .incomplete)
    #expect(Store.status("running", pid: Int(Int32.max), id: 2, live: [2]) == .running)
    let writer = try store.beginSweep(arguments: "{}", planned: 1)
    try store.database.execute(
      "UPDATE sweeps SET pid = ? WHERE id = ?", [Int(Int32.max), writer.sweepID])
    guard store.database.isServer else {
      #expect(try other.sweep(id: writer.sweepID).status == .incomplete)
      return
    }
    // A server ignores the pid: the sweep runs while its process's session holds the lock,
    // and reads as incomplete once that session ends, however it ends.
    #expect(try other.sweep(id: writer.sweepID).status == .running)
    try other.database.execute(
      """
      SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
        AND classid = \(Store.sweepLockClass) AND objid = ? AND \(Store.thisDatabasesLocks)
      """, [writer.sweepID])
    let deadline = ContinuousClock.now + .seconds(10)
    while try other.sweep(id: writer.sweepID).status == .running, ContinuousClock.now < deadline {
      usleep(10_000)
    }
    #expect(try other.sweep(id: writer.sweepID).status == .incomplete)
  }

  /// Advisory locks are per database, and `pg_locks` lists the whole server's: a sweep of the
  /// same id running in another database on the server does not keep this one running.
  @Test(.enabled(if: TestDatabase.onServer, "a server's session locks"))
  func anotherDatabasesSweepKeepsNoneHereRunning() throws {
    let elsewhere = try TestDatabase()
    let thereStore = try elsewhere.open()
    let there = try thereStore.beginSweep(arguments: "{}", planned: 1)
    let here = try store.beginSweep(arguments: "{}", planned: 1)
    #expect(here.sweepID == there.sweepID)
    #expect(try other.sweep(id: here.sweepID).status == .running)
    // As if this sweep's process were gone: its lock released, its row still "running".
    _ = try store.database.text(
      "SELECT pg_advisory_unlock(\(Store.sweepLockClass), \(here.sweepID))::text")
    #expect(try other.sweep(id: here.sweepID).status == .incomplete)
    #expect(try thereStore.sweep(id: there.sweepID).status == .running)
  }

  @Test func sweepsAreListedNewestFirst() throws {
    let first = try store.beginSweep(arguments: #"{"a":1}"#, planned: 1).sweepID
    let second = try store.beginSweep(arguments: #"{"a":2}"#, planned: 2).sweepID
    #expect(try other.sweeps().map(\.id) == [second, first])
    #expect(try other.sweep(id: first).arguments == #"{"a":1}"#)
    #expect(throws: StoreError.self) { try other.sweep(id: second + 1) }
  }
}
