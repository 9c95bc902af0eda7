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
    let number = try NumberText(text)
    guard
      let unit = number.suffix.isEmpty
        ? (suffix: "b", factor: 1.0) : units.first(where: { $0.suffix == number.suffix })
    else {
      throw ArgumentError(
        description:
          "unknown unit '\(number.suffix)'; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB")
    }
    if unit.factor == 1, let exact = number.exactInteger {
      guard exact > 0 else { throw ArgumentError(description: "memory must be positive") }
      return exact
    }
    let value = try number.value()
    // A fraction of a byte is a typo, not a size (1.5 used to be taken as 2 bytes).
    if unit.factor == 1 && value != value.rounded() {
      throw ArgumentError(description: "a byte count must be a whole number")
    }
    let bytes = (value * unit.factor).rounded()
    guard bytes >= 1 else { throw ArgumentError(description: "memory must be at least one byte") }
    guard bytes < 9.2e18 else { throw ArgumentError(description: "memory must be below 8 EiB") }
    return Int(bytes)
  }
}

extension MemorySize {
  /// Like `parse`, but zero is a valid reserve.
  static func parseReserve(_ text: String) throws -> Int {
    if let number = try? NumberText(text), number.literal.allSatisfy({ $0 == "0" || $0 == "." }),
      units.contains(where: { $0.suffix == number.suffix }) || number.suffix.isEmpty
    {
      return 0
    }
    return try parse(text)
  }
}

/// A whole number typed as digits, in scientific notation (`2e12`) or with a suffix (`300B`,
/// `1.5T`, `400k`, `2M`): the way people write token counts. The grammar is `NumberText`'s.
enum Count {
  static let suffixes: [String: Double] = ["k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12]

  static func parse(_ text: String) throws -> Int {
    let number = try NumberText(text)
    if number.suffix.isEmpty, let exact = number.exactInteger { return exact }
    guard let factor = number.suffix.isEmpty ? 1 : suffixes[number.suffix] else {
      throw ArgumentError(
        description: "unknown suffix '\(number.suffix)'; use k, M, B (or G) or T, e.g. 400k or 300B"
      )
    }
    let value = try number.value() * factor
    guard abs(value) < 9.2e18 else {
      throw ArgumentError(description: "must be below 9.2e18, the 64-bit integer range")
    }
    guard value == value.rounded() else {
      throw ArgumentError(description: "must be a whole number")
    }
    return Int(value)
  }
}

extension AttentionKernel: ExpressibleByArgument {}
extension FeedForwardKind: ExpressibleByArgument {}
extension NormKind: ExpressibleByArgument {}
extension BiasKind: ExpressibleByArgument {}
extension PositionalKind: ExpressibleByArgument {}
extension AccountingMethod: ExpressibleByArgument {}

/// A data rate typed with its unit: `300GB/s`, `2.4Tb/s`, `25 GiB/s`, `200Gb/s`, `864MB/s`.
/// `B` is bytes and `b` bits (the one place case matters: `Gb/s` is an eighth of `GB/s`); the
/// prefixes k, M, G, T are powers of 10 and Ki, Mi, Gi, Ti of 2 (bytes only). A unit is
/// required: a bare number could be either. Returns bytes per second.
enum Bandwidth {
  static let units =
    "GB/s, Gb/s, GiB/s, MB/s, Mb/s, MiB/s, TB/s, Tb/s, TiB/s, kB/s or kb/s (B = bytes, b = bits)"

  static func parse(_ text: String) throws -> Double {
    let number = try NumberText(text)
    let typed = number.typedSuffix
    guard !typed.isEmpty else {
      throw ArgumentError(description: "a rate needs its unit: \(units), e.g. 300GB/s")
    }
    guard typed.hasSuffix("/s"), let last = typed.dropLast(2).last, last == "B" || last == "b"
    else {
      throw ArgumentError(description: "unknown unit '\(typed)'; use \(units)")
    }
    let bits = last == "b"
    let prefix = typed.dropLast(3).lowercased()
    let factors: [String: Double] = [
      "": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12,
      "ki": 1_024, "mi": 1_048_576, "gi": 1_073_741_824, "ti": 1_099_511_627_776,
    ]
    guard let factor = factors[prefix], !(bits && prefix.hasSuffix("i")) else {
      throw ArgumentError(description: "unknown unit '\(typed)'; use \(units)")
    }
    let value = try number.value() * factor / (bits ? 8 : 1)
    guard value.isFinite else {
      throw ArgumentError(description: "too large: beyond 1.8e308 bytes per second")
    }
    return value
  }
}

/// A latency typed with its unit: `10us` (or `10µs`), `0.5ms`, `800ns`, `1e-5s`. A unit is
/// required. Returns seconds.
enum Latency {
  static let units = "s, ms, us (or µs) or ns"

  static func parse(_ text: String) throws -> Double {
    let number = try NumberText(text)
    // Divisors, not factors of 1e-6 (inexact): 10us is then the double nearest 1e-5.
    let divisors: [String: Double] = [
      "s": 1, "ms": 1e3, "us": 1e6, "µs": 1e6, "μs": 1e6, "ns": 1e9,
    ]
    guard !number.suffix.isEmpty else {
      throw ArgumentError(description: "a latency needs its unit: \(units), e.g. 10us")
    }
    guard let divisor = divisors[number.suffix] else {
      throw ArgumentError(description: "unknown unit '\(number.typedSuffix)'; use \(units)")
    }
    return try number.value() / divisor
  }
}

/// A whole count of GPUs (`8`, `72`), in the one number grammar; its range is the planner's.
enum WholeNumber {
  static func parse(_ text: String) throws -> Int {
    let number = try NumberText(text)
    guard number.suffix.isEmpty else {
      throw ArgumentError(
        description: "unexpected '\(number.typedSuffix)' after the number; write a whole number")
    }
    guard let exact = number.exactInteger else {
      throw ArgumentError(description: "must be a whole number below 9.2e18")
    }
    return exact
  }
}
