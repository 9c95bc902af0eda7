import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// SQLite copies bound text at bind time, so callers' strings need not outlive the call.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. Values are always bound as parameters, never built into the SQL.
/// Reuse one statement for many rows: `reset()` and bind again.
public final class Statement {
  #if Postgres
    /// The SQLite statement; nil on a server, whose statement is `server`.
    let handle: OpaquePointer!
    let server: ServerStatement?
  #else
    let handle: OpaquePointer
  #endif
  unowned let database: Database
  public let sql: String
  /// Whether this run has returned a row: a busy statement is retried only before that.
  private var returnedRows = false
  private lazy var columnNames: [String] = {
    #if Postgres
      if let server { return server.columns }
    #endif
    return (0..<sqlite3_column_count(handle)).map {
      String(cString: sqlite3_column_name(handle, $0))
    }
  }()
  private lazy var columnIndex: [String: Int32] = Dictionary(
    columnNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
  /// The column after the last one read: a row decoded in SELECT order finds each name by one
  /// comparison instead of a hash lookup (an export reads 70 columns a row, a million rows).
  private var readCursor = 0

  init(database: Database, sql: String) throws {
    #if Postgres
      if let connection = database.server {
        server = ServerStatement(connection: connection, sql: ServerDialect.translate(sql))
        (self.handle, self.database, self.sql) = (nil, database, sql)
        return
      }
      server = nil
    #endif
    var handle: OpaquePointer?
    let code = sqlite3_prepare_v2(database.handle, sql, -1, &handle, nil)
    guard code == SQLITE_OK, let handle else {
      throw DatabaseError(code: code, connection: database.handle, sql: sql)
    }
    self.handle = handle
    self.database = database
    self.sql = sql
  }

  /// Marks a query that answers a row or a few (one value, a lookup by a unique key): a
  /// server reads its answer whole, in one round trip instead of a cursor's two or three.
  /// SQLite reads every query alike, so there it changes nothing.
  @discardableResult
  public func fewRows() -> Statement {
    #if Postgres
      server?.whole = true
    #endif
    return self
  }

  deinit {
    #if Postgres
      if server != nil { return }
    #endif
    sqlite3_finalize(handle)
  }

  /// Binds `values` to parameters 1…n, after clearing what an earlier run left.
  public func bind(_ values: [any DatabaseValueConvertible]) throws {
    #if Postgres
      if let server {
        server.values = values.map(\.databaseValue)
        server.reset()
        return
      }
    #endif
    sqlite3_reset(handle)
    returnedRows = false
    sqlite3_clear_bindings(handle)
    for (offset, value) in values.enumerated() {
      try bind(value.databaseValue, at: Int32(offset + 1))
    }
  }

  /// Readies the statement for another run; bindings stay until rebound, so a caller that
  /// rebinds every parameter (a bulk insert) skips clearing them.
  public func reset() {
    #if Postgres
      if let server { return server.reset() }
    #endif
    sqlite3_reset(handle)
    returnedRows = false
  }

  public func bind(_ value: DatabaseValue, at index: Int32) throws {
    #if Postgres
      if let server { return server.bind(value, at: Int(index)) }
    #endif
    let code: Int32
    switch value {
    case .null: code = sqlite3_bind_null(handle, index)
    case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
    case .real(let v): code = sqlite3_bind_double(handle, index, v)
    // withCString lends the string's own bytes; passing the String directly would copy it
    // into a new array first, once per text column per row of a bulk insert.
    case .text(let v): code = v.withCString { sqlite3_bind_text(handle, index, $0, -1, transient) }
    }
    try check(code)
  }

  /// Advances to the next row; false when the statement is done. Outside a transaction a
  /// busy answer is retried (see `Database.retryingWhenBusy`): SQLite allows retrying such a
  /// statement, and its busy handler does not cover WAL recovery or another process's close.
  @discardableResult
  public func step() throws -> Bool {
    #if Postgres
      if let server {
        readCursor = 0
        return try server.step()
      }
    #endif
    var backoff = BusyBackoff()
    while true {
      let code = sqlite3_step(handle)
      switch code {
      case SQLITE_ROW:
        returnedRows = true
        readCursor = 0
        return true
      case SQLITE_DONE: return false
      case _ where code & 0xFF == SQLITE_BUSY && database.isAutocommit && !returnedRows:
        sqlite3_reset(handle)
        if !backoff.pause() { fallthrough }
      default: throw DatabaseError(code: code, connection: database.handle, sql: sql)
      }
    }
  }

  /// Runs to completion with `values` bound; for statements that return no rows.
  public func execute(_ values: [any DatabaseValueConvertible] = []) throws {
    try bind(values)
    while try step() {}
    reset()
  }

  /// Calls `body` with each row, one at a time, without collecting them.
  public func forEachRow(
    _ values: [any DatabaseValueConvertible] = [], _ body: (Row) throws -> Void
  ) throws {
    try bind(values)
    defer { reset() }
    let row = Row(statement: self)
    while try step() { try body(row) }
  }

  /// Every row, decoded by `decode`.
  public func map<T>(_ values: [any DatabaseValueConvertible] = [], _ decode: (Row) throws -> T)
    throws -> [T]
  {
    var out: [T] = []
    try forEachRow(values) { out.append(try decode($0)) }
    return out
  }

  func index(of column: String) throws -> Int32 {
    if readCursor < columnNames.count && columnNames[readCursor] == column {
      readCursor += 1
      return Int32(readCursor - 1)
    }
    guard let i = columnIndex[column] else {
      throw DatabaseError(
        code: SQLITE_RANGE, message: "no column \(column) in the result", sql: sql)
    }
    // A column skipped or read out of order: go on from here.
    readCursor = Int(i) + 1
    return i
  }

  private func check(_ code: Int32) throws {
    if code != SQLITE_OK { throw DatabaseError(code: code, connection: database.handle, sql: sql) }
  }
}

#if Postgres
  /// A statement on a server: its parameters, and its answer once run. A query inside a
  /// transaction is read through a cursor, a batch of rows at a time, so that exporting a
  /// million plans holds a batch in memory, not the million; any other statement's answer is
  /// read whole when it first steps.
  final class ServerStatement {
    let connection: ServerConnection
    let sql: String
    var values: [DatabaseValue] = []
    private var result: ServerConnection.Result?
    private var position = -1
    /// The open cursor's name, while a query is read through one.
    private var cursor: String?
    /// Rows per FETCH.
    static let batch = 1_000
    /// Read the answer whole, without a cursor: the query answers a few rows.
    var whole = false
    nonisolated(unsafe) private static var cursors = 0

