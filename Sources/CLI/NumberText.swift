/// The one grammar of every number a flag takes, so `--mfu`, `--memory` and `--tokens` read
/// numbers alike: surrounding spaces or tabs ignored; an optional sign; decimal digits with an
/// optional fraction and exponent (`1024`, `0.5`, `.5`, `3e11`, `1.5E-3`); then, with optional
/// spaces before it, the suffix the flag documents (`400k`, `80 GiB`). No hexadecimal, no
/// `nan` or `inf`, no thousands separators (`_`, `,`): lists are comma-separated, and
/// `1,000` would read as two numbers there.
struct NumberText {
  /// The number without its suffix, exactly as typed (sign included).
  let literal: String
  /// The suffix, lowercased; empty when none.
  let suffix: String
  /// The suffix as typed (case kept: `GB/s` is bytes, `Gb/s` bits); empty when none.
  let typedSuffix: String
  /// Whether `literal` has neither a fraction nor an exponent.
  let isInteger: Bool

  init(_ text: String) throws {
    let trimmed = Substring(text).trimmingSpace
    if trimmed.isEmpty { throw ArgumentError(description: "empty; write a number, e.g. 1024") }
    if trimmed.contains("_") || trimmed.contains(",") {
      throw ArgumentError(
        description: "thousands separators (_ or ,) are not accepted; write 1000000 or 1M")
    }
    let lower = trimmed.lowercased()
    if lower.hasPrefix("0x") || lower.hasPrefix("-0x") || lower.hasPrefix("+0x") {
      throw ArgumentError(description: "hexadecimal numbers are not accepted; write decimal digits")
    }
    var scalars = Substring(lower).unicodeScalars[...]
    var literal = ""
    func take(_ accept: (Unicode.Scalar) -> Bool) -> Int {
      var count = 0
      while let c = scalars.first, accept(c) {
        literal.unicodeScalars.append(c)
        scalars.removeFirst()
        count += 1
      }
      return count
    }
    let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
    _ = take { ($0 == "-" || $0 == "+") && literal.isEmpty }
    var digits = take(isDigit)
    var integer = true
    if scalars.first == "." {
      integer = false
      _ = take { $0 == "." && !literal.contains(".") }
      digits += take(isDigit)
    }
    guard digits > 0 else {
      throw ArgumentError(description: "not a number; write decimal digits, e.g. 1024, 0.5 or 3e11")
    }
    if scalars.first == "e", let next = scalars.dropFirst().first,
      isDigit(next)
        || ((next == "-" || next == "+") && scalars.dropFirst(2).first.map(isDigit) == true)
    {
      integer = false
      literal += "e"
      scalars.removeFirst()
      _ = take { ($0 == "-" || $0 == "+") && literal.last == "e" }
      _ = take(isDigit)
    }
    self.literal = literal
    self.suffix = String(String.UnicodeScalarView(scalars)).trimmingSpace
    // The literal is ASCII (digits, sign, '.', 'e'), so it spans as many scalars in the text as
    // typed as in its lowercased form.
    self.typedSuffix =
      String(
        String.UnicodeScalarView(
          Substring(trimmed).unicodeScalars.dropFirst(
            literal.unicodeScalars.count))
      ).trimmingSpace
    self.isInteger = integer
    if suffix.unicodeScalars.contains(where: { isDigit($0) || $0 == "." }) {
      throw ArgumentError(description: "not a number; write decimal digits, e.g. 1024, 0.5 or 3e11")
    }
  }

  /// The value as a double (suffix not applied); finite for every literal the grammar takes
  /// except exponents past 10³⁰⁸, which are refused as too large.
  func value() throws -> Double {
    guard let value = Double(literal), value.isFinite else {
      throw ArgumentError(description: "too large: beyond 1.8e308, the largest double")
    }
    return value
  }

  /// The exact integer of a literal without fraction or exponent, when it fits in 64 bits.
  var exactInteger: Int? { isInteger ? Int(literal) : nil }

  /// Refuses any suffix: for flags that take a plain number.
  func plain() throws -> Double {
    if !suffix.isEmpty {
      throw ArgumentError(
        description: "unexpected '\(suffix)' after the number; write a plain number")
    }
    return try value()
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces and tabs: the one white-space rule of every value.
  var trimmingSpace: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return String(s)
  }
}

/// A plain decimal number (`--mfu 0.45`, `--bf16-tflops 312`, `--price-per-hour 2.5`).
enum Real {
  static func parse(_ text: String) throws -> Double { try NumberText(text).plain() }
}
