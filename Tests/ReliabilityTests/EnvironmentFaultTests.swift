import Foundation
import TestSupport
import Testing

/// The environment a command runs in, at its worst: standard streams closed, full or broken;
/// every kind of output target; odd HOME and XDG_DATA_HOME values; many processes creating
/// one database; signals during an export. No trap, no exit status of 128 or more except 141
/// for a broken standard output (and 130/143 for an export the test interrupts on purpose),
/// no stray files, and a refused command leaves the database byte-identical.
///
/// The output-target and location cases are in the files beside this one.
@Suite(.serialized, .tags(.slow)) struct EnvironmentFaultTests {
  let cli = ReliabilityRunner()

  /// Every command that reads or writes, each printing something on success.
  static let commands: [[String]] = [
    ["model", "list"], ["model", "show", "gpt2-small"], ["gpu", "list"],
    ["gpu", "show", "a100-80gb"], ["plan", "gpt2-small", "a100-80gb", "--batch-size", "1"],
    ["fit", "--models", "gpt2-small", "--gpus", "a100-80gb"], ["plans"], ["export"],
    ["sweep", "--models", "gpt2-small", "--gpus", "a100-80gb", "--batch-sizes", "1,2"],
    ["sweeps"], ["db"],
  ]

  /// (stdout, stderr) pairs that need no device node.
  static let plainFaults: [(Stream, Stream)] = [
    (.closed, .captured), (.broken, .captured), (.captured, .closed), (.captured, .broken),
    (.closed, .closed), (.broken, .broken),
  ]
  static let fullFaults: [(Stream, Stream)] = [
    (.full, .captured), (.captured, .full), (.full, .full), (.broken, .full),
  ]

  @Test func closedAndBrokenStreamsNeverTrapOrLoseData() throws {
    try runMatrix(Self.plainFaults, label: "closed/broken")
  }

  @Test(.enabled(if: DeviceNodes.available, "needs mknod (root, a file system without nodev)"))
  func fullStreamsNeverTrapOrLoseData() throws {
    try runMatrix(Self.fullFaults, label: "full")
  }

  /// `--version` alone is answered before the parser (issue 17): under every stream fault it
  /// ends as the parser's answer (`--db DB --version`) does, with the same status and stderr.
  @Test func earlyVersionAnswerFailsAsTheParsersDoes() throws {
    var faults = Self.plainFaults + [(.captured, .captured)]
    if DeviceNodes.available { faults += Self.fullFaults }
    for (out, err) in faults {
      let early = try runWithStreams(
        [cli.binary, "--version"], stdout: out, stderr: err, environment: cli.environment,
        in: cli.folder)
      let parsed = try runWithStreams(
        [cli.binary, "--db", cli.db, "--version"], stdout: out, stderr: err,
        environment: cli.environment, in: cli.folder)
      let label = "stdout \(out), stderr \(err)"
      #expect(!early.signaled && !parsed.signaled, "\(label)")
      #expect(early.status == parsed.status, "\(label): \(early.status) \(parsed.status)")
      #expect(early.stdout == parsed.stdout && early.stderr == parsed.stderr, "\(label)")
    }
  }

  /// A sweep whose progress lines all fail still ends `complete` with every plan.
  @Test func sweepWithABrokenStderrCompletes() throws {
    try cli.succeed(["db"])
    let r = try runWithStreams(
      [
        cli.binary, "--db", cli.db, "sweep", "--layers", "1:20", "--d-model", "64:1280:64",
        "--gpus", "a100-80gb", "--batch-sizes", "1,2", "--json",
      ],
      stdout: .captured, stderr: .broken, environment: cli.environment, in: cli.folder)
    #expect(r.status == 0 && !r.signaled, "\(r.status) \(r.stderr)")
    try expectSweepsComplete()
  }

  /// Runs every command under every pair of `faults`, then checks the database.
  func runMatrix(_ faults: [(Stream, Stream)], label: String) throws {
    try cli.succeed(["plan", "gpt2-small", "a100-80gb", "--batch-size", "2"])
    // A history to import: the import commits before it prints, like `plan`.
    let history = cli.folder.file("history-\(label.filter(\.isLetter)).sqlite")
    try cli.succeed(["export", "--format", "sqlite", "--output", history])
    var runs = 0
    for (out, err) in faults {
      for args in Self.commands + [["import", history]] {
        let r = try runWithStreams(
          [cli.binary, "--db", cli.db] + args, stdout: out, stderr: err,
          environment: cli.environment, in: cli.folder)
        runs += 1
        if let why = Self.streamProblem(r, args: args, stdout: out, stderr: err) {
          Issue.record("\(args) with stdout \(out), stderr \(err): \(why)")
        }
      }
    }
    try expectSweepsComplete()
    #expect(try cli.integrityCheck() == "ok")
    report("environment: \(label) streams: \(runs) runs of \(Self.commands.count + 1) commands")
  }

  /// Why a run under faulty streams is wrong, or nil.
  static func streamProblem(_ r: ProcessResult, args: [String], stdout: Stream, stderr: Stream)
    -> String?
  {
    if r.signaled { return "killed by signal \(r.status)" }
    let lines = r.stderr.split(separator: "\n").map(String.init)
    // What stderr must still say when the output fails after the data was committed.
    let saved = ["plan": "saved as plan ", "import": " was imported into "][args[0]]
    switch stdout {
    case .captured:
      if r.status != 0 { return "exit \(r.status): \(r.stderr)" }
      if r.stdout.isEmpty { return "no output" }
    case .broken:
      if r.status != 141 { return "exit \(r.status), not 141: \(r.stderr)" }
      if lines.contains(where: { $0.hasPrefix("Error:") }) { return "not quiet: \(r.stderr)" }
      if let saved, stderr == .captured && !r.stderr.contains(saved) {
        return "does not say it was saved: \(r.stderr)"
      }
    case .closed, .full:
      if r.status != 1 { return "exit \(r.status), not 1: \(r.stderr)" }
      guard stderr == .captured else { return nil }
      guard let last = lines.last, last.hasPrefix("Error: cannot write standard output") else {
        return "no `Error: cannot write standard output` line: \(r.stderr)"
      }
      if let saved, !last.contains(saved) { return "does not say it saved: \(last)" }
    }
    return nil
  }

  /// Every sweep, whatever happened to its output, finished its database work.
  func expectSweepsComplete() throws {
    let rows = try cli.query("SELECT id, status, planned, written FROM sweeps")
    #expect(!rows.isEmpty)
    for row in rows {
      #expect(row[1] == "complete" && row[2] == row[3], "sweep \(row)")
    }
  }
}
