/// A JSON value of a config file (or of a sweep's stored arguments, which the CLI summarises,
/// or of a JSON export being imported), read by `ConfigValueParser` (or decoded by
/// `JSONDecoder`, with the same result) with booleans, whole numbers and other numbers kept apart, so `true` is never taken for 1 nor 4096.0 for anything but 4096.
/// A key written twice in one object keeps its first value (JSONDecoder's rule; Foundation's
/// JSONSerialization, used before, and Python's json keep the last).
public enum ConfigValue: Decodable, Equatable, Sendable {
  case null
  case bool(Bool)
  /// A number, and the same number as an Int when it is a whole one that fits (4096, 4096.0).
  case number(Double, whole: Int?)
  case string(String)
  case array([ConfigValue])
  case object([String: ConfigValue])

  public init(from decoder: Decoder) throws {
    let value = try decoder.singleValueContainer()
    if value.decodeNil() {
      self = .null
    } else if let flag = try? value.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? value.decode(Double.self) {
      // Decoded as an integer too: a double holds whole numbers exactly only up to 2^53.
      let whole = try? value.decode(Int.self)
      self = .number(number, whole: whole ?? Int(exactly: number))
    } else if let text = try? value.decode(String.self) {
      self = .string(text)
    } else if let items = try? value.decode([ConfigValue].self) {
      self = .array(items)
    } else {
      self = .object(try value.decode([String: ConfigValue].self))
    }
  }

  /// What kind of value this is, for messages: "an array", "a number".
  public var kind: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// The value as the file spells it (`true`, `[1]`, `"12"`), for messages.
  public var text: String {
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number, let whole):
      if number == 0 && number.sign == .minus { return "-0" }
      if let whole { return String(whole) }
      if number == number.rounded(), let whole = UInt64(exactly: abs(number)) {
        return (number < 0 ? "-" : "") + String(whole)
      }
      return String(number)
    case .string(let text): return Self.quoted(text)
    case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
    case .object(let members):
      let sorted = members.sorted { $0.key < $1.key }
      return "{" + sorted.map { Self.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",")
        + "}"
    }
  }

  /// `text` in JSON quotes, with JSON's escapes.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "/": out += "\\/"  // as Foundation's JSON writer escapes it
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
