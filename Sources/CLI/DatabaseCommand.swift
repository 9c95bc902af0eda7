import ArgumentParser
import Storage

/// `trainplan db`: which database is in use, how big it is and what it holds.
struct DatabaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "db",
    abstract: "Show the database in use: its path, size, schema version and record counts.",
    discussion: """
      The database is --db, else $TRAINPLAN_DB, else $XDG_DATA_HOME/trainplan/trainplan.sqlite, \
      else ~/.local/share/trainplan/trainplan.sqlite. Sizes are in bytes; wal_bytes is the \
      write-ahead log SQLite keeps beside the file until it copies it in.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() throws {
    let store = try store.open()
    let s = try store.summary()
    if output.json {
      print(Self.json(s).text(pretty: true))
      return
    }
    for (key, value) in Self.rows(s) {
      print(key + ":" + String(repeating: " ", count: 16 - key.count) + value)
    }
  }

  static func rows(_ s: DatabaseSummary) -> [(String, String)] {
    [
      ("path", PathText.canonical(s.path) ?? s.path),
      ("size", "\(Units.grouped(s.sizeBytes)) bytes"),
      ("wal", "\(Units.grouped(s.walBytes)) bytes"), ("schema version", String(s.schemaVersion)),
      ("models", Units.grouped(s.models)), ("gpus", Units.grouped(s.gpus)),
      ("plans", Units.grouped(s.plans)), ("sweeps", Units.grouped(s.sweeps)),
    ]
  }

  static func json(_ s: DatabaseSummary) -> JSONValue {
    .object([
      ("path", .string(PathText.canonical(s.path) ?? s.path)), ("size_bytes", .int(s.sizeBytes)),
      ("wal_bytes", .int(s.walBytes)),
      ("schema_version", .int(s.schemaVersion)), ("models", .int(s.models)),
      ("gpus", .int(s.gpus)), ("plans", .int(s.plans)), ("sweeps", .int(s.sweeps)),
    ])
  }
}
