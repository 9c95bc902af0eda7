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
  /// Why this store only reads, or nil when it writes.
  public let readOnly: ReadOnlyReason?

  /// Why a store only reads: the user asked for it, the file or its folder cannot be
  /// written (a published snapshot on a share, a 0444 file, a read-only file system), or the
  /// server lets this role only read (a reader's grants, a standby, a read-only database).
  public enum ReadOnlyReason: Sendable, Equatable {
    case requested
    case permissions
    case serverRole
  }

  /// The database file and the files SQLite keeps beside it: what no output may overwrite.
  public var databaseFiles: [String] { ["", "-wal", "-shm", "-journal"].map { path + $0 } }

  /// Opens the database at `location`, creating and migrating it as needed. A file that is not
  /// a database, or that a newer trainplan made, is refused and left as it was.
  /// A database this user cannot write, or any database when `readOnly`, is opened for
  /// reading only: see `init(readingOnly:reason:)`.
  public convenience init(location: DatabaseLocation, readOnly: Bool = false) throws {
    #if Postgres
      if let server = location.server {
        try self.init(
          server: server, password: location.serverPassword ?? ServerPassword(none: ()),
          readOnly: readOnly)
        return
      }
    #endif
    if readOnly || (location.exists && !location.isWritable) {
      try location.checkReadableFile()
      try self.init(readingOnly: location.path, reason: readOnly ? .requested : .permissions)
      return
    }
    try location.prepareFolder()
    try location.checkFile()
    try self.init(path: location.path)
  }

  public init(path: String, migrator: DatabaseMigrator? = nil, seedPresets: Bool = true) throws {
    readOnly = nil
    do {
      database = try Database(path: path)
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path)
    }
    do {
      let migrator = try migrator ?? DatabaseMigrator.embedded()
      created = try database.retryingWhenBusy { try Self.prepare(database, migrator: migrator) }
      try Self.fillOrigins(database)
      if seedPresets { try Presets.seedIfChanged(into: self) }
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path, systemErrno: database.systemErrno)
    }
  }

  #if Postgres
    /// Opens the PostgreSQL database at `address`, migrating it as needed (each migration
    /// once, under the write lock, when several machines open a new database together) and
    /// seeding the presets. `readOnly` refuses every write, as for a file.
    public init(server address: ServerAddress, password: ServerPassword, readOnly: Bool) throws {
      let database = try Database(server: address, password: password)
      self.database = database
      let migrator = try DatabaseMigrator.embedded(.postgres)
      // Nothing pending is final, as for a file: the migrator's write lock is taken only when
      // there is something to apply.
      let (pending, canWrite, settled) = try Self.openingChecks(database, migrator)
      self.readOnly = readOnly ? .requested : canWrite ? nil : .serverRole
      if let reason = self.readOnly {
        if !pending.isEmpty {
          let why =
            reason == .requested ? "a read-only open changes none" : "this role cannot change it"
          throw StoreError.cannotOpen(
            path: path, reason: "its schema is older or missing, and \(why)")
        }
        return
      }
      if pending.isEmpty && settled { return }
      if !pending.isEmpty { created = try translating { try migrator.migrate(database) } }
      try translating { try Self.fillOrigins(database) }
      try Presets.seedIfChanged(into: self)
    }

    /// What opening needs to know: the migrations still to apply, whether this role may
    /// write, and whether the origins are filled and the presets seeded already (`settled`).
    /// On a database trainplan made it is one statement (one snapshot, one round trip
    /// instead of seven: every command pays it); anything else (a new database, another
    /// tool's `schema_migrations`) takes the general checks in a read transaction, which say
    /// what is wrong. `applied_at` is selected though unread: a table of that name without
    /// trainplan's columns fails this statement and so takes those checks.
    static func openingChecks(_ database: Database, _ migrator: DatabaseMigrator) throws
      -> (pending: [Migration], canWrite: Bool, settled: Bool)
    {
      let sql = """
        SELECT version, name, checksum, applied_at,
          (\(canWriteCondition)) AS can_write,
          EXISTS (SELECT 1 FROM meta WHERE key = '\(originsFilledKey)')
            AND (SELECT value FROM meta WHERE key = 'fixtures_digest') = ? AS settled
        FROM schema_migrations ORDER BY version
        """
      let rows = try? database.fetch(sql, [Presets.embeddedDigest], few: true) {
        (
          DatabaseMigrator.Applied(
            version: try $0.int("version"), name: try $0.text("name"),
            checksum: try $0.text("checksum")),
          canWrite: try $0.int("can_write") == 1, settled: try $0.int("settled") == 1
        )
      }
      if let rows, let first = rows.first {
        let pending = try migrator.pending(database, given: rows.map(\.0))
        return (pending, first.canWrite, first.settled)
      }
      return try database.read {
        (try migrator.checkCompatible(database), try database.int(canWriteCondition) == 1, false)
      }
    }

    /// Whether this role may write the history: a server that is not a standby, a session
    /// that is not read-only, and INSERT on every table trainplan keeps (none yet counts as
    /// yes: the migration then says what is missing).
    static let canWriteCondition = """
      SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'
        AND coalesce((SELECT bool_and(has_table_privilege(c.oid, 'INSERT'))
          FROM pg_class c WHERE c.relkind = 'r'
          AND c.relnamespace = to_regnamespace(current_schema())), true)
      """
  #endif

  /// Opens the database at `path` for queries only: nothing is written to it or created beside
  /// it, and writing commands are refused. A file this user cannot write is opened immutable
  /// (no locks, no -shm) unless its WAL holds pages; a database of an older schema is migrated
  /// in a private in-memory copy, so a snapshot made by an older trainplan still reads.
  public init(readingOnly path: String, reason: ReadOnlyReason, migrator: DatabaseMigrator? = nil)
    throws
  {
    readOnly = reason
    var file: Database?
    do {
      let immutable = reason == .permissions && !Self.walHasPages(path)
      let opened = try Database(readingOnly: path, immutable: immutable)
      file = opened
      let migrator = try migrator ?? DatabaseMigrator.embedded()
      let pending = try opened.retryingWhenBusy {
        try opened.read { try migrator.checkCompatible(opened) }
      }
      if pending.isEmpty {
        database = opened
      } else if pending.count == migrator.migrations.count {
        throw StoreError.cannotOpen(
          path: path, reason: "it holds no trainplan history yet, and a read-only open creates none"
        )
      } else {
        let copy = try Database(memoryCopyOf: opened)
        try migrator.migrate(copy)
        try Self.fillOrigins(copy)
        try copy.execute("PRAGMA query_only = ON")
        database = copy
      }
    } catch let error as DatabaseError {
      throw Self.explain(error, path: path, systemErrno: file?.systemErrno ?? 0)
    }
  }

  /// True when the database's WAL file exists and is not empty: pages an immutable open would
  /// not see.
  static func walHasPages(_ path: String) -> Bool {
    var info = stat()
    return stat(path + "-wal", &info) == 0 && info.st_size > 0
  }

  /// Switches a database this process made to a rollback journal (`journal_mode=DELETE`): a
  /// file that is complete on its own, with no -wal or -shm beside it, safe to copy or to put
  /// on a network share. `export --format sqlite` ends with it.
  public func useRollbackJournal() throws {
    try checkWritable()
    _ = try translating { try database.text("PRAGMA journal_mode = DELETE") }
  }

  /// Refuses a write to a store opened for reading only, before any statement runs.
  func checkWritable() throws {
    switch readOnly {
    case nil: return
    case .permissions: throw StoreError.readOnly(path)
    case .serverRole: throw StoreError.serverReadOnly(path)
    case .requested: throw StoreError.openedReadOnly(path)
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
    // Nothing pending is final (no process un-applies a migration): skip `migrate`, whose
    // write transaction would check it all again under the lock on every open (issue 17).
    if pending.isEmpty { return false }
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
    try checkWritable()
    return try translating { try database.write(body) }
  }

  /// Runs `body`, turning SQLite's errors about the file into `StoreError`s, and a server's
  /// refusal to let this role write into one line about the role.
  func translating<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DatabaseError {
      if database.isServer {
        throw error.resultCode == SQLITE_READONLY ? StoreError.serverReadOnly(path) : error
      }
      throw Self.explain(error, path: path, systemErrno: database.systemErrno)
    }
  }
}
