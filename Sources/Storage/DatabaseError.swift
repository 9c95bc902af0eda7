import CSQLite

/// An error SQLite reported, with its result code and message (after GRDB's `DatabaseError`).
public struct DatabaseError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The extended result code, e.g. SQLITE_CONSTRAINT_UNIQUE.
  public let extendedResultCode: Int32
  public let message: String
  /// The statement that failed, when there was one.
  public let sql: String?
  /// PostgreSQL's SQLSTATE when a server reported the error (its code is then the nearest
  /// SQLite one); nil for SQLite.
  public var sqlState: String? = nil

  /// The primary result code, e.g. SQLITE_CONSTRAINT.
  public var resultCode: Int32 { extendedResultCode & 0xFF }

  public init(code: Int32, message: String, sql: String? = nil) {
    self.extendedResultCode = code
    self.message = message
    self.sql = sql
  }

  init(code: Int32, connection: OpaquePointer?, sql: String? = nil) {
    let text = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    self.init(code: code, message: text ?? String(cString: sqlite3_errstr(code)), sql: sql)
  }

  public var isBusy: Bool { resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED }
  /// The file is not a database, or is damaged.
  public var isNotADatabase: Bool { resultCode == SQLITE_NOTADB || resultCode == SQLITE_CORRUPT }
  public var isDiskFull: Bool { resultCode == SQLITE_FULL }

  public var description: String {
    if let sqlState { return "PostgreSQL error \(sqlState): \(message)" }
    return "SQLite error \(extendedResultCode): \(message)"
  }
}
