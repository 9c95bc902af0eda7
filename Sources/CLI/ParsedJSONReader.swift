extension ParsedJSON {
  struct Malformed: Error {}

  /// The grammar `JSONSerialization`'s parser accepted: RFC 8259 plus trailing commas, at most
  /// 512 nested containers, whitespace of space, tab, CR and LF only.
  struct Reader {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws -> ParsedJSON {
      let value = try self.value()
      skipWhitespace()
      guard index == bytes.count else { throw Malformed() }
      return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
      while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { index += 1 }
    }

    private mutating func value() throws -> ParsedJSON {
      skipWhitespace()
      switch current ?? 0 {
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "{"): return try object()
      case UInt8(ascii: "["): return try array()
      case UInt8(ascii: "t"):
        try literal("true")
        return .bool(true)
      case UInt8(ascii: "f"):
        try literal("false")
        return .bool(false)
      case UInt8(ascii: "n"):
        try literal("null")
        return .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
      default: throw Malformed()
      }
    }

    private mutating func literal(_ word: String) throws {
      for c in word.utf8 {
        guard current == c else { throw Malformed() }
        index += 1
      }
    }

    private mutating func enter() throws {
      guard depth < 512 else { throw Malformed() }
      depth += 1
      index += 1
    }

    /// After an element: the closing byte ends the container (true), a comma goes on (false),
    /// and a comma right before the closing byte ends it too.
    private mutating func separator(closing: UInt8) throws -> Bool {
      skipWhitespace()
      if current == closing {
        index += 1
        return true
      }
      guard current == UInt8(ascii: ",") else { throw Malformed() }
      index += 1
      skipWhitespace()
      if current == closing {
        index += 1
        return true
      }
      return false
    }

    private mutating func array() throws -> ParsedJSON {
      try enter()
      defer { depth -= 1 }
      var items: [ParsedJSON] = []
      skipWhitespace()
      if current == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      repeat { items.append(try value()) } while try !separator(closing: UInt8(ascii: "]"))
      return .array(items)
    }

    private mutating func object() throws -> ParsedJSON {
      try enter()
      defer { depth -= 1 }
      var members: [String: ParsedJSON] = [:]
      skipWhitespace()
      if current == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      repeat {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw Malformed() }
        let key = try string()
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw Malformed() }
        index += 1
        members[key] = try value()
      } while try !separator(closing: UInt8(ascii: "}"))
      return .object(members)
    }

    // MARK: Strings

    private mutating func string() throws -> String {
      index += 1  // the opening quote
      var out: [UInt8] = []
      while let c = current {
        index += 1
        switch c {
        case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
        case 0..<0x20: throw Malformed()
        case UInt8(ascii: "\\"): out += Array(String(try escape()).utf8)
        default: out.append(c)
        }
      }
      throw Malformed()
    }

    private mutating func escape() throws -> Unicode.Scalar {
      guard let c = current else { throw Malformed() }
      index += 1
      switch c {
      case UInt8(ascii: "\""): return "\""
      case UInt8(ascii: "\\"): return "\\"
      case UInt8(ascii: "/"): return "/"
      case UInt8(ascii: "b"): return "\u{8}"
      case UInt8(ascii: "f"): return "\u{C}"
      case UInt8(ascii: "n"): return "\n"
      case UInt8(ascii: "r"): return "\r"
      case UInt8(ascii: "t"): return "\t"
      case UInt8(ascii: "u"): return try unicodeEscape()
      default: throw Malformed()
      }
    }

    /// `\uXXXX`, a high surrogate only with its low one right after (`\uD83D\uDE00`).
    private mutating func unicodeEscape() throws -> Unicode.Scalar {
      let unit = try hex4()
      if unit & 0xFC00 == 0xD800 {
        try literal("\\u")
        let low = try hex4()
        guard low & 0xFC00 == 0xDC00 else { throw Malformed() }
        let value = 0x10000 + (UInt32(unit) - 0xD800) * 0x400 + (UInt32(low) - 0xDC00)
        guard let scalar = Unicode.Scalar(value) else { throw Malformed() }
        return scalar
      }
      guard let scalar = Unicode.Scalar(unit) else { throw Malformed() }
      return scalar
    }

    private mutating func hex4() throws -> UInt16 {
      var value: UInt16 = 0
      for _ in 0..<4 {
        guard let c = current, let digit = Int(String(UnicodeScalar(c)), radix: 16) else {
          throw Malformed()
        }
        value = value << 4 | UInt16(digit)
        index += 1
      }
      return value
    }

    // MARK: Numbers

    /// The number's text: `-`? then `0` or digits not starting with 0, an optional fraction
    /// and exponent; it must end at whitespace, `,`, `]`, `}` or the end.
    private mutating func number() throws -> String {
      let start = index
      if current == UInt8(ascii: "-") { index += 1 }
      if current == UInt8(ascii: "0") {
        index += 1
      } else {
        guard digits() > 0 else { throw Malformed() }
      }
      if current == UInt8(ascii: ".") {
        index += 1
        guard digits() > 0 else { throw Malformed() }
      }
      if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
        index += 1
        if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw Malformed() }
      }
      switch current {
      case nil, 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
        return String(decoding: bytes[start..<index], as: UTF8.self)
      default: throw Malformed()
      }
    }

    private mutating func digits() -> Int {
      var count = 0
      while let c = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) {
        index += 1
        count += 1
      }
      return count
    }
  }
}
