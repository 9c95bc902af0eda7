import Foundation
import Storage
import TestSupport
import Testing

/// `export --format sqlite` and `import` (issue 18): a history as a file that merges
/// idempotently, keeping UUIDs, origins and creation times.
@Suite struct ImportCommandTests {
  /// "theirs": the history being shared. The runner's own database is "ours".
  let cli = TrainplanRunner()
  var theirs: String { cli.folder.file("theirs.sqlite") }
  var file: String { cli.folder.file("shared.sqlite") }

  init() throws {
    for line in [
      "gpu add lab-gpu --memory 24GiB --fp32-tflops 35 --price-per-hour 1.5",
      "plan gpt2-small lab-gpu",
      "sweep --models gpt2-small,gpt2-medium --gpus a100-80gb,lab-gpu --precisions fp32,bf16",
      "plan llama-2-7b --cluster dgx-h100 --precision bf16 --num-gpus 16 --tp 2 --pp 2 --global-batch-size 64",
    ] {
      let r = try cli.run(line.split(separator: " ").map(String.init), db: theirs)
      precondition(r.status == 0, "\(line): \(r.stderr)")
    }
  }

  func run(_ line: String, db: String? = nil) throws -> ProcessResult {
    try cli.run(line.split(separator: " ").map(String.init), db: db)
  }

  func export(_ extra: String = "") throws {
    let r = try run("export --format sqlite --output \(file) \(extra)", db: theirs)
    #expect(r.status == 0, "\(r.stderr)")
  }

  /// `export --format csv` without the columns that are local ids.
  func plansCSV(_ db: String? = nil) throws -> [[String]] {
    let rows = try CSVReader.parse(try run("export --format csv", db: db).stdout)
    let local = Set(["id", "sweep_id"].compactMap { rows[0].firstIndex(of: $0) })
    return rows.map { $0.enumerated().filter { !local.contains($0.offset) }.map(\.element) }
  }

  /// What a second import must not change: every listing, as JSON.
  func dump(_ db: String? = nil) throws -> [String] {
    try [
      "plans --json --limit 0", "sweeps --json", "model list --json", "gpu list --json",
      "cluster list --json",
    ].map { try run($0, db: db).stdout }
  }

