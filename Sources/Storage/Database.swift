import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// One connection to an SQLite file, set up for a CLI that several processes run at once:
/// a busy timeout so writers wait for each other instead of failing, foreign keys on,
/// extended result codes. Write through `write { }`, which takes the write lock up front.
public final class Database {
  #if Postgres
    /// The SQLite connection; nil for a database on a PostgreSQL server (`server`).
    let handle: OpaquePointer!
    let server: ServerConnection?
  #else
    let handle: OpaquePointer
  #endif
  /// The file, or for a server the address without secrets (what messages name).
  public let path: String

  /// How long a statement waits for another process's lock before giving up.
  public static let busyTimeoutMilliseconds: Int32 = 30_000

  /// Opens (creating when `create`) the database file at `path`.
  public convenience init(path: String, create: Bool = true) throws {
    try self.init(
      uri: path, path: path, flags: SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
  }

  /// Opens the file at `path` for reading only, creating nothing beside it. `immutable` tells
  /// SQLite that no one writes the file while it is open, so it takes no locks and needs no
  /// -shm: the only way to read a WAL database in a folder this user cannot write.
  public convenience init(readingOnly path: String, immutable: Bool) throws {
    try self.init(
      uri: "file:\(Self.uriEscaped(path))?\(immutable ? "immutable=1" : "mode=ro")", path: path,
      flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI)
  }

  /// A private in-memory copy of `source`, named after it in messages.
  public convenience init(memoryCopyOf source: Database) throws {
    try self.init(uri: ":memory:", path: source.path, flags: SQLITE_OPEN_READWRITE)
    guard let backup = sqlite3_backup_init(handle, "main", source.handle, "main") else {
      throw DatabaseError(code: sqlite3_errcode(handle), connection: handle)
    }
    let code = sqlite3_backup_step(backup, -1)
    sqlite3_backup_finish(backup)
    guard code == SQLITE_DONE else { throw DatabaseError(code: code, connection: source.handle) }
  }

  private init(uri: String, path: String, flags: Int32) throws {
    var handle: OpaquePointer?
    let code = sqlite3_open_v2(
      uri, &handle, flags | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, nil)
    guard code == SQLITE_OK, let handle else {
      let error = DatabaseError(code: code, connection: handle)
      sqlite3_close_v2(handle)
      throw error
    }
    self.handle = handle
    self.path = path
    #if Postgres
      server = nil
    #endif
    sqlite3_extended_result_codes(handle, 1)
    sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)
    try execute("PRAGMA foreign_keys = ON")
  }

