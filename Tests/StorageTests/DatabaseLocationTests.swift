import Foundation
import TestSupport
import Testing

@testable import Storage

/// Where the default database goes, and what may be created for it.
@Suite(TestDatabase.fileOnly) struct DatabaseLocationTests {
  let folder = TemporaryFolder()

  func location(_ environment: [String: String], explicit: String? = nil) throws
    -> DatabaseLocation
  {
    try DatabaseLocation(explicit: explicit, environment: environment)
  }

  @Test func namedPathsComeFirstAndCreateNothing() throws {
    let named = try location(["TRAINPLAN_DB": "/x/db", "HOME": folder.path], explicit: "y.db")
    #expect(named.path == "y.db" && named.base == nil)
    let environment = try location(["TRAINPLAN_DB": "/x/db", "HOME": "relative"])
    #expect(environment.path == "/x/db" && !environment.createsFolder)
  }

  /// A PostgreSQL URL, in --db or TRAINPLAN_DB, is refused by name, not taken for a folder
  /// "postgresql:"; --db still wins over the variable, and `./postgresql:/x` is a path.
  /// With the Postgres trait such a URL names the server instead (its password still refused).
  @Test func serverURLsAreRefusedByTheirSource() throws {
    for url in [
      "postgresql://me@db:5432/plans", "postgres://me:secret@db/plans", "POSTGRESQL://db/x",
      "Postgres://db/x?sslmode=require",
    ] {
      #if Postgres
        if url.contains("secret") {
          #expect(throws: ServerAddress.Problem.self) {
            try location(["HOME": folder.path], explicit: url)
          }
          continue
        }
        #expect(try location(["HOME": folder.path], explicit: url).server?.host == "db")
        #expect(try location(["HOME": folder.path, "TRAINPLAN_DB": url]).server?.host == "db")
      #else
        #expect(throws: StoreError.serverDatabase(source: "--db")) {
          try location(["HOME": folder.path], explicit: url)
        }
        #expect(throws: StoreError.serverDatabase(source: "TRAINPLAN_DB")) {
          try location(["HOME": folder.path, "TRAINPLAN_DB": url])
        }
      #endif
    }
    #expect(try location(["TRAINPLAN_DB": "postgres://db/x"], explicit: "y.db").path == "y.db")
    #expect(try location([:], explicit: "./postgresql://x").path == "./postgresql://x")
    #expect(try location([:], explicit: "postgresql:/x").path == "postgresql:/x")
  }

  @Test func homeMustBeAnAbsoluteExistingFolder() throws {
    let file = folder.file("file")
    _ = FileManager.default.createFile(atPath: file, contents: nil)
    for home in [nil, "", "relative", folder.file("missing"), file] as [String?] {
      var environment: [String: String] = [:]
      environment["HOME"] = home
      #expect(throws: StoreError.self, "\(String(describing: home))") {
        try location(environment)
      }
    }
    let withSlashes = try location(["HOME": folder.path + "//"])
    #expect(withSlashes.path == folder.path + "/.local/share/trainplan/trainplan.sqlite")
    #expect(try location(["HOME": "/"]).path == "/.local/share/trainplan/trainplan.sqlite")
  }

  @Test func xdgDataHomeCountsOnlyWhenAbsolute() throws {
    let home = folder.path
    let xdg = try location(["HOME": home, "XDG_DATA_HOME": folder.path])
    #expect(xdg.path == folder.path + "/trainplan/trainplan.sqlite" && xdg.base == folder.path)
    for ignored in ["relative/data", ""] {
      let l = try location(["HOME": home, "XDG_DATA_HOME": ignored])
      #expect(l.path == home + "/.local/share/trainplan/trainplan.sqlite")
    }
    #expect(throws: StoreError.self) {
      try location(["HOME": home, "XDG_DATA_HOME": folder.file("missing")])
    }
  }

  /// The refusal names the variable, its value and the rule, and the two ways out.
  @Test(
    arguments: [
      ([:], "HOME is not set"),
      (["HOME": ""], "HOME is empty"),
      (["HOME": "relative/home"], "HOME (relative/home) is not an absolute path"),
      (["HOME": "~"], "HOME (~) is not an absolute path"),
      (["HOME": "./home"], "HOME (./home) is not an absolute path"),
      (["HOME": "", "XDG_DATA_HOME": "data"], "HOME is empty"),
      (["TRAINPLAN_DB": "", "HOME": "relative"], "HOME (relative) is not an absolute path"),
    ] as [([String: String], String)])
  func refusalSaysWhichVariableAndWhy(environment: [String: String], reason: String) {
    #expect(throws: StoreError.noDefaultLocation("\(reason); pass --db PATH or set TRAINPLAN_DB")) {
      try location(environment)
    }
  }

  @Test func missingOrNonFolderValuesAreRefusedByName() throws {
    let file = folder.file("file")
    _ = FileManager.default.createFile(atPath: file, contents: nil)
    let missing = folder.file("missing")
    for (variable, value, why) in [
      ("HOME", missing, "does not exist"), ("HOME", file, "is not a folder"),
      ("XDG_DATA_HOME", missing, "does not exist"), ("XDG_DATA_HOME", file, "is not a folder"),
    ] {
      var environment = ["HOME": folder.path]
      environment[variable] = value
      #expect(
        throws: StoreError.noDefaultLocation(
          "\(variable) (\(value)) \(why); pass --db PATH or set TRAINPLAN_DB")
      ) { try location(environment) }
    }
  }

  /// An absolute XDG_DATA_HOME is enough: HOME may then be unset, empty or odd.
  @Test func xdgDataHomeNeedsNoHome() throws {
    for home in [nil, "", "relative"] as [String?] {
      var environment = ["XDG_DATA_HOME": folder.path + "/"]
      environment["HOME"] = home
      let l = try location(environment)
      #expect(l.path == folder.path + "/trainplan/trainplan.sqlite" && l.base == folder.path)
    }
  }

  /// Spaces, newlines, non-ASCII names and links are paths like any other; slashes collapse
  /// only at the end.
  @Test func oddButValidFoldersAreUsedAsTheyAre() throws {
    for name in ["with space", "new\nline", "é-ü-名前", "-dash", "trailing "] {
      let home = folder.file(name)
      try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
      let l = try location(["HOME": home])
      #expect(l.path == home + "/.local/share/trainplan/trainplan.sqlite")
      try l.prepareFolder()
      #expect(FileManager.default.fileExists(atPath: home + "/.local/share/trainplan"))
    }
    let link = folder.file("link")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path)
    #expect(try location(["HOME": link]).base == link)
    #expect(try location(["HOME": "//"]).path == "/.local/share/trainplan/trainplan.sqlite")
    let dotted = folder.path + "/./"
    #expect(try location(["HOME": dotted]).base == folder.path + "/.")
  }

  @Test func onlyTheFoldersBelowTheBaseAreCreated() throws {
    let home = folder.file("home")
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
    try location(["HOME": home]).prepareFolder()
    var isFolder: ObjCBool = false
    #expect(
      FileManager.default.fileExists(
        atPath: home + "/.local/share/trainplan", isDirectory: &isFolder) && isFolder.boolValue)
    // A file where a folder should be is refused, not replaced.
    let other = folder.file("other")
    try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
    _ = FileManager.default.createFile(atPath: other + "/.local", contents: nil)
    #expect(throws: StoreError.self) { try location(["HOME": other]).prepareFolder() }
  }
}

