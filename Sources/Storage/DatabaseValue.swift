/// A value SQLite stores: what statements bind and rows hold.
public enum DatabaseValue: Equatable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
}

/// A Swift value that binds to a statement parameter.
public protocol DatabaseValueConvertible {
  var databaseValue: DatabaseValue { get }
}

extension DatabaseValue: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { self }
}

extension Int: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { .integer(Int64(self)) }
}

extension Int64: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { .integer(self) }
}

extension Double: DatabaseValueConvertible {
  /// SQLite stores NaN as NULL; the planner refuses non-finite figures before they get here.
  public var databaseValue: DatabaseValue { .real(self) }
}

extension String: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { .text(self) }
}

extension Bool: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { .integer(self ? 1 : 0) }
}

extension Optional: DatabaseValueConvertible where Wrapped: DatabaseValueConvertible {
  public var databaseValue: DatabaseValue { self?.databaseValue ?? .null }
}

extension DatabaseValue {
  /// The value as an integer, or nil for NULL and text.
  public var int: Int64? {
    switch self {
    case .integer(let v): return v
    case .real(let v): return Int64(exactly: v.rounded(.towardZero))
    default: return nil
    }
  }

  /// The value as a double, or nil for NULL and text.
  public var double: Double? {
    switch self {
    case .integer(let v): return Double(v)
    case .real(let v): return v
    default: return nil
    }
  }

  public var text: String? {
    if case .text(let v) = self { return v }
    return nil
  }
}
