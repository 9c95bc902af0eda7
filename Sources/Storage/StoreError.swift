/// Why the store refused: each case renders as one line naming the file or record and what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case badMigrationFileName(String)
  case notATrainplanDatabase(String)
  case notADatabase(String)
  case newerDatabase(path: String, version: Int, name: String)
  case migrationChanged(path: String, version: Int, name: String)
  case cannotOpen(path: String, reason: String)
  case noDefaultLocation(String)
  /// `--db` or `TRAINPLAN_DB` names a database server (`postgresql://…`), not a file.
  case serverDatabase(source: String)
  /// A PostgreSQL server could not be used: why, naming the server (never a password).
  case server(String)
  case readOnly(String)
  /// A PostgreSQL database this role may read but not write.
  case serverReadOnly(String)
  /// Opened with `--read-only`: a writing command is refused.
  case openedReadOnly(String)
  case diskFull(String)
  case ioFailure(path: String, reason: String)
  case duplicateName(kind: String, name: String)
  case notFound(kind: String, name: String, suggestions: [String])
  case badFixture(file: String, reason: String)
  case invalidName(kind: String, rule: String)
  case notAPreset(kind: String, name: String, suggestions: [String])
  case presetNameTaken(kind: String, name: String)
  /// A cluster names a GPU that is no longer saved.
  case clusterGPURemoved(cluster: String, gpu: String)
  /// A stored value this trainplan cannot read back (a column and its text).
  case corrupt(String)

  public var description: String {
    switch self {
    case .badMigrationFileName(let name):
      return "migration file \(name) is not named NNNN_name.sql with a unique number"
    case .notATrainplanDatabase(let path):
      return "\(path) is an SQLite database, but not trainplan's; choose another file with --db"
    case .notADatabase(let path):
      return
        "\(path) is not an SQLite database or is damaged; it was left as it is: move it aside or choose another file with --db"
    case .newerDatabase(let path, let version, let name):
      return
        "\(path) was written by a newer trainplan (migration \(version) \(name) is unknown here); it was left untouched: upgrade trainplan to use it"
    case .migrationChanged(let path, let version, let name):
      return
        "\(path) records migration \(version) \(name) with a different checksum than this trainplan's; it was left untouched: use the trainplan that made it"
    case .cannotOpen(let path, let reason):
      return "cannot open database \(path): \(reason)"
    case .noDefaultLocation(let reason):
      return "cannot choose the default database: \(reason)"
    case .server(let reason):
      return reason
    case .serverDatabase(let source):
      return
        "\(source) names a PostgreSQL server; this trainplan was built without PostgreSQL: build one with `swift build -c release --traits Postgres`, or give a file path (nothing was created)"
    case .readOnly(let path):
      return
        "database \(path) is read-only: nothing was written; check the file's and folder's permissions"
    case .serverReadOnly(let path):
      return
        "database \(path) is read-only for this role: nothing was written; ask its owner to grant INSERT, UPDATE and DELETE on its tables and USAGE on its sequences, or use a role that has them"
    case .openedReadOnly(let path):
      return
        "database \(path) was opened with --read-only: nothing was written; run the command without --read-only to change it"
    case .diskFull(let path):
      // Not "nothing was written": a sweep has committed chunks before the disk fills.
      return
        "the disk holding \(path) is full: the change that needed the space was not saved, earlier ones are intact; free some space and try again"
    case .ioFailure(let path, let reason):
      return
        "cannot read or write database \(path): \(reason); nothing more was saved: check the disk, or move the file aside"
    case .duplicateName(let kind, let name):
      return "a \(kind) named '\(name)' exists already; pass --replace to overwrite it"
    case .notFound(let kind, let name, let suggestions):
      let hint =
        suggestions.isEmpty
        ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
      return "no \(kind) named '\(name)'\(hint)"
    case .notAPreset(let kind, let name, let suggestions):
      let hint =
        suggestions.isEmpty
        ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
      return "there is no preset \(kind) named '\(name)' to restore\(hint)"
    case .corrupt(let what):
      return
        "the database holds a value this trainplan cannot read: \(what); the file was left as it is"
    case .presetNameTaken(let kind, let name):
      return
        "a \(kind) named '\(name)' exists already; remove it first to restore the preset, or change its fields with `\(kind.lowercased()) set`"
    case .clusterGPURemoved(let cluster, let gpu):
      return
        "cluster '\(cluster)': its GPU '\(gpu)' was removed; restore it (`gpu restore \(gpu)` for a preset, or `gpu add \(gpu)`) or set --gpu (`cluster set \(cluster) --gpu NAME`)"
    case .invalidName(let kind, let rule):
      return "\(kind) name \(rule)"
    case .badFixture(let file, let reason):
      return "preset file \(file) is malformed: \(reason)"
    }
  }
}