/// Databases of other tools that keep a `schema_migrations` table are not trainplan's; a
/// trainplan database with tables a user added stays trainplan's.
@Suite(TestDatabase.fileOnly) struct ForeignMigrationTableTests {
  let folder = TemporaryFolder()

  @Test(arguments: [
    "CREATE TABLE schema_migrations (version varchar(255) NOT NULL PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101120000'); CREATE TABLE users (id INTEGER)",
    "CREATE TABLE schema_migrations (version VARCHAR(128) PRIMARY KEY)",
    "CREATE TABLE schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (3, 0)",
    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, checksum TEXT, applied_at TEXT); CREATE TABLE t (x)",
  ])
  func anotherToolsDatabaseIsRefusedUntouched(schema: String) throws {
    let path = folder.file("other-\(UUID().uuidString).sqlite")
    do { try Database(path: path).executeScript(schema) }
    let before = try #require(fileBytes(path))
    #expect(throws: StoreError.notATrainplanDatabase(path)) { try Store(path: path) }
    #expect(fileBytes(path) == before)
  }

  @Test func aUsersOwnTableDoesNotMakeItForeign() throws {
    let path = folder.file("mine.sqlite")
    do {
      let store = try Store(path: path)
      #expect(store.created)
      try store.database.execute("CREATE TABLE my_notes (body TEXT)")
    }
    let again = try Store(path: path)
    #expect(!again.created)
    #expect(try again.summary().models > 0)
  }
}
