import Foundation
import TestSupport
import Testing

/// A database this user cannot write (a published snapshot on a share, a 0444 file, a folder
/// or file system mounted read-only), or one opened with `--read-only`: every query answers
/// exactly as on the writable file, every writing command is refused in one line, and the
/// folder keeps its bytes and its names (no -wal, -shm or journal appears).
@Suite struct ReadOnlyDatabaseTests {
  let cli = ReliabilityRunner()

  /// Queries, with output files written outside the database's folder.
  var queries: [[String]] {
    [
      ["plans", "--limit", "5"], ["plans", "--json"], ["fit"], ["fit", "--sweep", "1"],
      ["export", "--format", "csv"], ["export", "--format", "json", "--sweep", "1"],
      ["model", "list"], ["gpu", "show", "a100-80gb"], ["cluster", "list"], ["sweeps"],
      ["report", "--output", cli.folder.file("out/report-\(UUID().uuidString).html")],
    ]
  }

  /// Commands that write: each must be refused.
  static let writes = [
    ["plan", "seed-gpt2-small", "a100-80gb", "--batch-size", "1"],
    [
      "model", "add", "tiny", "--layers", "2", "--d-model", "64", "--heads", "1", "--vocab-size",
      "100", "--context-length", "64",
    ],
    ["model", "remove", "gpt2-small"], ["gpu", "set", "a100-80gb", "--price-per-hour", "1"],
    ["sweep", "--layers", "1:2", "--d-model", "64", "--gpus", "a100-80gb"],
  ]

  static let permissionHints = ["is read-only", "check the file's and folder's permissions"]
  static let flagHints = ["was opened with --read-only", "without --read-only"]

  @Test(
    .enabled(
      if: Privileges.unprivileged != nil, "as root, needs setpriv to run trainplan as nobody"))
  func readOnlyFile() throws {
    let db = try placeHistory(folderMode: 0o777)
    chmod(db, 0o444)
    try expectReadOnly(
      db, prefix: try #require(Privileges.unprivileged), hints: Self.permissionHints)
  }

  @Test(
    .enabled(
      if: Privileges.unprivileged != nil, "as root, needs setpriv to run trainplan as nobody"))
  func readOnlyFolder() throws {
    let db = try placeHistory()
    chmod(db, 0o666)
    chmod(folder(of: db), 0o555)
    defer { chmod(folder(of: db), 0o755) }
    try expectReadOnly(
      db, prefix: try #require(Privileges.unprivileged), hints: Self.permissionHints)
  }

  /// Root writes anywhere except on a read-only file system: a read-only bind mount.
  @Test(
    .enabled(
      if: Privileges.canMountReadOnly, "needs root with mount rights (a read-only bind mount)"))
  func readOnlyFileSystem() throws {
    let db = try placeHistory()
    let mountPoint = folder(of: db)
    if let why = Privileges.mount(["--bind", mountPoint, mountPoint]) {
      throw Failure("cannot bind-mount the database's folder: \(why)")
    }
    defer { Privileges.unmount(mountPoint) }
    if let why = Privileges.mount(["-o", "remount,bind,ro", mountPoint]) {
      throw Failure("cannot remount the database's folder read-only: \(why)")
    }
    try expectReadOnly(db, hints: Self.permissionHints)
  }

  /// `--read-only` on a database this user could write: the same answers, writes refused
  /// with the flag named, the database's bytes unchanged.
  @Test func readOnlyFlag() throws {
    let db = try placeHistory()
    try expectReadOnly(db, flags: ["--read-only"], hints: Self.flagHints, sameFolder: false)
  }

  /// A read-only open of a missing file creates neither it nor its folder.
  @Test func readOnlyFlagOnAMissingFile() throws {
    let db = cli.folder.file("nothing/here.sqlite")
    let r = try cli.run(["--read-only", "plans"], db: db)
    #expect(r.status == 1 && unacceptable(r) == nil, "\(r.status) \(r.stderr)")
    #expect(r.stderr.contains(db) && r.stderr.contains("a read-only open creates none"))
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("nothing")))
  }

  /// Runs every query on `db` and on a writable copy and compares; then every write, which
  /// must be refused; the folder (or, when `sameFolder` is false, the database file) must
  /// not change.
  func expectReadOnly(
    _ db: String, prefix: [String] = [], flags: [String] = [], hints: [String],
    sameFolder: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let reference = try writableCopy(of: db)
    let before = folderSnapshot(folder(of: db))
    let databaseBefore = fileBytes(db)
    for args in queries {
      let expected = try trainplan(args, db: reference)
      let r = try trainplan(args, db: db, prefix: prefix, flags: flags)
      #expect(r.status == 0, "\(args): \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
      if args.first != "report" {
        #expect(
          r.stdout == expected.stdout, "\(args) answers differently", sourceLocation: sourceLocation
        )
      }
    }
    for args in Self.writes {
      let r = try trainplan(args, db: db, prefix: prefix, flags: flags)
      #expect(
        r.status == 1 && unacceptable(r) == nil, "\(args): \(r.status) \(r.stderr)",
        sourceLocation: sourceLocation)
      for text in [db] + hints {
        #expect(
          r.stderr.contains(text), "\(args): no '\(text)' in \(r.stderr)",
          sourceLocation: sourceLocation)
      }
    }
    if sameFolder {
      #expect(
        folderSnapshot(folder(of: db)) == before, "the folder changed",
        sourceLocation: sourceLocation)
    }
    #expect(fileBytes(db) == databaseBefore, "the database changed", sourceLocation: sourceLocation)
  }

  func trainplan(
    _ args: [String], db: String, prefix: [String] = [], flags: [String] = []
  ) throws -> ProcessResult {
    let argv = prefix + [cli.binary, "--db", db] + flags + args
    return try TestSupport.run(
      argv[0], Array(argv.dropFirst()), environment: cli.environment, in: cli.folder)
  }

  /// A history with saved plans and a sweep, closed (so checkpointed), alone in a folder.
  func placeHistory(folderMode: mode_t = 0o755) throws -> String {
    let folder = cli.folder.file("case-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    try FileManager.default.createDirectory(
      atPath: cli.folder.file("out"), withIntermediateDirectories: true)
    // Processes running as nobody must reach it and write reports beside it.
    for path in [cli.folder.path, cli.folder.file("out")] { chmod(path, 0o777) }
    let db = folder + "/plans.sqlite"
    try cli.succeed(
      ["sweep", "--layers", "1:4", "--d-model", "64:256:64", "--gpus", "a100-80gb"], db: db)
    try cli.succeed(["plan", "seed-gpt2-small", "a100-80gb", "--batch-size", "2"], db: db)
    chmod(folder, folderMode)
    chmod(db, 0o644)
    #expect(fileBytes(db + "-wal") == nil)
    return db
  }

  /// A copy in a writable folder of its own: the answers a read-only open must give.
  func writableCopy(of db: String) throws -> String {
    let copy = cli.folder.file("reference-\(UUID().uuidString).sqlite")
    try FileManager.default.copyItem(atPath: db, toPath: copy)
    chmod(copy, 0o644)
    return copy
  }

  func folder(of path: String) -> String { (path as NSString).deletingLastPathComponent }
}
