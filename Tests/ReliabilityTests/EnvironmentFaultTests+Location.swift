import Foundation
import TestSupport
import Testing

/// The default database location under odd HOME and XDG_DATA_HOME values, and many processes
/// creating one new database at once.
extension EnvironmentFaultTests {
  /// `trainplan db --json` with no --db, in the test's folder, with `variables` as the whole
  /// environment besides PATH and LANG (a nil value leaves the variable unset).
  func openDefault(_ variables: [String: String?]) throws -> ProcessResult {
    var environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    for (key, value) in variables { environment[key] = value }
    return try runWithStreams(
      inFolder(cli.folder.path, [cli.binary, "db", "--json"]), stdout: .captured,
      stderr: .captured, environment: environment, in: cli.folder)
  }

  /// Every path below `folder`, to prove nothing was created.
  func tree(_ folder: String) -> Set<String> {
    let names = (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String]) ?? []
    return Set(
      names.filter { !$0.hasPrefix("out-") && !$0.hasPrefix("err-") && !$0.hasPrefix("in-") })
  }

  @Test func oddHomesAreRefusedAndCreateNothing() throws {
    let file = cli.folder.file("a-file")
    try Data().write(to: URL(fileURLWithPath: file))
    let homes: [(String, String?)] = [
      ("unset", nil), ("empty", ""), ("relative", "home"), ("missing", cli.folder.file("nope")),
      ("a file", file), ("missing with slash", cli.folder.file("nope") + "/"),
    ]
    let before = tree(cli.folder.path)
    for (label, home) in homes {
      let r = try openDefault(["HOME": home])
      #expect(r.status == 1 && unacceptable(r) == nil, "\(label): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains("HOME") && r.stderr.contains("--db"), "\(label): \(r.stderr)")
      #expect(tree(cli.folder.path) == before, "\(label) created something")
    }
    report(
      "environment: \(homes.count) unusable HOME values refused with one line, nothing created")
  }

  @Test func aHomeWithTrailingSlashesGetsItsFolderOnce() throws {
    for (index, suffix) in ["/", "//"].enumerated() {
      let home = cli.folder.file("home\(index)")
      try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
      let expected = home + "/.local/share/trainplan/trainplan.sqlite"
      let first = try openDefault(["HOME": home + suffix])
      #expect(first.status == 0, "\(first.stderr)")
      #expect(first.stderr == "trainplan: created a new database at \(expected)\n")
      #expect(FileManager.default.fileExists(atPath: expected))
      let second = try openDefault(["HOME": home + suffix])
      #expect(second.status == 0 && second.stderr.isEmpty, "\(second.stderr)")
    }
  }

  @Test func xdgDataHomeIsUsedOnlyWhenAbsoluteAndExisting() throws {
    let home = cli.folder.file("home")
    let data = cli.folder.file("data")
    for folder in [home, data] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    }
    // Absolute and existing: used, and nothing appears in HOME.
    var r = try openDefault(["HOME": home, "XDG_DATA_HOME": data])
    #expect(r.status == 0 && r.stderr.contains(data + "/trainplan/trainplan.sqlite"), "\(r.stderr)")
    #expect(tree(home).isEmpty)
    // Absolute but missing: refused, and not created.
    r = try openDefault(["HOME": home, "XDG_DATA_HOME": cli.folder.file("no-data")])
    #expect(r.status == 1 && r.stderr.contains("XDG_DATA_HOME"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("no-data")))
    // Relative or empty: ignored, as the XDG specification says; HOME is used.
    for ignored in ["data", ""] {
      r = try openDefault(["HOME": home, "XDG_DATA_HOME": ignored])
      #expect(r.status == 0, "'\(ignored)': \(r.stderr)")
      let path = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      #expect(path?["path"] as? String == home + "/.local/share/trainplan/trainplan.sqlite")
    }
    #expect(!FileManager.default.fileExists(atPath: cli.folder.file("data/data")))
  }

  /// 16 processes start on a database that does not exist yet, 50 times over: every one
  /// succeeds, and exactly one says it created the database.
  @Test func sixteenProcessesCreatingOneDatabaseAllSucceed() throws {
    let rounds = 50
    let processes = 16
    let started = Date()
    var failures = 0
    for round in 1...rounds {
      let home = cli.folder.file("home-\(round)")
      try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
      let environment = ["HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
      let running = try (0..<processes).map { _ in
        try Subprocess(cli.binary, ["db", "--json"], environment: environment, in: cli.folder)
      }
      let results = running.map { $0.wait() }
      let bad = results.filter { $0.status != 0 || $0.signaled }
      failures += bad.count
      for r in bad { Issue.record("round \(round): exit \(r.status): \(r.stderr)") }
      let creators = results.filter { $0.stderr.contains("created a new database") }.count
      #expect(creators == 1, "round \(round): \(creators) processes said they created it")
      try? FileManager.default.removeItem(atPath: home)
    }
    let seconds = Int(Date().timeIntervalSince(started))
    report(
      "environment: \(rounds) rounds x \(processes) processes opening a new database: \(rounds * processes - failures) of \(rounds * processes) exited 0 in \(seconds) s"
    )
  }
}
