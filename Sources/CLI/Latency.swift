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
