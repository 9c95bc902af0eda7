/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; CRLF line ends.
/// A plan's row is its JSON flattened: nested keys joined with dots (`memory.total_bytes`),
/// each leaf as its JSON text (strings unquoted, null empty). Rows are written as bytes
/// straight into the output buffer: an export of a million plans spends its time here.
enum CSV {
  /// The column names of a JSON object, in order.
  static func header(_ value: JSONValue, prefix: String = "") -> [String] {
    guard case .object(let members) = value else { return [prefix] }
    return members.flatMap { key, v in header(v, prefix: prefix.isEmpty ? key : prefix + "." + key) }
  }

  /// One record of names or texts.
  static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
    for (i, field) in fields.enumerated() {
      if i > 0 { out.append(comma) }
      appendField(field, to: &out)
    }
    out += crlf
  }

  /// One record of a JSON object's leaves.
  static func appendRow(_ value: JSONValue, to out: inout [UInt8]) {
    var first = true
    appendLeaves(value, first: &first, to: &out)
    out += crlf
  }

  private static func appendLeaves(_ value: JSONValue, first: inout Bool, to out: inout [UInt8]) {
    if case .object(let members) = value {
      for (_, v) in members { appendLeaves(v, first: &first, to: &out) }
      return
    }
    if !first { out.append(comma) }
    first = false
    switch value {
    case .null: break
    case .string(let s): appendField(s, to: &out)
    default: appendField(value.text(), to: &out)
    }
  }

  static func appendField(_ text: String, to out: inout [UInt8]) {
    let utf8 = text.utf8
    guard utf8.contains(where: { $0 == comma || $0 == quote || $0 == 10 || $0 == 13 }) else {
      out += utf8
      return
    }
    out.append(quote)
    for byte in utf8 {
      if byte == quote { out.append(quote) }
      out.append(byte)
    }
    out.append(quote)
  }

  private static let comma = UInt8(ascii: ",")
  private static let quote = UInt8(ascii: "\"")
  private static let crlf: [UInt8] = [13, 10]
}
