import Planner

/// Comma-separated values and `start:end:step` ranges, as `sweep` takes them.
enum ListArgument {
  /// `1,2,4`, `12:48:4`, or a mix (`1,2,8:64:8`): whole numbers, each range inclusive.
  static func integers(_ text: String) throws(ListProblem) -> [Int] {
    var values: [Int] = []
    for part in try items(text) {
      let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
      guard bounds.count <= 3, let numbers = try? bounds.map(Count.parse) else {
        throw ListProblem { "\($0) '\(part)' is not a whole number or a start:end:step range" }
      }
      if numbers.count == 1 {
        values.append(numbers[0])
        continue
      }
      let (start, end, step) = (numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 1)
      guard step > 0, start <= end else {
        throw ListProblem { "\($0) \(part): a range needs start ≤ end and a positive step" }
      }
      // Spans up to the whole 64-bit range: compare steps, not counts, so nothing overflows.
      let span = end.subtractingReportingOverflow(start)
      let steps = span.overflow ? Int.max : span.partialValue / step
      guard steps < 1_000_000 - values.count else {
        throw ListProblem { "\($0) \(part): more than 1,000,000 values" }
      }
      values += (0...steps).map { start + $0 * step }
    }
    return values
  }

  /// Comma-separated names, none empty.
  static func items(_ text: String) throws(ListProblem) -> [String] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingSpace }
    if parts.contains(where: \.isEmpty) {
      throw ListProblem { "\($0) must be comma-separated values with none empty (got '\(text)')" }
    }
    return parts
  }

  /// Comma-separated values of an enumeration, e.g. `naive,flash`.
  static func values<T: RawRepresentable & CaseIterable>(_ text: String, as: T.Type)
    throws(ListProblem) -> [T] where T.RawValue == String
  {
    try items(text).map { item throws(ListProblem) in
      guard let value = T(rawValue: item.lowercased()) else {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        throw ListProblem { "\($0) '\(item)' is not one of \(allowed)" }
      }
      return value
    }
  }

  /// `items(text)`, a refusal naming `flag`.
  static func items(_ text: String, flag: String) throws -> [String] {
    do { return try items(text) } catch { throw error.error(flag) }
  }
}
