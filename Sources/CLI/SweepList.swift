import ArgumentParser
import Planner

/// A list option of `sweep` (`1,2,8:64:8`, `fp32,bf16`), parsed into typed values once, when
/// ArgumentParser reads the argument. A list that does not parse keeps why, and the command's
/// `validate()` says it naming the flag: ArgumentParser's own message for a value it cannot
/// read could not say which item is wrong nor why.
struct SweepList<Element: SweepListItem>: ExpressibleByArgument {
  let text: String
  let parsed: Result<[Element], ListProblem>

  init(argument: String) {
    text = argument
    do { parsed = .success(try Element.list(argument)) } catch { parsed = .failure(error) }
  }

  /// The values; `check(_:)` in `validate()` has refused a list that does not parse.
  var values: [Element] { (try? parsed.get()) ?? [] }

  /// Refuses a list that did not parse, naming `flag`.
  func check(_ flag: String) throws {
    if case .failure(let problem) = parsed { throw problem.error(flag) }
  }

  var defaultValueDescription: String { text }
}

/// A type `SweepList` holds, and how a list of it is written.
protocol SweepListItem: Sendable {
  static func list(_ text: String) throws(ListProblem) -> [Self]
}

extension Int: SweepListItem {
  static func list(_ text: String) throws(ListProblem) -> [Int] {
    try ListArgument.integers(text)
  }
}

extension String: SweepListItem {
  static func list(_ text: String) throws(ListProblem) -> [String] { try ListArgument.items(text) }
}

extension TrainingPrecision: SweepListItem {
  static func list(_ text: String) throws(ListProblem) -> [TrainingPrecision] {
    try ListArgument.items(text).map { item throws(ListProblem) in
      guard let precision = TrainingPrecision(rawValue: item.lowercased()) else {
        throw ListProblem { "\($0) must be fp32, tf32, bf16, fp16 or fp8 (got '\(item)')" }
      }
      return precision
    }
  }
}

extension AttentionKernel: SweepListItem {
  static func list(_ text: String) throws(ListProblem) -> [AttentionKernel] {
    try ListArgument.values(text, as: AttentionKernel.self)
  }
}

extension Recompute: SweepListItem {
  static func list(_ text: String) throws(ListProblem) -> [Recompute] {
    try ListArgument.values(text, as: Recompute.self)
  }
}
