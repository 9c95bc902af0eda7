import CLI
import Foundation
import TestSupport
import Testing

/// Runs trainplan's commands in this process, as `Trainplan.runAsTool` runs them (the same
/// parsing, error reporting and exit codes), against a database in a temporary folder. Output
/// is collected per command, so tests running in parallel never see each other's. What goes
/// through `FileSink` (`export` and `report` to `-`) is written to the descriptor, not collected:
/// give those an `--output` file.
final class InProcessRunner: Sendable {
  /// A file in a temporary folder, or a new server database when the run puts its storage
  /// there (`TestDatabase`).
  let database = TestDatabase.forCommands()
  var folder: TemporaryFolder { database.folder }
  var db: String { database.location }

  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// `trainplan --db DB args…`
  @discardableResult
  func run(_ args: [String]) -> Result {
    let output = CommandOutput()
    let status = CommandOutput.$current.withValue(output) {
      Trainplan.execute(["--db", db] + args)
    }
    return Result(status: status, stdout: output.standardOutput, stderr: output.standardError)
  }

  @discardableResult
  func run(_ line: String) -> Result { run(line.split(separator: " ").map(String.init)) }

  /// Runs and parses stdout as JSON; fails the caller when the command failed.
  func json(_ line: String) throws -> Any { try json(line.split(separator: " ").map(String.init)) }

  func json(_ args: [String]) throws -> Any {
    let r = run(args)
    guard r.status == 0 else { throw Failure("trainplan \(args) exited \(r.status): \(r.stderr)") }
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
  }

  /// The database's bytes, the main file's and its write-ahead log's; on a server, its rows.
  func databaseBytes() -> [Data?] { database.recordedContents() }
}
