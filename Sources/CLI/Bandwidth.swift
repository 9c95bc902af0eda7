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
