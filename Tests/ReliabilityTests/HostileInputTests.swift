import Foundation
import TestSupport
import Testing

/// Every generated hostile command line ends in a clean refusal or a correct result, never a
/// crash or a trap, and a refused command leaves the database byte for byte as it was.
@Suite(.serialized, .tags(.slow)) struct HostileInputTests {
  let cli = ReliabilityRunner()
  /// Two lanes, each with its own database, so a refusal's "nothing changed" is exact.
  static let lanes = 2

  @Test func everyHostileInvocationEndsCleanly() throws {
    let configs = cli.folder.file("configs")
    try FileManager.default.createDirectory(atPath: configs, withIntermediateDirectories: false)
    let corpus = HostileCorpus.all(
      config: try HostileConfigs.writeValid(into: configs),
      broken: try HostileConfigs.write(into: configs))
    #expect(corpus.count >= 1_000)
    let failures = Collector<String>()
    let outcomes = Collector<Int32>()
    let started = Date()
    DispatchQueue.concurrentPerform(iterations: Self.lanes) { lane in
      let mine = corpus.indices.filter { $0 % Self.lanes == lane }.map { corpus[$0] }
      runLane(mine, lane: lane, failures: failures, outcomes: outcomes)
    }
    for failure in failures.all { Issue.record("\(failure)") }
    let codes = outcomes.all
    report(
      "hostile input: \(corpus.count) invocations in \(Int(Date().timeIntervalSince(started))) s: \(codes.filter { $0 == 0 }.count) accepted, \(codes.filter { $0 == 1 }.count) refused (exit 1), \(codes.filter { $0 == 64 }.count) usage errors (exit 64), \(failures.all.count) failures"
    )
  }

  /// Runs `invocations` in order against the lane's own database, checking each.
  func runLane(
    _ invocations: [Invocation], lane: Int, failures: Collector<String>, outcomes: Collector<Int32>
  ) {
    let folder = cli.folder.file("lane\(lane)")
    let db = folder + "/plans.sqlite"
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
      // Create and seed the database; the process closing checkpoints it, so its bytes are
      // settled before the first comparison.
      try cli.succeed(["gpu", "list"], db: db)
    } catch {
      return failures.append("lane \(lane): \(error)")
    }
    var before = folderSnapshot(folder)
    for invocation in invocations {
      guard let r = try? run(invocation, db: db) else {
        failures.append("\(invocation): could not start")
        continue
      }
      outcomes.append(r.signaled ? -1 : r.status)
      if let why = unacceptable(r) { failures.append("\(invocation): \(why)") }
      let after = folderSnapshot(folder)
      if r.status != 0 && after != before {
        failures.append("\(invocation): refused, but changed the database folder")
      }
      before = after
    }
  }

  /// A name with a line break used to cut the one-line error short ("no model named 'a").
  @Test func controlCharactersInNamesAreEscapedNotCut() throws {
    let r = try cli.run(["plan", "a\nb\u{1B}[0m", "a100-80gb"])
    #expect(r.status == 1 && unacceptable(r) == nil)
    #expect(r.stderr.hasPrefix(#"Error: no model named 'a\nb\u{1B}[0m'"#), "\(r.stderr)")
  }

  /// `model import FOLDER` used to print Foundation's NSError dump instead of a sentence.
  @Test func importingAFolderSaysSo() throws {
    let r = try cli.run(["model", "import", cli.folder.path])
    #expect(r.status == 1 && unacceptable(r) == nil)
    #expect(r.stderr.contains("is a folder; name the config.json file inside it"), "\(r.stderr)")
  }

  /// `--memory 1.5` used to be taken as 2 bytes.
  @Test func fractionsOfAByteAreRefused() throws {
    for flag in ["--memory", "--reserve"] {
      let args = HostileCorpus.with(
        ["gpu", "add", "g", "--memory", "80GiB", "--fp32-tflops", "1"], flag, "1.5")
      let r = try cli.run(args)
      #expect(r.status == 64 && r.stderr.contains("whole number"), "\(flag): \(r.stderr)")
    }
  }

  func run(_ invocation: Invocation, db: String) throws -> ProcessResult {
    guard let script = invocation.script else { return try cli.run(invocation.args, db: db) }
    return try TestSupport.run(
      "/bin/sh", ["-c", script, cli.binary, db], environment: cli.environment, in: cli.folder)
  }

  // Regressions of defects L1 and L4 (see RELIABILITY.md).

  /// L1: `sweep` builds every generated shape before counting them, so an absurd grid runs out
  /// of memory (here, under a 600 MB limit) instead of being refused.
  @Test func absurdShapeGridIsRefusedUpFront() throws {
    let script = #"ulimit -v 600000; db="$1"; shift; exec "$0" --db "$db" "$@""#
    let args = ["sweep", "--layers", "1:1000000", "--d-model", "64:64000000:64", "--dry-run"]
    let p = try Subprocess(
      "/bin/sh", ["-c", script, cli.binary, cli.db] + args, environment: cli.environment,
      in: cli.folder)
    let r = waitBounded(p, seconds: 60)
    let outcome = r.map { "exit \($0.status): \($0.stderr.prefix(200))" } ?? "no end in 60 s"
    #expect(r.map(unacceptable) == .some(nil), "\(outcome)")
    #expect(r?.status == 1 && r?.stderr.contains("shapes, more than") == true, "\(outcome)")
  }

  /// L4: `start:end:step` computes `end - start` unchecked, which traps when the range spans
  /// more than the 64-bit range.
  @Test func rangeSpanningTheIntegerLimitsIsRefused() throws {
    let r = try cli.run([
      "sweep", "--layers=-9223372036854775808:9223372036854775807", "--d-model", "128", "--dry-run",
    ])
    #expect(unacceptable(r) == nil)
    #expect(r.status == 1 && r.stderr.contains("more than 1,000,000 values"), "\(r.stderr)")
  }
}

/// Waits up to `seconds` for `process`, then kills it and returns nil.
func waitBounded(_ process: Subprocess, seconds: Double) -> ProcessResult? {
  let deadline = Date().addingTimeInterval(seconds)
  while process.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
  if process.process.isRunning {
    process.kill()
    _ = process.wait()
    return nil
  }
  return process.wait()
}
