#if canImport(Glibc)
  import Glibc
#endif

/// What a database holds, for `trainplan db`: its files' sizes (a server database's size on
/// the server), schema version and counts.
public struct DatabaseSummary: Equatable, Sendable {
  public let path: String
  /// The main file's size; the write-ahead log, not yet copied into it, is counted apart.
  public let sizeBytes: Int
  public let walBytes: Int
  /// The highest migration applied.
  public let schemaVersion: Int
  public let models: Int
  public let gpus: Int
  public let plans: Int
  public let sweeps: Int
}

extension Store {
  /// The summary, read in one snapshot.
  public func summary() throws -> DatabaseSummary {
    try translating {
      try database.read {
        let count = { (table: String) in try self.database.int("SELECT count(*) FROM \(table)") ?? 0
        }
        // Plans are counted in their own table: the `plans` view would join every row.
        // On a server: the database's size there, and no log of trainplan's own.
        let size =
          database.isServer
          ? try database.int("SELECT pg_database_size(current_database())") ?? 0
          : Self.fileSize(path)
        return DatabaseSummary(
          path: path, sizeBytes: size,
          walBytes: database.isServer ? 0 : Self.fileSize(path + "-wal"),
          schemaVersion: try database.int("SELECT max(version) FROM schema_migrations") ?? 0,
          models: try count("models"), gpus: try count("gpus"), plans: try count("plan_rows"),
          sweeps: try count("sweeps"))
      }
    }
  }

  /// The size of `file`, 0 when it does not exist.
  static func fileSize(_ file: String) -> Int {
    var info = stat()
    return stat(file, &info) == 0 ? Int(info.st_size) : 0
  }
}
