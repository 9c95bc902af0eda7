import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// trainplan's database: opened, checked, migrated and seeded with the presets. The records
/// (model configs, GPUs, plans) are in the extensions beside this file.
public final class Store {
  public let database: Database
  public var path: String { database.path }
  /// True when this process created the database's schema (first use).
  public private(set) var created = false

  /// The database file and the files SQLite keeps beside it: what no output may overwrite.
  public var databaseFiles: [String] { ["", "-wal", "-shm", "-journal"].map { path + $0 } }

  /// Opens the database at `location`, creating and migrating it as needed. A file that is not
  /// a database, or that a newer trainplan made, is refused and left as it was.
  public convenience init(location: DatabaseLocation) throws {
    try location.prepareFolder()
    try location.checkFile()
    try self.init(path: location.path)
  }

  public init(path: String, migrator: DatabaseMigrator? = nil, seedPresets: Bool = true) throws {
    do {
      database = try Database(path: path)
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path)
    }
    do {
      let migrator = try migrator ?? DatabaseMigrator.embedded()
      created = try database.retryingWhenBusy { try Self.prepare(database, migrator: migrator) }
      if seedPresets { try Presets.seedIfChanged(into: self) }
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path, systemErrno: database.systemErrno)
    }
  }

  /// Checks, switches to WAL and migrates; true when this call created the schema. The check
  /// before the switch reads one snapshot and nothing else, so a refused file keeps its bytes;
  /// the migrations check again under the write lock.
  static func prepare(_ database: Database, migrator: DatabaseMigrator) throws -> Bool {
    let pending = try database.read { try migrator.checkCompatible(database) }
    let journal = try database.text("PRAGMA journal_mode")
    if !pending.isEmpty || journal != "wal" {
      try database.execute("PRAGMA journal_mode = WAL")
    }
    return try migrator.migrate(database)
  }

  /// Turns SQLite's errors about the file itself into a sentence about what to do.
  /// `systemErrno` tells apart what SQLite reports alike: a full disk surfaces as a "disk I/O
  /// error" when the shared-memory file cannot grow, a permission problem as "unable to open".
  static func explain(_ error: DatabaseError, path: String, systemErrno: Int32 = 0) -> Error {
    if error.isNotADatabase { return StoreError.notADatabase(path) }
    let fileLevel = error.resultCode == SQLITE_IOERR || error.resultCode == SQLITE_CANTOPEN
    let errno = fileLevel ? systemErrno : 0
    if error.isDiskFull || errno == ENOSPC || errno == EDQUOT { return StoreError.diskFull(path) }
    if error.resultCode == SQLITE_READONLY || [EACCES, EPERM, EROFS].contains(errno) {
      return StoreError.readOnly(path)
    }
    if fileLevel {
      let reason =
        errno == 0 ? error.message : "\(error.message) (\(String(cString: strerror(errno))))"
      return error.resultCode == SQLITE_CANTOPEN
        ? StoreError.cannotOpen(path: path, reason: reason)
        : StoreError.ioFailure(path: path, reason: reason)
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
      throw Self.explain(error, path: path, systemErrno: database.systemErrno)
    }
  }
}
