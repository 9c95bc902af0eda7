#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A JSON document read as Foundation's `JSONSerialization` read it, without Foundation's
/// internationalisation layer (which `JSONSerialization` pulls in: 50 MB of the binary). The
/// same documents are accepted (UTF-8, a UTF-8 BOM, or UTF-16/32 detected by its zero bytes;
/// trailing commas; 512 levels), the last of duplicate keys wins, and `text` prints a value
/// as `JSONSerialization.data(withJSONObject:options: .sortedKeys)` did, so messages that quote
/// a file's value stay byte for byte what they were.
enum ParsedJSON: Equatable {
  case null
  case bool(Bool)
  /// The number as the file spells it; `value` and `text` read it as Foundation did.
  case number(String)
  case string(String)
  indirect case array([ParsedJSON])
  indirect case object([String: ParsedJSON])

  /// The document in `bytes`, or nil when it is not JSON.
  static func parse(_ bytes: [UInt8]) -> ParsedJSON? {
    guard let utf8 = Self.utf8(bytes) else { return nil }
    var reader = Reader(bytes: utf8)
    guard let value = try? reader.document(), value.isValid else { return nil }
    return value
  }

  /// The number's value, as the `NSNumber` Foundation made of it gave its `doubleValue`.
  var value: Double? {
    guard case .number(let text) = self else { return nil }
    switch Self.kind(text) {
    case .signed(let i): return Double(i)
    case .unsigned(let u): return Double(u)
    case .decimal, .double: return Double(text)
    case nil: return nil
    }
  }

  /// Compact JSON, keys sorted as `JSONSerialization`'s `.sortedKeys` sorts them (numeric,
  /// case-insensitive), strings escaped as it escaped them (`/` as `\/`).
  var text: String {
    var out = ""
    write(into: &out)
    return out
  }

