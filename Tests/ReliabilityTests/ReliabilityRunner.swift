import Foundation
import TestSupport

/// Runs the built `trainplan` binary against real database files in a temporary folder, and
/// inspects those files through the `StorageLoadTool` helper (SQLite itself, no mock).
final class ReliabilityRunner: @unchecked Sendable {
  let folder = TemporaryFolder()
  let binary = builtProduct("trainplan")
  let tool = builtProduct("StorageLoadTool")
  var db: String { folder.file("plans.sqlite") }

  /// A clean environment: no TRAINPLAN_DB, HOME inside the temporary folder.
  var environment: [String: String] {
    ["HOME": folder.path, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"]
  }

  /// `trainplan --db DB args…`, to the end.
  @discardableResult
  func run(_ args: [String], db: String? = nil) throws -> ProcessResult {
    try start(args, db: db).wait()
  }

  /// `trainplan --db DB args…`, started.
  func start(_ args: [String], db: String? = nil) throws -> Subprocess {
    try Subprocess(binary, ["--db", db ?? self.db] + args, environment: environment, in: folder)
  }

  /// Runs and fails the caller unless the command succeeded.
  @discardableResult
  func succeed(_ args: [String], db: String? = nil) throws -> ProcessResult {
    let r = try run(args, db: db)
    guard r.status == 0, !r.signaled else {
      throw Failure("trainplan \(args) exited \(r.status): \(r.stderr)")
    }
    return r
  }

  /// Runs and parses stdout as JSON.
  func json(_ args: [String], db: String? = nil) throws -> Any {
    let r = try succeed(args, db: db)
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
  }

  /// The rows of `sql` on the database file, each a list of column texts.
  func query(_ sql: String, db: String? = nil) throws -> [[String]] {
    let r = try TestSupport.run(tool, [db ?? self.db, "query", sql], in: folder)
    guard r.status == 0, !r.signaled else { throw Failure("query \(sql): \(r.stderr)") }
    return r.stdout.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  /// The first column of the first row of `sql`, as an integer.
  func integer(_ sql: String, db: String? = nil) throws -> Int {
    guard let text = try query(sql, db: db).first?.first, let n = Int(text) else {
      throw Failure("\(sql) returned no integer")
    }
    return n
  }

  func integrityCheck(db: String? = nil) throws -> String {
    try query("PRAGMA integrity_check", db: db).map { $0.joined() }.joined(separator: "; ")
  }
}

/// Why a finished command is not acceptable, or nil: it must succeed (0) or refuse cleanly (1,
/// or 64 for a usage error) with exactly one `Error: …` line on stderr. A signal or any other
/// code is a crash or a trap.
func unacceptable(_ r: ProcessResult) -> String? {
  if r.signaled { return "killed by signal \(r.status)" }
  if r.status == 0 { return nil }
  guard r.status == 1 || r.status == 64 else { return "exit code \(r.status): \(r.stderr)" }
  let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false)
  guard lines.count == 2, lines[1].isEmpty, lines[0].hasPrefix("Error: ") else {
    return "not one `Error:` line: \(r.stderr.debugDescription)"
  }
  // A typed value echoed raw would let an escape sequence reach the terminal.
  if lines[0].unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
    return "control characters in \(r.stderr.debugDescription)"
  }
  return nil
}

/// A JSON object's member by a dotted path.
func value(_ json: Any, _ path: String) -> Any? {
  var current: Any? = json
  for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
  return current
}

func int(_ json: Any, _ path: String) -> Int? { (value(json, path) as? NSNumber)?.intValue }

/// The bytes of a database: the main file and its write-ahead log (nil when absent).
func databaseBytes(_ path: String) -> [Data?] { [fileBytes(path), fileBytes(path + "-wal")] }

/// A folder's entries and their bytes, to prove nothing appeared, vanished or changed.
func folderSnapshot(_ path: String) -> [String: Data] {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  return Dictionary(uniqueKeysWithValues: names.map { ($0, fileBytes(path + "/" + $0) ?? Data()) })
}

/// A program on the usual system paths, or nil.
func systemTool(_ name: String) -> String? {
  ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map { $0 + name }
    .first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Results collected from several threads.
final class Collector<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [T] = []

  func append(_ item: T) { lock.withLock { items.append(item) } }
  var all: [T] { lock.withLock { items } }
}

/// A small seeded generator (SplitMix64), so a failing run's random choices can be replayed
/// with RELIABILITY_SEED.
struct SeededGenerator: RandomNumberGenerator {
  let seed: UInt64
  private var state: UInt64

  init() {
    let given = ProcessInfo.processInfo.environment["RELIABILITY_SEED"].flatMap { UInt64($0) }
    seed = given ?? UInt64.random(in: 1...UInt64.max)
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Prints a figure of the suite, marked so it can be found in the test log.
func report(_ line: String) { print("[reliability] \(line)") }