  @Test func theExportIsOneFileWithARollbackJournal() throws {
    try export()
    let bytes = try #require(fileBytes(file))
    // The header's write and read versions: 1 is the rollback journal, 2 WAL.
    #expect(bytes[18] == 1 && bytes[19] == 1)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path)
      .filter { $0.hasPrefix("shared.sqlite") }
    #expect(leftovers == ["shared.sqlite"])
    // Only what the plans use: their models, GPUs, cluster (and its GPU) and sweep.
    let models = try #require(
      try cli.json(["--read-only", "--db", file, "model", "list", "--json"]) as? [[String: Any]])
    #expect(
      Set(models.compactMap { $0["name"] as? String }) == [
        "gpt2-small", "gpt2-medium", "llama-2-7b",
      ])
    let gpus = try #require(
      try cli.json(["--read-only", "--db", file, "gpu", "list", "--json"]) as? [[String: Any]])
    #expect(Set(gpus.compactMap { $0["name"] as? String }) == ["lab-gpu", "a100-80gb", "h100-sxm"])
  }

  @Test func aRoundTripIntoAFreshDatabaseEqualsTheSource() throws {
    try export()
    let r = try run("import \(file)")
    #expect(r.status == 0, "\(r.stderr)")
    // Plans byte-identical in CSV apart from the local ids: UUIDs, origins and creation
    // times included.
    #expect(try plansCSV() == plansCSV(theirs))
    let ours = try #require(try cli.json("gpu show lab-gpu --json") as? [String: Any])
    let source = try #require(
      try cli.json(["--db", theirs, "gpu", "show", "lab-gpu", "--json"]) as? [String: Any])
    for key in ["uuid", "origin", "created_at", "price_per_hour"] {
      #expect(String(describing: ours[key]) == String(describing: source[key]), "\(key)")
    }
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    let sourceSweeps = try #require(
      try cli.json(["--db", theirs, "sweeps", "--json"]) as? [[String: Any]])
    #expect(sweeps.first?["uuid"] as? String == sourceSweeps.first?["uuid"] as? String)
  }

  @Test func importingTwiceChangesNothing() throws {
    try export()
    #expect(try run("import \(file)").status == 0)
    let before = try dump()
    let again = try #require(try cli.json("import \(file) --json") as? [String: Any])
    #expect(value(again, "plans.added") as? Int == 0)
    #expect(value(again, "plans.skipped") as? Int == 8)
    #expect(value(again, "sweeps.added") as? Int == 0)
    #expect(try dump() == before)
  }

  @Test func aSweepGetsANewIdBesideALocalOne() throws {
    #expect(try run("sweep --models gpt2-small --gpus t4").status == 0)
    try export("--sweep 1")
    #expect(try run("import \(file)").status == 0)
    let sweeps = try #require(try cli.json("sweeps --json") as? [[String: Any]])
    #expect(sweeps.compactMap { $0["sweep_id"] as? Int } == [2, 1])
    let imported = try #require(
      try cli.json("plans --sweep 2 --json --limit 0") as? [[String: Any]])
    let source = try #require(
      try cli.json(["--db", theirs, "plans", "--sweep", "1", "--json", "--limit", "0"])
        as? [[String: Any]])
    #expect(imported.count == source.count && !imported.isEmpty)
    #expect(
      Set(imported.compactMap { $0["uuid"] as? String })
        == Set(source.compactMap { $0["uuid"] as? String }))
    let local = try #require(try cli.json("plans --sweep 1 --json --limit 0") as? [[String: Any]])
    #expect(local.allSatisfy { $0["gpu_name"] as? String == "t4" })
  }

  @Test func aNameWithOtherFiguresKeepsOursUnlessTheirsIsPreferred() throws {
    #expect(try run("gpu set a100-80gb --price-per-hour 9", db: theirs).status == 0)
    try export()
    let ours = try run("gpu show a100-80gb --json").stdout
    let kept = try #require(try cli.json("import \(file) --json") as? [String: Any])
    #expect(value(kept, "gpus.kept") as? [String] == ["a100-80gb"])
    #expect(try run("gpu show a100-80gb --json").stdout == ours)
    let text = try run("import \(file)")
    #expect(text.stdout.contains("kept ours (other figures): a100-80gb"), "\(text.stdout)")
    let replaced = try #require(
      try cli.json("import \(file) --prefer theirs --json") as? [String: Any])
    #expect(value(replaced, "gpus.replaced") as? [String] == ["a100-80gb"])
    let theirsGPU = try #require(
      try cli.json(["--db", theirs, "gpu", "show", "a100-80gb", "--json"]) as? [String: Any])
    let now = try #require(try cli.json("gpu show a100-80gb --json") as? [String: Any])
    #expect(now["price_per_hour"] as? Double == 9)
    #expect(now["uuid"] as? String == theirsGPU["uuid"] as? String)
    // Presets of the same name and figures are the same record, whatever their UUIDs.
    #expect(value(kept, "models.kept") as? [String] == [])
    #expect(value(kept, "models.added") as? Int == 0)
  }

  @Test func plansAndExportFilterByOrigin() throws {
    let origin = try #require(
      (try cli.json(["--db", theirs, "plans", "--json", "--limit", "1"]) as? [[String: Any]])?
        .first?["origin"] as? String)
    #expect(origin.contains("@"))
    let all = try #require(
      try cli.json(["--db", theirs, "plans", "--json", "--limit", "0", "--origin", origin])
        as? [Any])
    #expect(all.count == 8)
    let none = try #require(
      try cli.json(["--db", theirs, "plans", "--json", "--origin", "someone@elsewhere"]) as? [Any])
    #expect(none.isEmpty)
    try export("--origin someone@elsewhere")
    #expect(try run("import \(file)").status == 0)
    #expect(try run("plans --json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
  }

  @Test func badFilesAreRefusedInOneLineChangingNothing() throws {
    #expect(try run("plans").status == 0)
    let noise = cli.folder.file("noise.bin")
    try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(
      to: URL(fileURLWithPath: noise))
    let damaged = cli.folder.file("damaged.json")
    try Data("[{\"id\": 1,".utf8).write(to: URL(fileURLWithPath: damaged))
    let newer = cli.folder.file("newer.sqlite")
    #expect(try run("plans", db: newer).status == 0)
    let db = try Database(path: newer)
    try db.execute(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 'now')"
    )
    let foreign = cli.folder.file("foreign.sqlite")
    try Database(path: foreign).execute("CREATE TABLE t (x)")
    try cli.expectRefusedChangingNothing([
      ["import", noise], ["import", damaged], ["import", newer], ["import", foreign],
      ["import", cli.folder.file("missing.sqlite")], ["import", cli.db],
      ["import", cli.folder.path],
      ["export", "--format", "sqlite"], ["export", "--format", "sqlite", "--output", "/dev/null"],
      ["export", "--format", "sqlite", "--output", cli.db],
    ])
  }
}
