import Checksum
import Migrations

/// One schema change: a file `NNNN_name.sql` of the top-level `migrations/` folder.
public struct Migration: Equatable, Sendable {
  public let version: Int
  public let name: String
  public let sql: String
  /// SHA-256 of the SQL text, recorded when applied so an edited file is noticed.
  public let checksum: String

  public init(fileName: String, sql: String) throws {
    try self.init(fileName: fileName, sql: sql, checksum: SHA256.hex(sql))
  }

  /// A migration whose checksum is known: the embedded ones, hashed at build time.
  init(fileName: String, sql: String, checksum: String) throws {
    let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
    let parts = stem.split(separator: "_", maxSplits: 1)
    guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0 else {
      throw StoreError.badMigrationFileName(fileName)
    }
    self.version = version
    self.name = String(parts[1])
    self.sql = sql
    self.checksum = checksum
  }
}

/// Applies migrations in order, each in its own write transaction, recorded in
/// `schema_migrations` (after GRDB's `DatabaseMigrator`). It refuses a database that records a
/// migration it does not know (a newer trainplan made it) or one whose checksum differs, and
/// leaves such a file untouched.
public struct DatabaseMigrator: Sendable {
  public let migrations: [Migration]

  public init(migrations: [Migration]) throws {
    self.migrations = migrations.sorted { $0.version < $1.version }
    for (a, b) in zip(self.migrations, self.migrations.dropFirst()) where a.version == b.version {
      throw StoreError.badMigrationFileName("\(a.version) is used twice")
    }
  }

  /// The SQL dialects, each with its folder of migrations.
  public enum Dialect: String, Sendable, CaseIterable {
    case sqlite, postgres
  }

  /// The migrations embedded from `migrations/sqlite/` (or another dialect's folder) at build
  /// time.
  public static func embedded(_ dialect: Dialect = .sqlite) throws -> DatabaseMigrator {
    let folder = dialect.rawValue + "/"
    return try DatabaseMigrator(
      migrations: MigrationsFiles.all.filter { $0.name.hasPrefix(folder) }.map {
        try Migration(
          fileName: String($0.name.dropFirst(folder.count)), sql: $0.contents,
          checksum: $0.sha256)
      })
  }

  /// A recorded migration.
  struct Applied {
    let version: Int
    let name: String
    let checksum: String
  }

  /// Reads what the database records (nil for a database with no bookkeeping table) and throws
  /// when this binary cannot safely use it. Reads only; call it inside a transaction, so that
  /// its reads see one snapshot (another process's first migration landing between two of
  /// them made a new database look like someone else's).
  @discardableResult
  public func checkCompatible(_ db: Database) throws -> [Migration] {
    guard let applied = try readApplied(db) else {
      let tables = try db.int(Self.tableCount(db)) ?? 0
      if tables > 0 { throw StoreError.notATrainplanDatabase(db.path) }
      return migrations
    }
    return try pending(db, given: applied)
  }

  /// The migrations not in `applied` (what a database records); throws when the database
  /// records one this binary does not know, or knows with another checksum.
  func pending(_ db: Database, given applied: [Applied]) throws -> [Migration] {
    let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
    for record in applied {
      guard let migration = known[record.version] else {
        throw StoreError.newerDatabase(path: db.path, version: record.version, name: record.name)
      }
      if migration.checksum != record.checksum {
        throw StoreError.migrationChanged(path: db.path, version: record.version, name: record.name)
      }
    }
    let done = Set(applied.map(\.version))
    return migrations.filter { !done.contains($0.version) }
  }

  /// Applies every pending migration, each in its own write transaction that checks the
  /// database again under the write lock: processes opening a new database at once apply
  /// each migration exactly once, and none mistakes a half-made database for a foreign one.
  /// Returns true when this call applied the first migration (it created the schema).
  @discardableResult
  public func migrate(_ db: Database) throws -> Bool {
    var created = false
    while let applied = try db.write({ try applyNext(db) }) {
      if applied.version == migrations.first?.version { created = true }
      // Each migration rewrites the schema's pages: copying them home between migrations lets
      // the log start over, so a new database never needs room for all of them twice (a
      // small disk filled up). Best effort: what is not copied now stays safe in the log.
      if !db.isServer { try? db.execute("PRAGMA wal_checkpoint(PASSIVE)") }
    }
    return created
  }

  /// Applies the first pending migration and returns it; nil when none is pending.
  private func applyNext(_ db: Database) throws -> Migration? {
    guard let migration = try checkCompatible(db).first else { return nil }
    try db.executeScript(db.isServer ? Self.serverBookkeeping : Self.bookkeeping)
    try db.executeScript(migration.sql)
    try db.execute(
      """
      INSERT INTO schema_migrations (version, name, checksum, applied_at)
      VALUES (?, ?, ?, ?)
      """, [migration.version, migration.name, migration.checksum, Timestamp.now()])
    return migration
  }

  static let bookkeeping = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT;
    """

  static let serverBookkeeping = """
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version BIGINT PRIMARY KEY,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at TEXT NOT NULL
    );
    """

  /// A query of the number of tables (those named `name` only, when given) in the database.
  /// A server's is read from its catalog: `information_schema` costs milliseconds a query,
  /// and every command asks on opening (issue 18's single-plan row).
  static func tableCount(_ db: Database, named name: String? = nil) -> String {
    guard db.isServer else {
      return "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        + (name.map { " AND name = '\($0)'" } ?? "")
    }
    return """
      SELECT count(*) FROM pg_catalog.pg_class WHERE relkind IN ('r', 'p')
      AND relnamespace = to_regnamespace(current_schema())
      """ + (name.map { " AND relname = '\($0)'" } ?? "")
  }

  /// A query of the names of a table's columns, as rows with a `name` column.
  static func columnNames(_ db: Database, of table: String) -> String {
    db.isServer
      ? """
      SELECT attname::text AS name FROM pg_catalog.pg_attribute
      WHERE attrelid = to_regclass('\(table)') AND attnum > 0 AND NOT attisdropped
      ORDER BY attnum
      """
      : "SELECT name FROM pragma_table_info('\(table)')"
  }

  /// The recorded migrations; nil when there is no `schema_migrations` table. Another tool's
  /// table of that name (Rails, dbmate, golang-migrate keep one) has other columns, and one
  /// that records nothing beside other tables is not trainplan's either: trainplan creates it
  /// in the transaction of its first migration.
  func readApplied(_ db: Database) throws -> [Applied]? {
    // No columns is no table, in both dialects: one query instead of two on every open.
    let columns = Set(
      try db.fetch(Self.columnNames(db, of: "schema_migrations"), few: true) {
        try $0.text("name")
      })
    if columns.isEmpty { return nil }
    guard columns.isSuperset(of: ["version", "name", "checksum", "applied_at"]) else {
      throw StoreError.notATrainplanDatabase(db.path)
    }
    let applied = try db.fetch(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version", few: true
    ) {
      Applied(
        version: try $0.int("version"), name: try $0.text("name"), checksum: try $0.text("checksum")
      )
    }
    if applied.isEmpty { throw StoreError.notATrainplanDatabase(db.path) }
    return applied
  }
}
