/// Why the store refused: each case renders as one line naming the file or record and what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case badMigrationFileName(String)
  case notATrainplanDatabase(String)
  case notADatabase(String)
  case newerDatabase(path: String, version: Int, name: String)
  case migrationChanged(path: String, version: Int, name: String)
  case cannotOpen(path: String, reason: String)
  case readOnly(String)
  case diskFull(String)
  case duplicateName(kind: String, name: String)
  case notFound(kind: String, name: String, suggestions: [String])
  case badFixture(file: String, reason: String)
  case invalidName(kind: String, rule: String)

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
    case .readOnly(let path):
      return
        "database \(path) is read-only: nothing was written; check the file's and folder's permissions"
    case .diskFull(let path):
      return "the disk holding \(path) is full: nothing was written; free some space and try again"
    case .duplicateName(let kind, let name):
      return "a \(kind) named '\(name)' exists already; pass --replace to overwrite it"
    case .notFound(let kind, let name, let suggestions):
      let hint =
        suggestions.isEmpty
        ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
      return "no \(kind) named '\(name)'\(hint)"
    case .invalidName(let kind, let rule):
      return "\(kind) name \(rule)"
    case .badFixture(let file, let reason):
      return "preset file \(file) is malformed: \(reason)"
    }
  }
}
