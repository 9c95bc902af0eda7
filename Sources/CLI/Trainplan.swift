import ArgumentParser
import Foundation

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
      ModelCommand.self, GPUCommand.self, PlanCommand.self, FitCommand.self, PlansCommand.self,
      ExportCommand.self, SweepCommand.self, SweepsCommand.self,
    ]
  )

  @OptionGroup var store: StoreOptions

  public init() {}
}

extension Trainplan {
  /// Parses the process's arguments and runs the command. Errors print as one line on stderr
  /// (`Error: --heads 7 does not divide --d-model 1600`) with a non-zero exit code; help and
  /// version requests print as usual.
  public static func runAsTool(_ arguments: [String]? = nil) -> Never {
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
      exit()
    } catch {
      let code = exitCode(for: error)
      if code == .success { exit(withError: error) }
      let message = Self.message(for: error)
      let line =
        message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init)
        ?? "\(error)"
      FileHandle.standardError.write(Data("Error: \(line)\n".utf8))
      exit(withError: ExitCode(code.rawValue))
    }
  }
}
