import Checksum
import Fixtures
import Foundation
import Migrations
import TestSupport
import Testing

@testable import Storage

@Suite(TestDatabase.fileOnly) struct MigrationTests {
  let folder = TemporaryFolder()

  @Test func freshDatabaseIsMigratedSeededAndInWAL() throws {
    let store = try Store(path: folder.file("t.sqlite"))
    let versions = try store.database.fetch(
      "SELECT version, checksum FROM schema_migrations ORDER BY version"
    ) {
      (try $0.int("version"), try $0.text("checksum"))
    }
    let migrator = try DatabaseMigrator.embedded()
    #expect(versions.map { $0.0 } == migrator.migrations.map(\.version))
    #expect(versions.map { $0.1 } == migrator.migrations.map(\.checksum))
    #expect(try store.database.text("PRAGMA journal_mode") == "wal")
    let presets = try Presets.embedded()
    #expect(try store.modelNames() == presets.models.map(\.name).sorted())
    #expect(try store.gpuNames() == presets.gpus.map(\.name).sorted())
  }

  @Test func reopeningChangesNothing() throws {
    let path = folder.file("t.sqlite")
    let first = try Store(path: path)
    let snapshot = try dump(first.database)
    let second = try Store(path: path)
    #expect(try dump(second.database) == snapshot)
  }

  @Test func newerDatabaseIsRefusedAndUntouched() throws {
    let path = folder.file("newer.sqlite")
    do {
      let store = try Store(path: path)
      try store.database.execute(
        "INSERT INTO schema_migrations VALUES (9999, 'from_the_future', 'x', '2030-01-01T00:00:00.000Z')"
      )
    }
    let before = try #require(fileBytes(path))
    #expect(throws: StoreError.newerDatabase(path: path, version: 9999, name: "from_the_future")) {
      try Store(path: path)
    }
    #expect(fileBytes(path) == before)
    #expect(
      !FileManager.default.fileExists(atPath: path + "-wal")
        || fileBytes(path + "-wal")?.isEmpty == true)
  }

  @Test func changedMigrationIsRefused() throws {
    let path = folder.file("changed.sqlite")
    do {
      let store = try Store(path: path)
      try store.database.execute(
        "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    }
    let before = try #require(fileBytes(path))
    #expect(throws: StoreError.migrationChanged(path: path, version: 1, name: "initial")) {
      try Store(path: path)
    }
    #expect(fileBytes(path) == before)
  }

  @Test func foreignSQLiteDatabaseIsRefused() throws {
    let path = folder.file("other.sqlite")
    do { try Database(path: path).execute("CREATE TABLE notes (body TEXT)") }
    let before = try #require(fileBytes(path))
    #expect(throws: StoreError.notATrainplanDatabase(path)) { try Store(path: path) }
    #expect(fileBytes(path) == before)
  }

  @Test func randomBytesAreRefusedAndUntouched() throws {
    let path = folder.file("noise.sqlite")
    let noise = Data((0..<8_192).map { _ in UInt8.random(in: 0...255) })
    _ = FileManager.default.createFile(atPath: path, contents: noise)
    #expect(throws: StoreError.notADatabase(path)) { try Store(path: path) }
    #expect(fileBytes(path) == noise)
  }

  @Test func migrationsApplyInOrderEachOnce() throws {
    let all = try DatabaseMigrator.embedded()
    let path = folder.file("steps.sqlite")
    let first = try DatabaseMigrator(migrations: [all.migrations[0]])
    _ = try Store(path: path, migrator: first, seedPresets: false)
    let store = try Store(path: path)
    #expect(
      try store.database.int("SELECT count(*) FROM schema_migrations") == all.migrations.count)
  }

  @Test func embeddedMigrationsEqualTheFilesOnDisk() throws {
    let onDisk = try DatabaseMigrator.Dialect.allCases.sorted { $0.rawValue < $1.rawValue }
      .flatMap { dialect in
        try filesOnDisk("migrations/\(dialect.rawValue)", ext: "sql").map {
          (name: "\(dialect.rawValue)/\($0.name)", contents: $0.contents)
        }
      }
    #expect(MigrationsFiles.all.map(\.name) == onDisk.map(\.name))
    #expect(MigrationsFiles.all.map(\.contents) == onDisk.map(\.contents))
    #expect(try DatabaseMigrator.embedded().migrations.first?.name == "initial")
  }

  /// Both dialects end at the same schema version: a change to one is made to the other.
  @Test func bothDialectsReachTheSameSchemaVersion() throws {
    let sqlite = try DatabaseMigrator.embedded(.sqlite).migrations
    let postgres = try DatabaseMigrator.embedded(.postgres).migrations
    #expect(sqlite.count == 20 + postgres.count - 1)
    #expect(sqlite.last?.version == postgres.last?.version)
    #expect(postgres.first?.name == "baseline")
  }

  /// The checksums hashed at build time are the SHA-256 of the embedded text, as
  /// `Migration(fileName:sql:)` computes it for any other migration.
  @Test func embeddedChecksumsAreTheSHA256OfTheirText() throws {
    for file in MigrationsFiles.all + FixturesFiles.all {
      #expect(file.sha256 == SHA256.hex(file.contents), "\(file.name)")
    }
    for dialect in DatabaseMigrator.Dialect.allCases {
      let embedded = try DatabaseMigrator.embedded(dialect).migrations
      let files = MigrationsFiles.all.filter { $0.name.hasPrefix(dialect.rawValue + "/") }
      #expect(embedded.count == files.count)
      for file in files {
        let name = String(file.name.dropFirst(dialect.rawValue.count + 1))
        let hashed = try Migration(fileName: name, sql: file.contents)
        let migration = try #require(embedded.first { $0.version == hashed.version })
        #expect(migration == hashed, "\(file.name)")
      }
    }
  }

  @Test func embeddedFixturesEqualTheFilesOnDisk() throws {
    let onDisk = try filesOnDisk("fixtures", ext: "json")
    #expect(FixturesFiles.all.map(\.name) == onDisk.map(\.name))
    #expect(FixturesFiles.all.map(\.contents) == onDisk.map(\.contents))
    #expect(onDisk.map(\.name) == ["clusters.json", "gpus.json", "models.json"])
  }

  @Test func badMigrationNamesAreRefused() {
    for name in ["initial.sql", "1_initial.sql", "0000_zero.sql", "abcd_x.sql"] {
      #expect(throws: StoreError.badMigrationFileName(name)) {
        try Migration(fileName: name, sql: "")
      }
    }
  }

  @Test func checksumIsSHA256() {
    #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex(String(repeating: "a", count: 1_000))
        == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }
}

/// Every row of every table, as text: a database's contents to compare.
func dump(_ db: Database) throws -> [String] {
  let tables = try db.fetch("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
    try $0.text("name")
  }
  var rows: [String] = []
  for table in tables {
    rows += try db.fetch("SELECT * FROM \"\(table)\" ORDER BY rowid") { row in
      "\(table): " + (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
    }
  }
  return rows
}

/// The top-level folder's files of one extension, sorted by name.
func filesOnDisk(_ folder: String, ext: String) throws -> [(name: String, contents: String)] {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(folder)
  return try FileManager.default.contentsOfDirectory(atPath: root.path)
    .filter { $0.hasSuffix("." + ext) }.sorted()
    .map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
}
