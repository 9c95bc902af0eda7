import Foundation
import TestSupport
import Testing

/// Files trainplan cannot or must not use: each is refused with one line naming the file and
/// what to do, and neither it nor its folder changes (no repair, no -wal, no replacement).
@Suite(.tags(.slow)) struct DamagedDatabaseTests {
  let cli = ReliabilityRunner()

  /// A read and a write: both must refuse.
  static let commands = [
    ["plans", "--limit", "1"], ["plan", "seed-gpt2-small", "a100-80gb", "--batch-size", "1"],
  ]
  static let damaged = ["is not an SQLite database or is damaged", "move it aside"]

  @Test func randomBytes() throws {
    var random = SeededGenerator()
    let bytes = Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) })
    try expectRefused(try place(bytes), hints: Self.damaged)
  }

  @Test func firstPageOfARealDatabase() throws {
    try expectRefused(try place(try realDatabase().prefix(4_096)), hints: Self.damaged)
  }

  @Test func realDatabaseCutInTheMiddle() throws {
    let whole = try realDatabase()
    try expectRefused(try place(whole.prefix(whole.count / 2)), hints: Self.damaged)
  }

  @Test func databaseOfANewerTrainplan() throws {
    let db = try place(try realDatabase())
    _ = try cli.query(
      "INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'x', '2030-01-01')", db: db)
    try expectRefused(db, hints: ["newer trainplan", "upgrade trainplan"])
  }

  @Test func missingFolder() throws {
    try expectRefused(
      cli.folder.file("missing/plans.sqlite"), hints: ["does not exist", "create it first"])
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("missing")))
  }

  @Test func folderInsteadOfAFile() throws {
    // An empty database file placed, then swapped for a folder of the same name.
    let path = try place(Data())
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    try expectRefused(path, hints: ["it is a folder", "name a database file"])
  }

  /// Runs each command on `db` (as `prefix` says) and checks the refusal and the folder.
  func expectRefused(
    _ db: String, hints: [String], prefix: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = folderSnapshot(folder(of: db))
    for args in Self.commands {
      let argv = prefix + [cli.binary, "--db", db] + args
      let r = try TestSupport.run(
        argv[0], Array(argv.dropFirst()), environment: cli.environment, in: cli.folder)
      #expect(
        r.status == 1 && unacceptable(r) == nil, "\(args): \(r.status) \(r.stderr)",
        sourceLocation: sourceLocation)
      for text in [db] + hints {
        #expect(
          r.stderr.contains(text), "\(args): no '\(text)' in \(r.stderr)",
          sourceLocation: sourceLocation)
      }
      #expect(
        folderSnapshot(folder(of: db)) == before, "\(args) changed the folder",
        sourceLocation: sourceLocation)
    }
  }

  /// A database trainplan made, with a few hundred plans, closed (so checkpointed).
  func realDatabase() throws -> Data {
    let path = cli.folder.file("real.sqlite")
    if let bytes = fileBytes(path) { return bytes }
    try cli.succeed(
      [
        "sweep", "--layers", "1:20", "--d-model", "64:640:64", "--gpus", "a100-80gb",
        "--batch-sizes", "1,2",
      ], db: path)
    #expect(fileBytes(path + "-wal") == nil)
    return try #require(fileBytes(path))
  }

  /// Writes `bytes` as `plans.sqlite` in a folder of its own, which is what is compared.
  func place(_ bytes: Data, folderMode: mode_t = 0o755) throws -> String {
    let folder = cli.folder.file("case-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    chmod(folder, folderMode)
    // Processes running as nobody must reach it.
    chmod(cli.folder.path, 0o755)
    let db = folder + "/plans.sqlite"
    try bytes.write(to: URL(fileURLWithPath: db))
    return db
  }

  func folder(of path: String) -> String { (path as NSString).deletingLastPathComponent }
}
