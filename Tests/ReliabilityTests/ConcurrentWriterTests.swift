import Foundation
import TestSupport
import Testing

/// Many `trainplan plan` processes saving into one database at once, as users' shells and
/// scripts do, while `export` reads it.
@Suite(.serialized, .tags(.slow)) struct ConcurrentWriterTests {
  let cli = ReliabilityRunner()
  static let workers = 16
  static let savesPerWorker = 100

  /// One worker: a shell loop of sequential saves that stops at the first failure.
  static let loop =
    #"for i in $(seq \#(savesPerWorker)); do "$0" --db "$1" plan seed-gpt2-small a100-80gb --batch-size 1 >/dev/null || exit 1; done"#

  @Test func sixteenWritersLoseNothingAndExportsAreSnapshots() throws {
    // Create, migrate and seed first, so the count before is known.
    try cli.succeed(["gpu", "list"])
    let before = try planCount()
    let started = Date()
    let workers = try (0..<Self.workers).map { _ in
      try Subprocess(
        "/bin/sh", ["-c", Self.loop, cli.binary, cli.db], environment: cli.environment,
        in: cli.folder)
    }
    let exports = try exportWhileRunning(workers)
    for (i, r) in workers.map({ $0.wait() }).enumerated() {
      #expect(r.status == 0 && !r.signaled, "worker \(i) exited \(r.status): \(r.stderr)")
      #expect(r.stderr.isEmpty, "worker \(i): \(r.stderr)")
    }
    let seconds = Date().timeIntervalSince(started)
    let added = try planCount() - before
    #expect(added == Self.workers * Self.savesPerWorker)
    #expect(try cli.integrityCheck() == "ok")
    report(
      "concurrency: \(Self.workers) processes x \(Self.savesPerWorker) saves = \(added) new plans in \(Int(seconds)) s; \(exports.during) of \(exports.total) CSV exports ran during the writes"
    )
  }

  /// Exports every few seconds while any worker runs, and at least three times in all.
  func exportWhileRunning(_ workers: [Subprocess]) throws -> (total: Int, during: Int) {
    var (total, during) = (0, 0)
    while total < 3 || workers.contains(where: { $0.process.isRunning }) {
      let running = workers.contains { $0.process.isRunning }
      try checkExport()
      total += 1
      if running { during += 1 } else { continue }
      // Leave the CPU to the writers between exports; the wait only spaces them out.
      Thread.sleep(forTimeInterval: 2)
    }
    return (total, during)
  }

  /// One export must be a snapshot: whole rows, unique ids, as many as at some moment
  /// between the counts taken just before and just after it.
  func checkExport() throws {
    let low = try planCount()
    let r = try cli.run(["export", "--format", "csv"])
    let high = try planCount()
    #expect(r.status == 0 && !r.signaled, "export exited \(r.status): \(r.stderr)")
    let records = try CSVReader.parse(r.stdout)
    let header = try #require(records.first)
    let idColumn = try #require(header.firstIndex(of: "id"))
    let rows = records.dropFirst()
    #expect(rows.allSatisfy { $0.count == header.count }, "a row is not complete")
    let ids = rows.compactMap { Int($0[idColumn]) }
    #expect(ids.count == rows.count && Set(ids).count == ids.count, "ids are not unique integers")
    #expect((low...high).contains(rows.count), "\(rows.count) rows, not within \(low)...\(high)")
  }

  func planCount() throws -> Int { try cli.integer("SELECT count(*) FROM plans") }
}
