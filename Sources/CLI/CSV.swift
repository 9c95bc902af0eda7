import Storage

/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; CRLF line ends.
/// A plan's row is its JSON flattened: nested keys joined with dots (`memory.total_bytes`),
/// each leaf as its JSON text (strings unquoted, null empty). Rows are written as bytes
/// straight into the output buffer: an export of a million plans spends its time here.
enum CSV {
  /// One record of names or texts.
  static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
    for (i, field) in fields.enumerated() {
      if i > 0 { out.append(comma) }
      appendField(field, to: &out)
    }
    out += crlf
  }

  /// One record of a stored plan's leaves, in `RecordJSON.planColumns` order.
  static func appendPlan(_ stored: StoredPlan, to out: inout [UInt8]) {
    var first = true
    RecordJSON.planLeaves(
      stored.plan, id: stored.id, createdAt: stored.createdAt, sweepID: stored.sweepID,
      uuid: stored.uuid, origin: stored.origin
    ) { _, _, value in
      if !first { out.append(comma) }
      first = false
      appendLeaf(value, to: &out)
    }
    out += crlf
  }

  /// A leaf as its JSON text, strings unquoted and null empty.
  static func appendLeaf(_ value: JSONValue, to out: inout [UInt8]) {
    switch value {
    case .null: break
    case .string(let s): appendField(s, to: &out)
    case .int(let i): appendInteger(i, to: &out)
    case .double(let d): out += JSONValue.number(d).utf8
    case .bool(let b): out += (b ? "true" : "false").utf8
    case .array, .object: appendField(value.text(), to: &out)
    }
  }

  /// Decimal digits without building a String: most of an export's fields are integers.
  static func appendInteger(_ value: Int, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var start = 20
      repeat {
        start -= 1
        digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
    }
  }

  static func appendField(_ text: String, to out: inout [UInt8]) {
    var text = text
    let plain = text.withUTF8 { bytes in
      !bytes.contains { $0 == comma || $0 == quote || $0 == 10 || $0 == 13 }
    }
    text.withUTF8 { bytes in
      if plain {
        out.append(contentsOf: bytes)
        return
      }
      // Quoted, each quote doubled; the runs between quotes are copied whole (a plan's JSON
      // fields are hundreds of bytes).
      out.append(quote)
      var start = 0
      for i in bytes.indices where bytes[i] == quote {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...i]))
        out.append(quote)
        start = i + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
      out.append(quote)
    }
  }

  private static let comma = UInt8(ascii: ",")
  private static let quote = UInt8(ascii: "\"")
  private static let crlf: [UInt8] = [13, 10]
}
