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
