import Foundation
import TestSupport
import Testing

/// `export --output` onto every kind of target: names of every shape, links, kept modes,
/// devices, FIFOs, the database's own files, and signals midway.
extension EnvironmentFaultTests {
  /// A database with three plans, and the CSV an export of it prints.
  func exportedHistory() throws -> Data {
    for b in 1...3 {
      try cli.succeed(["plan", "gpt2-small", "a100-80gb", "--batch-size", String(b)])
    }
    return Data(try cli.succeed(["export"]).stdout.utf8)
  }

  /// `export --output NAME` run inside `folder`; fails the test unless it exits `status`.
  @discardableResult
  func export(
    to name: String, in folder: String? = nil, status: Int32 = 0,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let argv = [cli.binary, "--db", cli.db, "export", "--output", name]
    let r = try runWithStreams(
      inFolder(folder ?? cli.folder.path, argv), stdout: .captured, stderr: .captured,
      environment: cli.environment, in: cli.folder)
    #expect(
      !r.signaled && r.status == status, "\(name): \(r.status) \(r.stderr)",
      sourceLocation: sourceLocation)
    if status == 1 {
      #expect(unacceptable(r) == nil, "\(name): \(r.stderr)", sourceLocation: sourceLocation)
    }
    return r
  }

  /// No temporary file is left in `folder`.
  func expectNoTemporaryFiles(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    #expect(
      names.filter { $0.contains(".partial-") }.isEmpty, "\(names)",
      sourceLocation: sourceLocation)
  }

  @Test func everyNameAUserCanTypeWorks() throws {
    let expected = try exportedHistory()
    try FileManager.default.createDirectory(
      atPath: cli.folder.file("sub dir"), withIntermediateDirectories: false)
    let names = [
      ("x", "x"), ("./y", "y"), ("name with spaces.csv", "name with spaces.csv"),
      ("sub dir/z", "sub dir/z"), ("sub dir/../w", "w"), (cli.folder.file("abs.csv"), "abs.csv"),
    ]
    for (typed, stored) in names {
      try export(to: typed)
      #expect(fileBytes(cli.folder.file(stored)) == expected, "\(typed)")
    }
    #expect(Data(try export(to: "-").stdout.utf8) == expected)
    expectNoTemporaryFiles(cli.folder.path)
    report("environment: output names x, ./y, spaces, relative, absolute and - all exported")
  }

  @Test func symbolicLinksHaveTheirTargetReplaced() throws {
    let expected = try exportedHistory()
    let other = cli.folder.file("other")
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
    // A link to a file, a dangling link into another folder, and a name inside a linked folder.
    try Data("old\n".utf8).write(to: URL(fileURLWithPath: other + "/target.csv"))
    symlink("other/target.csv", cli.folder.file("link.csv"))
    symlink(other + "/new.csv", cli.folder.file("dangling.csv"))
    symlink("other", cli.folder.file("linked"))
    for (typed, stored) in [
      ("link.csv", "other/target.csv"), ("dangling.csv", "other/new.csv"),
      ("linked/inside.csv", "other/inside.csv"),
    ] {
      try export(to: typed)
      #expect(fileBytes(cli.folder.file(stored)) == expected, "\(typed)")
    }
    for link in ["link.csv", "dangling.csv", "linked"] {
      #expect(PathKind.of(cli.folder.file(link)) == S_IFLNK, "\(link) is no longer a link")
    }
    expectNoTemporaryFiles(cli.folder.path)
    expectNoTemporaryFiles(other)
  }

  @Test func aReplacedFileKeepsItsModeAndOwner() throws {
    let expected = try exportedHistory()
    let file = cli.folder.file("private.csv")
    try Data("old\n".utf8).write(to: URL(fileURLWithPath: file))
    chmod(file, 0o600)
    // Root can give the file away first, to see the owner kept too.
    let owner: uid_t = Privileges.isRoot ? 65_534 : getuid()
    if Privileges.isRoot { chown(file, owner, 65_534) }
    try export(to: "private.csv")
    var info = stat()
    stat(file, &info)
    #expect(info.st_mode & 0o7777 == 0o600)
    #expect(info.st_uid == owner)
    #expect(fileBytes(file) == expected)
  }

  @Test func aFIFOIsWrittenInPlace() throws {
    let expected = try exportedHistory()
    let fifo = cli.folder.file("fifo")
    #expect(mkfifo(fifo, 0o644) == 0)
    let captured = cli.folder.file("from-fifo")
    let reader = try Subprocess(
      "/bin/sh", ["-c", #"exec cat "$0" > "$1""#, fifo, captured], in: cli.folder)
    try export(to: "fifo")
    // An export that never opened the FIFO would leave the reader waiting for ever.
    let deadline = Date().addingTimeInterval(20)
    while reader.process.isRunning && Date() < deadline { usleep(10_000) }
    if reader.process.isRunning {
      // The shell exec'd cat: this stops the reader itself.
      reader.kill()
      Issue.record("the export never wrote into the FIFO")
    }
    let r = reader.wait()
    #expect(r.status == 0 && !r.signaled)
    #expect(fileBytes(captured) == expected)
    #expect(PathKind.of(fifo) == S_IFIFO)
    expectNoTemporaryFiles(cli.folder.path)
  }

  @Test(.enabled(if: DeviceNodes.available, "needs mknod (root, a file system without nodev)"))
  func privateDeviceNodesAreWrittenInPlace() throws {
    _ = try exportedHistory()
    let null = try #require(DeviceNodes.null(in: cli.folder))
    let full = try #require(DeviceNodes.full(in: cli.folder))
    try export(to: "null")
    let r = try export(to: "full", status: 1)
    #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
    for device in [null, full] { #expect(PathKind.of(device) == S_IFCHR, "\(device) replaced") }
    expectNoTemporaryFiles(cli.folder.path)
  }

  @Test func theDatabaseAndItsFilesAreRefused() throws {
    _ = try exportedHistory()
    link(cli.db, cli.folder.file("hard-link"))
    symlink("plans.sqlite", cli.folder.file("soft-link"))
    symlink("plans.sqlite-journal", cli.folder.file("journal-link"))
    let before = folderSnapshot(cli.folder.path)
    let names = [
      "plans.sqlite", "plans.sqlite-wal", "plans.sqlite-shm", "plans.sqlite-journal",
      "./plans.sqlite", cli.db, "hard-link", "soft-link", "journal-link",
    ]
    for name in names {
      let r = try export(to: name, status: 1)
      #expect(r.stderr.contains("is the database file"), "\(name): \(r.stderr)")
      // Only the capture files of this run may be new.
      let after = folderSnapshot(cli.folder.path).filter {
        !$0.key.hasPrefix("out-")
          && !$0.key.hasPrefix("err-") && !$0.key.hasPrefix("in-")
      }
      let kept = before.filter {
        !$0.key.hasPrefix("out-") && !$0.key.hasPrefix("err-")
          && !$0.key.hasPrefix("in-")
      }
      #expect(after == kept, "\(name) changed the folder")
    }
    report(
      "environment: the database, its -wal/-shm/-journal and links to them: \(names.count) refusals, folder byte-identical"
    )
  }

  @Test func foldersAreRefused() throws {
    _ = try exportedHistory()
    try export(to: ".", status: 1)
    try export(to: "missing/x.csv", status: 1)
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("missing")))
  }

  /// Ctrl-C or SIGTERM while an export writes its temporary file: it goes, the target stays.
  @Test func signalsDuringAnExportLeaveTheTargetUntouched() throws {
    try cli.succeed([
      "sweep", "--layers", "1:50", "--d-model", "64:6400:64", "--gpus", "a100-80gb,h100-sxm",
      "--batch-sizes", "1,2,4,8,16",
    ])
    let target = cli.folder.file("history.csv")
    try Data("old\n".utf8).write(to: URL(fileURLWithPath: target))
    for sig in [SIGINT, SIGTERM] {
      let export = try cli.start(["export", "--output", target])
      let temporary = target + ".partial-\(export.process.processIdentifier)"
      // Signal once a megabyte is written: the 50,000-plan export has about 40 more to go.
      let deadline = Date().addingTimeInterval(60)
      while PathKind.size(temporary) < 1 << 20 && export.process.isRunning && Date() < deadline {
        usleep(5_000)
      }
      kill(export.process.processIdentifier, sig)
      let r = export.wait()
      #expect(!r.signaled && r.status == 128 + sig, "signal \(sig): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains("export stopped by"), "\(r.stderr)")
      #expect(fileBytes(target) == Data("old\n".utf8))
      expectNoTemporaryFiles(cli.folder.path)
    }
    report(
      "environment: SIGINT and SIGTERM during a 50,000-plan export: temporary file removed, target untouched"
    )
  }
}

/// A file's type and size without following a final link.
enum PathKind {
  static func of(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
  }

  static func size(_ path: String) -> Int {
    var info = stat()
    return lstat(path, &info) == 0 ? Int(info.st_size) : 0
  }
}
