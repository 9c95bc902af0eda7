import Foundation
import TestSupport
import Testing

/// Runs the built `trainplan` binary against a database in a temporary folder.
final class TrainplanRunner: @unchecked Sendable {
  /// A file in a temporary folder, or a new server database when the run puts its storage
  /// there (`TestDatabase`).
  let database = TestDatabase.forCommands()
  var folder: TemporaryFolder { database.folder }
  var db: String { database.location }
  let binary = builtProduct("trainplan")

  /// A clean environment: no TRAINPLAN_DB, HOME inside the temporary folder.
  var environment: [String: String] {
    var environment = ["HOME": folder.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    if TestDatabase.onServer { environment["PGPASSWORD"] = TestDatabase.environment["PGPASSWORD"] }
    return environment
  }

  /// `trainplan --db DB args…`
  @discardableResult
  func run(_ args: [String], db: String? = nil, stdin: String? = nil) throws -> ProcessResult {
    try TestSupport.run(
      binary, ["--db", db ?? self.db] + args, environment: environment, stdin: stdin, in: folder)
  }

  @discardableResult
  func run(_ line: String) throws -> ProcessResult {
    try run(line.split(separator: " ").map(String.init))
  }

  /// Runs and parses stdout as JSON; fails the caller when the command failed.
  func json(_ args: [String]) throws -> Any {
    let r = try run(args)
    guard r.status == 0 else { throw Failure("trainplan \(args) exited \(r.status): \(r.stderr)") }
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
  }

  func json(_ line: String) throws -> Any { try json(line.split(separator: " ").map(String.init)) }

  /// The database's bytes, the main file's and its write-ahead log's; on a server, its rows.
  func databaseBytes() -> [Data?] { database.recordedContents() }

  /// Runs each command and expects it refused: a non-zero exit without a signal, one
  /// `Error: ` line on stderr, and the database's bytes as they were before the first.
  func expectRefusedChangingNothing(
    _ commands: [[String]], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = databaseBytes()
    for args in commands {
      let r = try run(args)
      #expect(
        r.status != 0 && !r.signaled, "\(args) exited \(r.status)", sourceLocation: sourceLocation)
      let lines = r.stderr.split(separator: "\n")
      #expect(lines.count == 1, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
      #expect(
        lines.first?.hasPrefix("Error: ") == true, "\(args): \(r.stderr)",
        sourceLocation: sourceLocation)
      #expect(
        databaseBytes() == before, "\(args) changed the database", sourceLocation: sourceLocation)
    }
  }

  func expectRefusedChangingNothing(
    _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try expectRefusedChangingNothing(
      lines.map { $0.split(separator: " ").map(String.init) }, sourceLocation: sourceLocation)
  }
}

/// A JSON object's member by a dotted path, e.g. `memory.total_bytes`.
func value(_ json: Any, _ path: String) -> Any? {
  var current: Any? = json
  for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
  return current
}

func int(_ json: Any, _ path: String) -> Int? { (value(json, path) as? NSNumber)?.intValue }
func double(_ json: Any, _ path: String) -> Double? {
  (value(json, path) as? NSNumber)?.doubleValue
}
