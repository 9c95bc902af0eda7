/// A JSON value that keeps its keys in order and its integers exact (Foundation's encoders
/// would print a 64-bit byte count through a Double).
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  // Only the containers are boxed: a scalar leaf costs no allocation.
  indirect case array([JSONValue])
  indirect case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text() == b.text() }

  /// Compact (one line) or indented text.
  public func text(pretty: Bool = false) -> String {
    var out = ""
    write(to: &out, indent: pretty ? "" : nil)
    return out
  }

  private func write(to out: inout String, indent: String?) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += Self.number(d)
    case .string(let s): Self.quote(s, into: &out)
    case .array(let items):
      writeList(items.map { (nil, $0) }, open: "[", close: "]", to: &out, indent: indent)
    case .object(let members):
      writeList(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &out, indent: indent)
    }
  }

  private func writeList(
    _ items: [(String?, JSONValue)], open: String, close: String, to out: inout String,
    indent: String?
  ) {
    out += open
    if items.isEmpty {
      out += close
      return
    }
    let inner = indent.map { $0 + "  " }
    for (i, (key, value)) in items.enumerated() {
      if i > 0 { out += "," }
      if let inner { out += "\n" + inner }
      if let key {
        Self.quote(key, into: &out)
        out += indent == nil ? ":" : ": "
      }
      value.write(to: &out, indent: inner)
    }
    if let indent { out += "\n" + indent }
    out += close
  }

  /// Integral values below 2⁵³ print as integers; others in Swift's shortest round-trip form,
  /// which is valid JSON. Non-finite values have no JSON form and print as null.
  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 9_007_199_254_740_992 { return String(Int(d)) }
    return d.description
  }

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    // Most strings (names, enum values, UUIDs) need no escape: append them whole.
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    ) {
      out += s
      out += "\""
      return
    }
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

extension JSONValue {
  init(_ value: Int?) { self = value.map { .int($0) } ?? .null }
  init(_ value: Double?) { self = value.map { .double($0) } ?? .null }
  init(_ value: String?) { self = value.map { .string($0) } ?? .null }
}
