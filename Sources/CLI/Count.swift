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
