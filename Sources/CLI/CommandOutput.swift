import Synchronization

/// Where a command's standard output and error go when it is run in process (the tests): text
/// collected here instead of the process's streams. It is task-local, so commands run
/// concurrently in one process (Swift Testing runs tests in parallel) each collect their own,
/// and a command run without one writes to the real streams exactly as before.
public final class CommandOutput: Sendable {
  /// The collector of the command running in this task, if any.
  @TaskLocal public static var current: CommandOutput?

  private let text = Mutex<(output: String, error: String)>(("", ""))

  public init() {}

  /// What the command wrote to standard output.
  public var standardOutput: String { text.withLock { $0.output } }
  /// What the command wrote to standard error.
  public var standardError: String { text.withLock { $0.error } }

  func write(_ string: String, error: Bool) {
    text.withLock { if error { $0.error += string } else { $0.output += string } }
  }
}

/// `print` for every command of this module: to the task's collector when there is one, else
/// to standard output as `Swift.print` writes it. Shadowing `print` keeps the commands' call
/// sites as they are.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  let text = items.map { "\($0)" }.joined(separator: separator) + terminator
  if let output = CommandOutput.current {
    output.write(text, error: false)
  } else {
    Swift.print(text, terminator: "")
  }
}
