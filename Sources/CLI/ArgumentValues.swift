import ArgumentParser
import Planner

/// Why a typed value is not a number of the kind a flag takes; ArgumentParser shows it after
/// "The value 'x' is invalid for '--flag':".
struct ArgumentError: Error, CustomStringConvertible {
  let description: String
}

/// A byte count typed with a unit: `80GiB`, `80GB` (10⁹), `81920MiB`, `512MB`, `1.5TiB`, or plain
/// bytes. Case-insensitive units; no negative, zero-size or overflowing value gets through.
enum MemorySize {
  static let units: [(suffix: String, factor: Double)] = [
    ("kib", 1_024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("tib", 1_099_511_627_776),
    ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("b", 1),
  ]

  /// Bytes, or an error saying what is wrong with `text`.
  static func parse(_ text: String) throws -> Int {
    let lower = text.lowercased().trimmingCharacters(in: " ")
    let unit = units.first { lower.hasSuffix($0.suffix) }
    let number =
      unit.map { String(lower.dropLast($0.suffix.count)).trimmingCharacters(in: " ") } ?? lower
    if unit == nil, let first = number.firstIndex(where: { $0.isLetter }) {
      throw ArgumentError(
        description: "unknown unit '\(text[first...])'; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
      )
    }
    if let exact = Int(number), unit == nil || unit?.factor == 1 {
      guard exact > 0 else { throw ArgumentError(description: "memory must be positive") }
      return exact
    }
    guard !number.isEmpty,
      number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
      let value = Double(number)
    else {
      throw ArgumentError(
        description: "not a memory size; write e.g. 80GiB, 80GB, 81920MiB, 512MB or bytes")
    }
    // A fraction of a byte is a typo, not a size (1.5 used to be taken as 2 bytes).
    if (unit?.factor ?? 1) == 1 && value != value.rounded() {
      throw ArgumentError(description: "a byte count must be a whole number")
    }
    let bytes = (value * (unit?.factor ?? 1)).rounded()
    guard bytes >= 1 else { throw ArgumentError(description: "memory must be at least one byte") }
    guard bytes < 9.2e18 else { throw ArgumentError(description: "memory must be below 8 EiB") }
    return Int(bytes)
  }
}

extension MemorySize {
  /// Like `parse`, but zero is a valid reserve.
  static func parseReserve(_ text: String) throws -> Int {
    if let exact = Int(text.trimmingCharacters(in: " ")), exact == 0 { return 0 }
    return try parse(text)
  }
}

/// A whole number typed as digits (with optional `_` or `,` separators), in scientific notation
/// (`2e12`) or with a suffix (`300B`, `1.5T`, `400k`, `2M`): the way people write token counts.
enum Count {
  static let suffixes: [Character: Double] = ["k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12]

  static func parse(_ text: String) throws -> Int {
    var s = text.lowercased().filter { $0 != "_" && $0 != "," }
    if let exact = Int(s) { return exact }
    var factor = 1.0
    if let last = s.last, let f = suffixes[last] {
      factor = f
      s.removeLast()
    }
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || ".e-+".contains($0)) }),
      let mantissa = Double(s), mantissa.isFinite
    else {
      throw ArgumentError(description: "not a whole number; write e.g. 1024, 400k, 300B or 3e11")
    }
    let value = mantissa * factor
    guard abs(value) < 9.2e18 else {
      throw ArgumentError(description: "must be below 9.2e18, the 64-bit integer range")
    }
    guard value == value.rounded() else {
      throw ArgumentError(description: "must be a whole number")
    }
    return Int(value)
  }
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}

extension AttentionKernel: ExpressibleByArgument {}
extension Checkpointing: ExpressibleByArgument {}
extension FeedForwardKind: ExpressibleByArgument {}
extension NormKind: ExpressibleByArgument {}
extension BiasKind: ExpressibleByArgument {}
extension PositionalKind: ExpressibleByArgument {}
extension AccountingMethod: ExpressibleByArgument {}
