import Foundation
import TestSupport
import Testing

/// Every refused command: one line on stderr, a non-zero exit, and the database unchanged.
@Suite struct ErrorPathTests {
  let cli = TrainplanRunner()

  static let refused: [[String]] = [
    [
      "model", "add", "bad", "--vocab-size", "50257", "--context-length", "1024", "--layers", "48",
      "--d-model", "1600", "--heads", "7",
    ],
    [
      "model", "add", "bad", "--vocab-size", "-5", "--context-length", "1024", "--layers", "48",
      "--d-model", "1600", "--heads", "25",
    ],
    [
      "model", "add", "bad", "--vocab-size", "1e300", "--context-length", "1024", "--layers", "48",
      "--d-model", "1600", "--heads", "25",
    ],
    [
      "model", "add", "bad", "--vocab-size", "50257", "--context-length", "1024", "--layers", "48",
      "--d-model", "1600", "--heads", "25", "--kv-heads", "4",
    ],
    [
      "model", "add", "", "--vocab-size", "5", "--context-length", "5", "--layers", "1",
      "--d-model", "4", "--heads", "2",
    ],
    [
      "model", "add", "seed-gpt2-xl", "--vocab-size", "5", "--context-length", "5", "--layers", "1",
      "--d-model", "4", "--heads", "2",
    ],
    ["model", "remove", "nope"],
    ["gpu", "add", "g", "--memory", "80XB", "--fp32-tflops", "5"],
    ["gpu", "add", "g", "--memory", "-1GB", "--fp32-tflops", "5"],
    ["gpu", "add", "g", "--memory", "80GiB", "--fp32-tflops", "nan"],
    ["gpu", "add", "g", "--memory", "80GiB", "--fp32-tflops", "5", "--bf16-tflops", "-1"],
    ["gpu", "add", "g", "--memory", "80GiB", "--fp32-tflops", "5", "--reserve", "90GiB"],
    ["gpu", "remove", "nope"],
    ["plan", "seed-gpt2-xl", "a100"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--mfu", "0"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--mfu", "inf"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--batch-size", "0"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--steps", "1", "--tokens", "1"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--precision", "fp8"],
    ["plan", "seed-gpt2-xl", "a100-80gb", "--zero", "4"],
    ["plan", "seed-gpt2-xl", "v100-16gb", "--precision", "bf16"],
    ["fit", "--models", "a,,b"],
    ["plans", "--since", "yesterday"],
    ["plans", "--limit", "-1"],
    ["export", "--format", "xml"],
  ]

  @Test func refusedCommandsChangeNothing() throws {
    try cli.run("plan seed-gpt2-small a100-80gb --batch-size 1")
    #expect(cli.databaseBytes()[0] != nil)
    try cli.expectRefusedChangingNothing(Self.refused)
  }

  @Test func errorsNameTheFlagAndTheRule() throws {
    let r = try cli.run(Self.refused[0])
    #expect(r.stderr == "Error: --heads 7 does not divide --d-model 1600\n")
    let unknown = try cli.run(["plan", "seed-gpt2-xl", "a100"])
    #expect(unknown.stderr.contains("did you mean 'a100-40gb', 'a100-80gb'"))
  }

  @Test func missingFolderIsAClearError() throws {
    let db = cli.folder.file("missing/plans.sqlite")
    let r = try cli.run(["plans"], db: db)
    #expect(r.status != 0)
    #expect(r.stderr.contains("does not exist"))
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("missing")))
  }

  /// A PostgreSQL URL is refused in one line that names where it came from and does not repeat
  /// it (it may hold a password); nothing is created, in the working folder or under HOME.
  @Test func serverURLIsRefusedAndCreatesNothing() throws {
    let url = "postgresql://me:hunter2@db.example:5432/plans?sslmode=require"
    var environment = cli.environment
    environment["TRAINPLAN_DB"] = url
    for (args, source) in [
      (["--db", url, "plans"], "--db"), (["plan", "seed-gpt2-xl"], "TRAINPLAN_DB"),
    ] {
      let r = try TestSupport.run(cli.binary, args, environment: environment, in: cli.folder)
      #expect(r.status == 1)
      #if Postgres
        // A build that opens servers refuses the password in the URL instead.
        #expect(r.stderr.hasPrefix("Error: \(source): the URL holds a password"), "\(r.stderr)")
      #else
        #expect(r.stderr.hasPrefix("Error: \(source) names a PostgreSQL server"), "\(r.stderr)")
      #endif
      #expect(r.stderr.split(separator: "\n").count == 1)
      #expect(!r.stderr.contains("hunter2"))
    }
    // The runner's own capture files (out-…, err-…) aside.
    let left = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path)
      .filter { !$0.hasPrefix("out-") && !$0.hasPrefix("err-") }
    #expect(left.isEmpty, "\(left)")
  }

  @Test func defaultLocationIsCreatedUnderHome() throws {
    let r = try TestSupport.run(
      cli.binary, ["gpu", "list"], environment: cli.environment, in: cli.folder)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      FileManager.default.fileExists(
        atPath: cli.folder.file(".local/share/trainplan/trainplan.sqlite")))
  }
}
