import Foundation
import TestSupport
import Testing

/// A long sweep killed without warning (SIGKILL: power loss, OOM killer) or interrupted
/// (Ctrl-C) keeps every committed chunk whole and none of the open one, and the database needs
/// no repair.
@Suite(.serialized, .tags(.slow)) struct CrashSafetyTests {
  let cli = ReliabilityRunner()
  static let chunk = 5_000
  static let planned = 200_000
  // 100 layer counts × 100 widths × 2 GPUs × 5 micro-batches × 2 precisions = 200,000 plans.
  static let sweep = [
    "sweep", "--layers", "1:100", "--d-model", "64:6400:64", "--heads-dim", "64",
    "--gpus", "a100-80gb,h100-sxm", "--batch-sizes", "1,2,4,8,16", "--precisions", "fp32,bf16",
    "--chunk-size", String(chunk), "--json",
  ]
  static let kills = 10

  @Test func theSweepPlansTwoHundredThousand() throws {
    let r = try cli.json(Self.sweep + ["--dry-run"])
    #expect(int(r, "planned") == Self.planned)
  }

  @Test func tenKillsLoseNoCommittedChunk() throws {
    var random = SeededGenerator()
    report("crash: RELIABILITY_SEED=\(random.seed)")
    var stored: [Int] = []
    for kill in 1...Self.kills {
      // Anywhere from the first open (the first run creates the database) to deep in the
      // sweep; a whole sweep takes about 10 s in a debug build.
      let delay = Double.random(in: 0.05...4, using: &random)
      let sweep = try cli.start(Self.sweep)
      Thread.sleep(forTimeInterval: delay)
      sweep.kill()
      let r = sweep.wait()
      #expect(r.signaled || r.status == 0, "kill \(kill): exited \(r.status): \(r.stderr)")
      let kept = try checkAfterCrash(kill)
      stored.append(kept)
      report("crash: kill \(kill) after \(String(format: "%.2f", delay)) s kept \(kept) plans")
      try checkNextCommandsWork(kill)
    }
    let total = stored.reduce(0, +)
    report("crash: \(Self.kills) kills; \(total) plans in committed chunks survived, all whole")
  }

  @Test func interruptMarksTheSweepIncompleteAndKeepsWhatItSays() throws {
    let sweep = try cli.start(Self.sweep)
    // Interrupt once a chunk is committed, so there is something to keep.
    let deadline = Date().addingTimeInterval(120)
    while try writtenSoFar() < Self.chunk && sweep.process.isRunning && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.1)
    }
    kill(sweep.process.processIdentifier, SIGINT)
    let r = sweep.wait()
    #expect(r.status == 130 && !r.signaled, "exited \(r.status): \(r.stderr)")
    let sweeps = try #require(try cli.json(["sweeps", "--json"]) as? [[String: Any]])
    let record = try #require(sweeps.first)
    let id = try #require(int(record, "id"))
    let written = try #require(int(record, "written"))
    #expect(record["status"] as? String == "incomplete")
    #expect(try cli.integer("SELECT count(*) FROM plans WHERE sweep_id = \(id)") == written)
    #expect(written % Self.chunk == 0 && written < Self.planned)
    report("crash: SIGINT after \(written) plans: exit \(r.status), sweep marked incomplete")
  }

  /// The checks after one kill; returns the plans the killed sweep kept.
  func checkAfterCrash(_ kill: Int) throws -> Int {
    // A kill before the first run created the file leaves nothing to check.
    guard FileManager.default.fileExists(atPath: cli.db) else { return 0 }
    #expect(try cli.integrityCheck() == "ok", "kill \(kill)")
    // A kill during the very first run can land before the migrations made the sweeps table.
    let tables = "SELECT count(*) FROM sqlite_master WHERE name = 'sweeps'"
    guard try cli.integer(tables) == 1 else { return 0 }
    let sweeps = try cli.query(
      "SELECT id, planned, written, (SELECT count(*) FROM plans WHERE sweep_id = sweeps.id) FROM sweeps ORDER BY id"
    ).map { $0.compactMap { Int($0) } }
    for s in sweeps where s.count == 4 {
      let (planned, written, count) = (s[1], s[2], s[3])
      #expect(count == written, "kill \(kill): sweep \(s[0]) stores \(count), says \(written)")
      #expect(count % Self.chunk == 0 || count == planned, "kill \(kill): sweep \(s[0]): \(count)")
    }
    try checkNoPartialChunk(kill)
    try checkKilledSweepsReadIncomplete(kill)
    // The last big sweep is the one just killed (the small ones plan 2).
    return sweeps.last { $0.count == 4 && $0[1] == Self.planned }?[3] ?? 0
  }

  /// A sweep whose process is gone is not left `running`: `sweeps` reads it as incomplete
  /// unless it finished before the kill.
  func checkKilledSweepsReadIncomplete(_ kill: Int) throws {
    guard let listed = try cli.json(["sweeps", "--json"]) as? [[String: Any]] else {
      Issue.record("kill \(kill): sweeps --json is not an array")
      return
    }
    for s in listed {
      let status = s["status"] as? String
      #expect(status == "incomplete" || status == "complete", "kill \(kill): \(s)")
    }
  }

  /// Each chunk is one transaction stamped with one time: every big sweep's rows group by
  /// timestamp into whole chunks.
  func checkNoPartialChunk(_ kill: Int) throws {
    let groups = try cli.query(
      "SELECT sweep_id, created_at, count(*) FROM plans WHERE sweep_id IN (SELECT id FROM sweeps WHERE planned = \(Self.planned)) GROUP BY sweep_id, created_at"
    )
    for g in groups {
      #expect(Int(g[2]).map { $0 % Self.chunk == 0 } == true, "kill \(kill): partial chunk \(g)")
    }
  }

  /// The database works as it is: a read and a new sweep, without any repair.
  func checkNextCommandsWork(_ kill: Int) throws {
    let plans = try cli.run(["plans", "--limit", "1"])
    #expect(plans.status == 0, "kill \(kill): plans: \(plans.stderr)")
    let small = try cli.json([
      "sweep", "--models", "seed-gpt2-small", "--gpus", "a100-80gb", "--batch-sizes", "1,2",
      "--json",
    ])
    #expect(int(small, "written") == 2 && value(small, "status") as? String == "complete")
  }

  func writtenSoFar() throws -> Int {
    guard FileManager.default.fileExists(atPath: cli.db) else { return 0 }
    return (try? cli.integer("SELECT coalesce(max(written), 0) FROM sweeps")) ?? 0
  }
}
