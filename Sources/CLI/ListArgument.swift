import Planner

/// Comma-separated values and `start:end:step` ranges, as `sweep` takes them.
enum ListArgument {
  /// `1,2,4`, `12:48:4`, or a mix (`1,2,8:64:8`): whole numbers, each range inclusive.
  static func integers(_ text: String, flag: String) throws -> [Int] {
    var values: [Int] = []
    for part in try items(text, flag: flag) {
      let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard bounds.count <= 3, let numbers = try? bounds.map(Count.parse) else {
        throw CLIError("\(flag) '\(part)' is not a whole number or a start:end:step range")
      }
      if numbers.count == 1 {
        values.append(numbers[0])
        continue
      }
      let (start, end, step) = (numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 1)
      guard step > 0, start <= end else {
        throw CLIError("\(flag) \(part): a range needs start ≤ end and a positive step")
      }
      // Spans up to the whole 64-bit range: compare steps, not counts, so nothing overflows.
      let span = end.subtractingReportingOverflow(start)
      let steps = span.overflow ? Int.max : span.partialValue / step
      guard steps < 1_000_000 - values.count else {
        throw CLIError("\(flag) \(part): more than 1,000,000 values")
      }
      values += (0...steps).map { start + $0 * step }
    }
    return values
  }

  /// Comma-separated names, none empty.
  static func items(_ text: String, flag: String) throws -> [String] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingSpace }
    if parts.contains(where: \.isEmpty) {
      throw CLIError("\(flag) must be comma-separated values with none empty (got '\(text)')")
    }
    return parts
  }

  /// Comma-separated values of an enumeration, e.g. `fp32,bf16`.
  static func values<T: RawRepresentable & CaseIterable>(_ text: String, flag: String, as: T.Type)
    throws -> [T] where T.RawValue == String
  {
    try items(text, flag: flag).map { item in
      guard let value = T(rawValue: item.lowercased()) else {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw CLIError("\(flag) '\(item)' is not one of \(allowed)")
      }
      return value
    }
  }
}
