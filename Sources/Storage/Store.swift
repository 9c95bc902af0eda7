import CSQLite

/// trainplan's database: opened, checked, migrated and seeded with the presets. The records
/// (model configs, GPUs, plans) are in the extensions beside this file.
public final class Store {
  public let database: Database
  public var path: String { database.path }

  /// Opens the database at `location`, creating and migrating it as needed. A file that is not
  /// a database, or that a newer trainplan made, is refused and left as it was.
  public convenience init(location: DatabaseLocation) throws {
    try location.prepareFolder()
    try self.init(path: location.path)
  }

  public init(path: String, migrator: DatabaseMigrator? = nil, seedPresets: Bool = true) throws {
    do {
      database = try Database(path: path)
      let migrator = try migrator ?? DatabaseMigrator.embedded()
      try database.retryingWhenBusy { try Self.prepare(database, migrator: migrator) }
      if seedPresets { try Presets.embedded().seed(into: self) }
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path)
    }
  }

  /// Checks, switches to WAL and migrates. Everything before the switch only reads, so a
  /// refused file keeps its bytes.
  static func prepare(_ database: Database, migrator: DatabaseMigrator) throws {
    let pending = try migrator.checkCompatible(database)
    let journal = try database.text("PRAGMA journal_mode")
    if !pending.isEmpty || journal != "wal" {
      try database.execute("PRAGMA journal_mode = WAL")
    }
    try migrator.migrate(database)
  }

  /// Turns SQLite's errors about the file itself into a sentence about what to do.
  static func explain(_ error: DatabaseError, path: String) -> Error {
    if error.isNotADatabase { return StoreError.notADatabase(path) }
    if error.isReadOnly { return StoreError.readOnly(path) }
    if error.isDiskFull { return StoreError.diskFull(path) }
    if error.resultCode == SQLITE_CANTOPEN {
      return StoreError.cannotOpen(path: path, reason: error.message)
    }
    return error
  }

  /// Runs a write transaction, translating file-level failures like `init` does.
  func write<T>(_ body: () throws -> T) throws -> T {
    try translating { try database.write(body) }
  }

  /// Runs `body`, turning SQLite's errors about the file into `StoreError`s.
  func translating<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path)
    }
  }
}