    init(connection: ServerConnection, sql: String) {
      self.connection = connection
      self.sql = sql
    }

    var columns: [String] { result?.columns ?? [] }

    /// The current row's values.
    var row: [DatabaseValue] { result!.rows[position] }

    func bind(_ value: DatabaseValue, at index: Int) {
      while values.count < index { values.append(.null) }
      values[index - 1] = value
    }

    func reset() {
      if let cursor, connection.inTransaction { _ = try? connection.run("CLOSE \(cursor)") }
      (result, position, cursor) = (nil, -1, nil)
    }

    func step() throws -> Bool {
      if result == nil { try start() }
      position += 1
      if position == result!.rows.count, let cursor, result!.rows.count == Self.batch {
        let columns = result!.columns
        result = try connection.run("FETCH \(Self.batch) FROM \(cursor)")
        if result!.columns.isEmpty { result!.columns = columns }
        position = 0
      }
      return position < result!.rows.count
    }

    /// Runs the statement: a query in a transaction opens a cursor and reads its first batch.
    private func start() throws {
      guard !whole && ServerDialect.begins(sql, with: "SELECT") && connection.inTransaction else {
        result = try connection.run(sql, values)
        return
      }
      Self.cursors += 1
      let name = "trainplan_rows_\(Self.cursors)"
      try connection.run("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", values)
      cursor = name
      result = try connection.run("FETCH \(Self.batch) FROM \(name)")
    }
  }
#endif
