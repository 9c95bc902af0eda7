import ArgumentParser

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
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      try StandardStreams.flushOutput()
      exit()
    } catch {
      fail(error)
    }
  }

  /// Reports `error` (one line) and exits with its code.
  static func fail(_ error: Error) -> Never {
    if error is StandardStreams.BrokenPipe {
      exitProcess(StandardStreams.brokenPipeExitCode)
    }
    let code = exitCode(for: error)
    if code == .success {
      // Help and --version: their text is the output.
      print(fullMessage(for: error))
      do { try StandardStreams.flushOutput() } catch { fail(error) }
      exitProcess(0)
    }
    let message = Self.message(for: error)
    // A bare exit code (an interrupted sweep's 130) follows the command's own report.
    if !(message.isEmpty && error is ExitCode) {
      let line = Self.oneLine(message.isEmpty ? "\(error)" : message)
      StandardStreams.writeError("Error: \(line)\n")
    }
    exitProcess(code.rawValue)
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
