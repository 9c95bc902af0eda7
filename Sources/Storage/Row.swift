import CSQLite

/// The current row of a statement, read by column name. Valid only until the next step.
public struct Row {
  let statement: Statement

  public var columnCount: Int32 {
    #if Postgres
      if let server = statement.server { return Int32(server.columns.count) }
    #endif
    return sqlite3_column_count(statement.handle)
  }

  /// The value of column `index` (0-based), whatever its type.
  public func value(at index: Int32) -> DatabaseValue {
    #if Postgres
      if let server = statement.server { return server.row[Int(index)] }
    #endif
    let h = statement.handle
    switch sqlite3_column_type(h, index) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(h, index))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(h, index))
    case SQLITE_NULL: return .null
    default:
      guard let bytes = sqlite3_column_text(h, index) else { return .null }
      let count = Int(sqlite3_column_bytes(h, index))
      return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
    }
  }

  public func isNull(_ column: String) throws -> Bool {
    #if Postgres
      if statement.server != nil { return try serverValue(column) == .null }
    #endif
    return sqlite3_column_type(statement.handle, try statement.index(of: column)) == SQLITE_NULL
  }

  public func int(_ column: String) throws -> Int {
    #if Postgres
      if statement.server != nil { return try serverValue(column).sqliteInt }
    #endif
    return Int(sqlite3_column_int64(statement.handle, try statement.index(of: column)))
  }

  public func double(_ column: String) throws -> Double {
    #if Postgres
      if statement.server != nil { return try serverValue(column).sqliteDouble }
    #endif
    return sqlite3_column_double(statement.handle, try statement.index(of: column))
  }

  public func text(_ column: String) throws -> String {
    #if Postgres
      if statement.server != nil { return try serverValue(column).sqliteText }
    #endif
    let i = try statement.index(of: column)
    guard let bytes = sqlite3_column_text(statement.handle, i) else { return "" }
    let count = Int(sqlite3_column_bytes(statement.handle, i))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  public func bool(_ column: String) throws -> Bool { try int(column) != 0 }

  public func optionalInt(_ column: String) throws -> Int? {
    #if Postgres
      if statement.server != nil {
        let v = try serverValue(column)
        return v == .null ? nil : v.sqliteInt
      }
    #endif
    let i = try statement.index(of: column)
    if sqlite3_column_type(statement.handle, i) == SQLITE_NULL { return nil }
    return Int(sqlite3_column_int64(statement.handle, i))
  }

  public func optionalText(_ column: String) throws -> String? {
    #if Postgres
      if statement.server != nil {
        let v = try serverValue(column)
        return v == .null ? nil : v.sqliteText
      }
    #endif
    let i = try statement.index(of: column)
    if sqlite3_column_type(statement.handle, i) == SQLITE_NULL { return nil }
    return try text(column)
  }

  public func optionalDouble(_ column: String) throws -> Double? {
    #if Postgres
      if statement.server != nil {
        let v = try serverValue(column)
        return v == .null ? nil : v.sqliteDouble
      }
    #endif
    let i = try statement.index(of: column)
    if sqlite3_column_type(statement.handle, i) == SQLITE_NULL { return nil }
    return sqlite3_column_double(statement.handle, i)
  }
}

#if Postgres
  extension Row {
    /// A server row's value by column name.
    func serverValue(_ column: String) throws -> DatabaseValue {
      statement.server!.row[Int(try statement.index(of: column))]
    }
  }

  extension DatabaseValue {
    /// The value as `sqlite3_column_int64` reads it: NULL 0, a real truncated, text parsed.
    var sqliteInt: Int {
      switch self {
      case .null: 0
      case .integer(let n): Int(n)
      case .real(let d): d.isFinite && abs(d) < 9.2e18 ? Int(d) : 0
      case .text(let s): Int(s) ?? Int(Double(s) ?? 0)
      }
    }

    var sqliteDouble: Double {
      switch self {
      case .null: 0
      case .integer(let n): Double(n)
      case .real(let d): d
      case .text(let s): Double(s) ?? 0
      }
    }

    var sqliteText: String {
      switch self {
      case .null: ""
      case .integer(let n): String(n)
      case .real(let d): String(d)
      case .text(let s): s
      }
    }
  }
#endif

extension Row {
  /// A value stored as the raw text of one of `T`'s cases. Any other text is an error naming
  /// the record (`plans row 17`), the column and the cases, never a default in its place.
  func choice<T: RawRepresentable & CaseIterable>(
    _ column: String, of record: @autoclosure () -> String
  ) throws -> T where T.RawValue == String {
    let text = try self.text(column)
    guard let value = T(rawValue: text) else {
      let cases = T.allCases.map(\.rawValue).joined(separator: ", ")
      throw StoreError.corrupt("\(record()): \(column) '\(text)' is not one of \(cases)")
    }
    return value
  }
}
