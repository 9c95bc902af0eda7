import ArgumentParser
import ConfigImport
import Planner
import Storage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// C's `exit`, named apart from `ParsableCommand.exit()`, which hides it inside the type.
private func exitProcess(_ code: Int32) -> Never { exit(code) }

/// The root command.
public struct Trainplan: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "trainplan",
    abstract: "Plan AdamW training of transformer LMs: memory, fit, largest batch, FLOPs, days.",
    discussion: """
      Memory is shown in GiB (2^30 bytes). Memory flags take 80GiB, 80GB (10^9), 81920MiB, 512MB \
      or plain bytes. The accounting follows SPEC.md's seed method unless an option says otherwise.
      """,
    version: "0.1.0",
    subcommands: [
      ModelCommand.self, GPUCommand.self, ClusterCommand.self, PlanCommand.self,
      FitCommand.self, PlansCommand.self, ExportCommand.self, ReportCommand.self,
      SweepCommand.self, SweepsCommand.self, SearchCommand.self, DatabaseCommand.self,
      ImportCommand.self,
    ]
  )

  @OptionGroup var store: StoreOptions

  public init() {}
}

extension Trainplan {
  /// Parses the process's arguments and runs the command. Errors print as one line on stderr
  /// (`Error: --heads 7 does not divide --d-model 1600`) with a non-zero exit code; help and
  /// version requests print as usual. Standard streams are best-effort for diagnostics: a
  /// closed, full or broken stderr never stops or crashes a command (see `StandardStreams`).
  public static func runAsTool(_ arguments: [String]? = nil) -> Never {
    StandardStreams.prepare()
    Interrupt.unblock()
    let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
    exitProcess(arguments == ["--version"] ? printVersion() : execute(arguments))
  }

  /// `trainplan --version` answered without the parser, which would first build every
  /// command's arguments by reflection (about two thirds of the call's instructions, issue 17):
  /// the same text, stream handling and exit code as the parser's answer (`execute`), which
  /// the tests compare. Any other spelling (`--db x --version`) goes through the parser.
  static func printVersion() -> Int32 {
    print(configuration.version)
    do { try StandardStreams.flushOutput() } catch { return report(error) }
    return 0
  }

  /// Parses `arguments` and runs the command; returns the exit code. What `runAsTool` does
  /// without leaving the process, so the tests can run commands in process, their output
  /// collected by a `CommandOutput`.
  public static func execute(_ arguments: [String]?) -> Int32 {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      try StandardStreams.flushOutput()
      return 0
    } catch {
      return report(error)
    }
  }

  /// Reports `error` (one line) and returns its exit code. The planner's and the store's
  /// errors become messages here, the one place, with fields named as the flags that set them.
  static func report(_ error: Error) -> Int32 {
    let error = userFacing(error)
    if error is StandardStreams.BrokenPipe { return StandardStreams.brokenPipeExitCode }
    let code = exitCode(for: error)
    if code == .success {
      // Help and --version: their text is the output.
      print(fullMessage(for: error))
      do { try StandardStreams.flushOutput() } catch { return report(error) }
      return 0
    }
    let message = Self.message(for: error)
    // A bare exit code (an interrupted sweep's 130) follows the command's own report.
    if !(message.isEmpty && error is ExitCode) {
      let line = Self.oneLine(message.isEmpty ? "\(error)" : message)
      StandardStreams.writeError("Error: \(line)\n")
    }
    return code.rawValue
  }

  /// `error` as the user reads it: the planner's and the store's errors as `CLIError`s (exit
  /// code 1, as for every failed command), any other error as it is.
  static func userFacing(_ error: Error) -> Error {
    switch error {
    case is PlannerError, is StoreError, is DatabaseError, is ConfigImportError:
      return CLIError(error)
    default: return error
    }
  }

  /// `message` as one line: control characters escaped (`\n`, `\u{1B}`), not cut at the first
  /// line break. Names and values typed by the user appear in messages, and a newline in one
  /// used to cut the message short, an escape sequence to reach the terminal.
  static func oneLine(_ message: String) -> String {
    var out = ""
    var text = Substring(message)
    while text.last?.isNewline == true { text.removeLast() }
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.properties.generalCategory == .control:
        out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
