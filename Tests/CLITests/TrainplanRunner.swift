import Foundation
import TestSupport

/// Runs the built `trainplan` binary against a database in a temporary folder.
final class TrainplanRunner: @unchecked Sendable {
  let folder = TemporaryFolder()
  let binary = builtProduct("trainplan")
  var db: String { folder.file("plans.sqlite") }

  /// A clean environment: no TRAINPLAN_DB, HOME inside the temporary folder.
  var environment: [String: String] {
    ["HOME": folder.path, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
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

  /// The database's bytes: the main file and its write-ahead log.
  func databaseBytes() -> [Data?] { [fileBytes(db), fileBytes(db + "-wal")] }
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