  private func write(into out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let text): out += Self.numberText(text)
    case .string(let s): Self.quote(s, into: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += "," }
        item.write(into: &out)
      }
      out += "]"
    case .object(let members):
      out += "{"
      for (i, key) in members.keys.sorted(by: Self.sortedKeyOrder).enumerated() {
        if i > 0 { out += "," }
        Self.quote(key, into: &out)
        out += ":"
        members[key]!.write(into: &out)
      }
      out += "}"
    }
  }

  /// A number can be valid JSON and still have no Foundation value (`1e400`): such a
  /// document was refused whole.
  private var isValid: Bool {
    switch self {
    case .number(let text): return Self.kind(text) != nil
    case .array(let items): return items.allSatisfy(\.isValid)
    case .object(let members): return members.values.allSatisfy(\.isValid)
    default: return true
    }
  }

  // MARK: Numbers, as `NSNumber.fromJSONNumber` typed them

  enum NumberKind: Equatable {
    case signed(Int64)
    case unsigned(UInt64)
    case decimal(Decimal)
    case double(Double)
  }

  /// Int64, else UInt64 for integers; Decimal for more than 17 characters before a lowercase
  /// `e` whose exponent fits it; else a finite Double. (Foundation's own rules, quirks kept:
  /// `1E2` counts as an integer candidate and its length counts the sign and point.)
  static func kind(_ text: String) -> NumberKind? {
    let exponentIndex = text.firstIndex(of: "e")
    let isInteger = !text.contains(".") && exponentIndex == nil
    let digitCount = text[..<(exponentIndex ?? text.endIndex)].count
    if isInteger {
      if text.hasPrefix("-") {
        if digitCount <= 19, let i = Int64(text) { return .signed(i) }
      } else if digitCount <= 20, let u = UInt64(text) {
        return .unsigned(u)
      }
    }
    var exponent = 0
    if let exponentIndex, let parsed = Int(text[text.index(after: exponentIndex)...]) {
      exponent = parsed
    }
    if digitCount > 17, exponent >= -128, exponent <= 127, let d = Decimal(string: text),
      d.isFinite
    {
      return .decimal(d)
    }
    if let d = Double(text), d.isFinite { return .double(d) }
    return nil
  }

  static func numberText(_ text: String) -> String {
    switch kind(text) {
    case .signed(let i): return String(i)
    case .unsigned(let u): return String(u)
    case .decimal(let d): return d.description
    case .double(let d):
      let shown = d.description
      return shown.hasSuffix(".0") ? String(shown.dropLast(2)) : shown
    case nil: return text
    }
  }

  // MARK: Text

  static func quote(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "/": out += "\\/"
      case "\u{8}": out += "\\b"
      case "\u{C}": out += "\\f"
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

  /// `.sortedKeys`' order: letters without case, runs of digits by their value
  /// (`a9` before `a10`), then the plain order to break ties.
  static func sortedKeyOrder(_ a: String, _ b: String) -> Bool {
    let (x, y) = (sortKey(a), sortKey(b))
    return x != y ? x.lexicographicallyPrecedes(y) : a < b
  }

  /// Each digit run becomes (0, its length without leading zeros, its digits); each other
  /// character (1 + its lowercase code point), so digits sort before letters, as they do.
  private static func sortKey(_ s: String) -> [UInt32] {
    var key: [UInt32] = []
    var digits: [UInt32] = []
    func flush() {
      guard !digits.isEmpty else { return }
      let significant = Array(digits.drop { $0 == 0 })
      key += [0, UInt32(significant.count)] + significant
      digits = []
    }
    for scalar in s.lowercased().unicodeScalars {
      if ("0"..."9").contains(scalar) {
        digits.append(scalar.value - 48)
      } else {
        flush()
        key.append(1 + scalar.value)
      }
    }
    flush()
    return key
  }

  // MARK: Encodings

  /// UTF-8 bytes of the document: a UTF-8 BOM dropped, UTF-16 or UTF-32 (told by where the
  /// zero bytes of its first characters are) transcoded; nil when that fails.
  static func utf8(_ bytes: [UInt8]) -> [UInt8]? {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
    let b = bytes + [1, 1, 1, 1]  // padding, so short input reads as non-zero
    if bytes.count >= 4 {
      switch (b[0] == 0, b[1] == 0, b[2] == 0, b[3] == 0) {
      case (true, true, true, _): return transcodeUTF32(bytes, bigEndian: true)
      case (_, true, true, true): return transcodeUTF32(bytes, bigEndian: false)
      case (true, _, true, _): return transcodeUTF16(bytes, bigEndian: true)
      case (_, true, _, true): return transcodeUTF16(bytes, bigEndian: false)
      default: return bytes
      }
    } else if bytes.count >= 2 {
      if b[0] == 0 { return transcodeUTF16(bytes, bigEndian: true) }
      if b[1] == 0 { return transcodeUTF16(bytes, bigEndian: false) }
    }
    return bytes
  }

  private static func transcodeUTF16(_ bytes: [UInt8], bigEndian: Bool) -> [UInt8]? {
    guard bytes.count % 2 == 0 else { return nil }
    let units = stride(from: 0, to: bytes.count, by: 2).map { i -> UInt16 in
      let (hi, lo) = bigEndian ? (bytes[i], bytes[i + 1]) : (bytes[i + 1], bytes[i])
      return UInt16(hi) << 8 | UInt16(lo)
    }
    var out: [UInt8] = []
    let failed = transcode(
      units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true
    ) { out.append($0) }
    return failed ? nil : out
  }

  private static func transcodeUTF32(_ bytes: [UInt8], bigEndian: Bool) -> [UInt8]? {
    guard bytes.count % 4 == 0 else { return nil }
    var out: [UInt8] = []
    for i in stride(from: 0, to: bytes.count, by: 4) {
      let group = bytes[i..<i + 4]
      let mostSignificantFirst = bigEndian ? Array(group) : group.reversed()
      let value = mostSignificantFirst.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      guard let scalar = Unicode.Scalar(value) else { return nil }
      out += Array(String(scalar).utf8)
    }
    return out
  }
}
