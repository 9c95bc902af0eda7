/// Why a list argument does not parse, worded once the flag that took it is known.
struct ListProblem: Error {
  let message: @Sendable (_ flag: String) -> String

  func error(_ flag: String) -> CLIError { CLIError(message(flag)) }
}