  /// `path` as the path of a `file:` URI: every byte but unreserved ones and `/` percent-encoded.
  static func uriEscaped(_ path: String) -> String {
    var out = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let hex = Array("0123456789ABCDEF")
        out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
      }
    }
    return out
  }

  #if Postgres
    /// Connects to the PostgreSQL database at `address`.
    public init(server address: ServerAddress, password: ServerPassword) throws {
      server = try ServerConnection(address, password: password)
      handle = nil
      path = address.description
      credentials = (address, password)
    }

    /// The server database's address and password, to open another connection to it.
    private var credentials: (ServerAddress, ServerPassword)?

  #endif

  deinit {
    #if Postgres
      if server != nil { return }
    #endif
    sqlite3_close_v2(handle)
  }

  public func prepare(_ sql: String) throws -> Statement {
    try Statement(database: self, sql: sql)
  }

  /// Runs one statement with `values` bound to its parameters.
  public func execute(_ sql: String, _ values: [any DatabaseValueConvertible] = []) throws {
    try prepare(sql).execute(values)
  }

  /// Runs a script of several statements that takes no parameters (a migration file).
  public func executeScript(_ sql: String) throws {
    #if Postgres
      if let server {
        for statement in ServerDialect.statements(of: sql) { try server.run(statement) }
        return
      }
    #endif
    var message: UnsafeMutablePointer<CChar>?
    let code = sqlite3_exec(handle, sql, nil, nil, &message)
    if code != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
      sqlite3_free(message)
      throw DatabaseError(code: code, message: text, sql: sql)
    }
  }

  /// Every row of a query, decoded by `decode`. `few` marks a query of a few rows, which a
  /// server answers in one round trip (see `Statement.fewRows`).
  public func fetch<T>(
    _ sql: String, _ values: [any DatabaseValueConvertible] = [], few: Bool = false,
    _ decode: (Row) throws -> T
  ) throws -> [T] {
    let statement = try prepare(sql)
    if few { statement.fewRows() }
    return try statement.map(values, decode)
  }

  /// The first column of the first row as an integer, or nil when there is no row or it is NULL.
  public func int(_ sql: String, _ values: [any DatabaseValueConvertible] = []) throws -> Int? {
    let statement = try prepare(sql).fewRows()
    try statement.bind(values)
    guard try statement.step() else { return nil }
    #if Postgres
      if server != nil { return Row(statement: statement).value(at: 0).int.map(Int.init) }
    #endif
    return sqlite3_column_type(statement.handle, 0) == SQLITE_NULL
      ? nil : Int(sqlite3_column_int64(statement.handle, 0))
  }

  public func text(_ sql: String) throws -> String? {
    let statement = try prepare(sql).fewRows()
    #if Postgres
      if server != nil {
        guard try statement.step() else { return nil }
        return Row(statement: statement).value(at: 0).text
      }
    #endif
    guard try statement.step(), let bytes = sqlite3_column_text(statement.handle, 0) else {
      return nil
    }
    return String(cString: bytes)
  }

  /// Runs `body` in one transaction that holds the write lock from its first statement
  /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of failing
  /// midway. Commits when `body` returns, rolls back when it throws.
  public func write<T>(_ body: () throws -> T) throws -> T {
    try retryingWhenBusy {
      try beginWriting()
      do {
        let result = try body()
        try execute("COMMIT")
        return result
      } catch {
        if !isAutocommit { try? execute("ROLLBACK") }
        throw error
      }
    }
  }

  /// Runs `body` in a read transaction: one consistent snapshot for every statement in it.
  public func read<T>(_ body: () throws -> T) throws -> T {
    // The snapshot is taken by the first read; take it here, where a busy answer can be
    // retried, rather than midway through `body`'s output.
    try retryingWhenBusy {
      try execute(beginRead)
      // A server takes the snapshot at the body's first statement, and never answers busy.
      guard !isServer else { return }
      do {
        _ = try int("SELECT count(*) FROM sqlite_master")
      } catch {
        try? execute("ROLLBACK")
        throw error
      }
    }
    defer { if !isAutocommit { try? execute("COMMIT") } }
    return try body()
  }

  /// Runs `body` again while SQLite answers SQLITE_BUSY where its busy handler does not
  /// apply (WAL recovery, or the last connection of another process cleaning up its WAL on
  /// close; see SQLite's wal.html), until the busy timeout has passed. Only for work that
  /// leaves nothing behind when it fails: a rolled-back transaction, a read.
  public func retryingWhenBusy<T>(_ body: () throws -> T) throws -> T {
    var backoff = BusyBackoff()
    while true {
      do {
        return try body()
      } catch let error as DatabaseError where error.isBusy && isAutocommit {
        if !backoff.pause() { throw error }
      }
    }
  }

  /// False inside a transaction.
  public var isAutocommit: Bool {
    #if Postgres
      if let server { return !server.inTransaction }
    #endif
    return sqlite3_get_autocommit(handle) != 0
  }

  public var lastInsertedRowID: Int {
    #if Postgres
      if server != nil { return (try? int("SELECT lastval()")) ?? 0 }
    #endif
    return Int(sqlite3_last_insert_rowid(handle))
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int {
    #if Postgres
      if let server { return server.changes }
    #endif
    return Int(sqlite3_changes(handle))
  }

  /// The operating system's errno behind the last failed file operation (ENOSPC behind a
  /// "disk I/O error", EACCES behind "unable to open"); 0 when there was none.
  public var systemErrno: Int32 {
    #if Postgres
      if server != nil { return 0 }
    #endif
    return sqlite3_system_errno(handle)
  }

  /// Loads `text` (COPY's text format, a line per row) into `columns` of `table`: a server's
  /// bulk load, one round trip for a whole chunk of a sweep.
  func copy(into table: String, columns: [String], _ text: String) throws {
    #if Postgres
      if let server { return try server.copy(into: table, columns: columns, text) }
    #endif
    throw StoreError.corrupt("\(table): COPY is for a database on a server")
  }

  /// Another connection to the same server database, or nil for a file (see
  /// `SweepWriter`, which writes snapshots through one while its COPY loads).
  func anotherConnection() throws -> Database? {
    #if Postgres
      if let (address, password) = credentials {
        return try Database(server: address, password: password)
      }
    #endif
    return nil
  }

  /// Whether this is a database on a PostgreSQL server rather than a file.
  public var isServer: Bool {
    #if Postgres
      return server != nil
    #else
      return false
    #endif
  }

  /// Starts a write transaction that holds the write lock from its start. On a server, an
  /// advisory lock held to the transaction's end serializes writers as SQLite's write lock
  /// does, so every check-then-write of Storage behaves the same on both.
  func beginWriting() throws {
    #if Postgres
      if let server { return try server.begin(holding: ServerDialect.writeLock) }
    #endif
    try execute("BEGIN IMMEDIATE")
  }

  /// Starts a read transaction: one snapshot for all its statements.
  var beginRead: String { isServer ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN DEFERRED" }
}

/// Waits between retries of a busy statement: 1 ms, doubling up to 100 ms, until the busy
/// timeout has passed in all.
struct BusyBackoff {
  private var next: UInt32 = 1_000
  private var waited: UInt32 = 0

  /// Sleeps before the next try; false once the busy timeout is spent.
  mutating func pause() -> Bool {
    guard waited < UInt32(Database.busyTimeoutMilliseconds) * 1_000 else { return false }
    usleep(next)
    waited += next
    next = min(next * 2, 100_000)
    return true
  }
}
