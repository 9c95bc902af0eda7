import ConfigImport

/// One JSON object of a file being read back, its members fetched by key with the type the
/// key must have. Any other value is an error naming the key by its path (`setup.precision`):
/// never a default in its place.
struct JSONFields {
  /// What was wrong, and where.
  struct Problem: Error {
    let message: String
  }

  let members: [String: ConfigValue]
  /// The object's own path, "" at the top (`setup` for a plan's setup).
  let path: String

  init(_ value: ConfigValue, path: String = "") throws {
    guard case .object(let members) = value else {
      throw Problem(message: "\(path.isEmpty ? "the value" : path) is \(value.text), not an object")
    }
    self.members = members
    self.path = path
  }

  func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  func problem(_ key: String, _ rule: String) -> Problem {
    let value = members[key].map { " is \(Self.shortened($0.text))," } ?? " is missing:"
    return Problem(message: name(key) + value + " " + rule)
  }

  /// A long value cut for a one-line message.
  static func shortened(_ text: String) -> String {
    text.count <= 60 ? text : String(text.prefix(57)) + "..."
  }

  /// The member, nil when it is null (a missing key is an error: every key is always written).
  func optional(_ key: String) throws -> ConfigValue? {
    guard let value = members[key] else { throw problem(key, "it must be present") }
    if case .null = value { return nil }
    return value
  }

  func optionalInt(_ key: String) throws -> Int? {
    guard let value = try optional(key) else { return nil }
    guard case .number(_, let whole?) = value else {
      throw problem(key, "it must be a whole number")
    }
    return whole
  }

  func int(_ key: String) throws -> Int {
    guard let n = try optionalInt(key) else { throw problem(key, "it must be a whole number") }
    return n
  }

  func optionalDouble(_ key: String) throws -> Double? {
    guard let value = try optional(key) else { return nil }
    guard case .number(let n, _) = value else { throw problem(key, "it must be a number") }
    return n
  }

  func double(_ key: String) throws -> Double {
    guard let n = try optionalDouble(key) else { throw problem(key, "it must be a number") }
    return n
  }

  func bool(_ key: String) throws -> Bool {
    guard case .bool(let flag)? = try optional(key) else {
      throw problem(key, "it must be true or false")
    }
    return flag
  }

  func optionalString(_ key: String) throws -> String? {
    guard let value = try optional(key) else { return nil }
    guard case .string(let text) = value else { throw problem(key, "it must be a string") }
    return text
  }

  func string(_ key: String) throws -> String {
    guard let text = try optionalString(key) else { throw problem(key, "it must be a string") }
    return text
  }

  /// A value written as the raw text of one of `T`'s cases.
  func choice<T: RawRepresentable & CaseIterable>(_ key: String) throws -> T
  where T.RawValue == String {
    let cases = T.allCases.map(\.rawValue).joined(separator: ", ")
    guard let text = try? string(key), let value = T(rawValue: text) else {
      throw problem(key, "it must be one of \(cases)")
    }
    return value
  }

  func optionalObject(_ key: String) throws -> JSONFields? {
    guard let value = try optional(key) else { return nil }
    return try JSONFields(value, path: name(key))
  }

  func object(_ key: String) throws -> JSONFields {
    guard let fields = try optionalObject(key) else { throw problem(key, "it must be an object") }
    return fields
  }

  func optionalArray(_ key: String) throws -> [ConfigValue]? {
    guard let value = try optional(key) else { return nil }
    guard case .array(let items) = value else { throw problem(key, "it must be an array") }
    return items
  }

  func array(_ key: String) throws -> [ConfigValue] {
    guard let items = try optionalArray(key) else { throw problem(key, "it must be an array") }
    return items
  }

  /// An array of whole numbers.
  func optionalInts(_ key: String) throws -> [Int]? {
    try optionalArray(key)?.map {
      guard case .number(_, let whole?) = $0 else {
        throw problem(key, "it must be an array of whole numbers")
      }
      return whole
    }
  }

  /// An array of strings.
  func optionalStrings(_ key: String) throws -> [String]? {
    try optionalArray(key)?.map {
      guard case .string(let text) = $0 else {
        throw problem(key, "it must be an array of strings")
      }
      return text
    }
  }
}
