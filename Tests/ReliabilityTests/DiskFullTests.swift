import Foundation
import TestSupport
import Testing

/// Saving plans onto a file system that fills up: a clear error, and the database stays valid
/// with every earlier plan as it was. Needs a tiny tmpfs, so root with mount rights; reported
/// as skipped elsewhere.
@Suite(
  .serialized, .tags(.slow),
  .enabled(if: Privileges.canMountTmpfs, "needs root with mount rights to mount a tiny tmpfs"))
struct DiskFullTests {
  let cli = ReliabilityRunner()
  static let full = "is full"

  /// A sweep that runs out of space midway keeps its committed chunks and the earlier plans.
  @Test func sweepFillingTheDiskKeepsEveryCommittedChunk() throws {
    let disk = try mountDisk(kibibytes: 640)
    defer { Privileges.unmount(disk) }
    let db = disk + "/plans.sqlite"
    let earlier = try saveEarlierPlans(db)
    // 1,000 plans in chunks of 100 need about 1 MB: more than the disk holds.
    let r = try cli.run(
      [
        "sweep", "--layers", "1:100", "--d-model", "64:640:64", "--gpus", "a100-80gb",
        "--batch-sizes", "1", "--chunk-size", "100",
      ], db: db)
    #expect(r.status == 1 && unacceptable(r) == nil, "\(r.status): \(r.stderr)")
    #expect(r.stderr.contains(Self.full) && r.stderr.contains(db), "\(r.stderr)")
    try expectIntact(db, earlier: earlier)
    let sweep = try #require(try cli.query("SELECT status, written FROM sweeps", db: db).first)
    let stored = try cli.integer("SELECT count(*) FROM plans WHERE sweep_id IS NOT NULL", db: db)
    #expect(String(stored) == sweep[1] && stored % 100 == 0 && stored < 1_000)
    // The row says incomplete when the disk had room for that last update (whether it has
    // depends on where the failed chunk's write stopped); otherwise it still says running
    // and names a process that has exited, which trainplan reports as incomplete.
    #expect(["incomplete", "running"].contains(sweep[0]))
    let listed = try cli.run(["sweeps", "--json"], db: db)
    #expect(
      listed.stdout.contains("\"status\" : \"incomplete\"")
        || listed.stdout.contains("\"status\": \"incomplete\""), "\(listed.stdout)")
    #expect(r.stderr.contains("marked incomplete"), "\(r.stderr)")
    // On the full disk, a single save either fits in freed log space or is refused clearly.
    let next = try cli.run(["plan", "seed-gpt2-small", "a100-80gb", "--batch-size", "1"], db: db)
    #expect(unacceptable(next) == nil && (next.status == 0 || next.stderr.contains(Self.full)))
    try expectIntact(db, earlier: earlier)
    report("disk full: sweep stopped with '\(Self.full)' after \(stored) of 1,000 plans")
  }

  /// A disk already full when trainplan opens the database (no room even for SQLite's
  /// shared-memory file) is reported as full, not as an I/O error, and nothing is lost.
  @Test func diskFullBeforeOpeningIsAClearError() throws {
    let disk = try mountDisk(kibibytes: 640)
    defer { Privileges.unmount(disk) }
    let db = disk + "/plans.sqlite"
    let earlier = try saveEarlierPlans(db)
    let filler = disk + "/filler"
    fillUp(filler)
    let before = fileBytes(db)
    for args in [["plans", "--limit", "1"], ["plan", "seed-gpt2-small", "a100-80gb"]] {
      let r = try cli.run(args, db: db)
      #expect(r.status == 1 && unacceptable(r) == nil, "\(args): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains(Self.full) && r.stderr.contains(db), "\(args): \(r.stderr)")
      #expect(fileBytes(db) == before, "\(args) changed the database")
    }
    try FileManager.default.removeItem(atPath: filler)
    try expectIntact(db, earlier: earlier)
    report("disk full: a full disk at open is reported as full; 3 earlier plans intact")
  }

  /// `print` drops write errors: output redirected onto a full disk must fail the command, not
  /// exit 0 with a truncated file.
  @Test func outputOntoAFullDiskIsAnError() throws {
    let disk = try mountDisk(kibibytes: 64)
    defer { Privileges.unmount(disk) }
    // 200 plans print about 400 KB of JSON.
    try cli.succeed(
      [
        "sweep", "--layers", "1:10", "--d-model", "64:1280:64", "--gpus", "a100-80gb",
        "--batch-sizes", "1",
      ])
    let script = #"exec "$0" --db "$1" plans --limit 0 --json > "$2""#
    let r = try TestSupport.run(
      "/bin/sh", ["-c", script, cli.binary, cli.db, disk + "/plans.json"],
      environment: cli.environment, in: cli.folder)
    #expect(r.status == 1 && unacceptable(r) == nil, "\(r.status): \(r.stderr)")
    #expect(r.stderr.contains("cannot write standard output"), "\(r.stderr)")
    report("disk full: stdout onto a full disk fails with '\(r.stderr.dropLast())'")
  }

  /// A tmpfs of `kibibytes` in the test's folder. The suite runs only where one can be
  /// mounted, so a refusal here is a failure.
  func mountDisk(kibibytes: Int) throws -> String {
    let disk = cli.folder.file("disk")
    try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: false)
    if let why = Privileges.mountTmpfs(at: disk, kibibytes: kibibytes) {
      throw Failure("cannot mount a tmpfs: \(why)")
    }
    return disk
  }

  /// Saves three plans and returns their rows as SQLite holds them.
  func saveEarlierPlans(_ db: String) throws -> [[String]] {
    for b in 1...3 {
      try cli.succeed(["plan", "seed-gpt2-small", "a100-80gb", "--batch-size", String(b)], db: db)
    }
    return try cli.query("SELECT * FROM plans ORDER BY id", db: db)
  }

  /// The database passes SQLite's integrity check and still holds `earlier` unchanged.
  func expectIntact(_ db: String, earlier: [[String]]) throws {
    #expect(try cli.integrityCheck(db: db) == "ok")
    let rows = try cli.query("SELECT * FROM plans ORDER BY id LIMIT \(earlier.count)", db: db)
    #expect(rows == earlier)
  }

  /// Writes `path` until the file system refuses.
  func fillUp(_ path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let out = FileHandle(forWritingAtPath: path) else { return }
    let block = Data(count: 4_096)
    while (try? out.write(contentsOf: block)) != nil {}
    try? out.close()
  }
}
