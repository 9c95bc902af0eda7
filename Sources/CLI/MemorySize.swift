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
