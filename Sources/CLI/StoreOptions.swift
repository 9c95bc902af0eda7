import ArgumentParser
import Storage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `--db PATH`, shared by every command that reads or writes the database.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The database file.",
      discussion:
        "Default: $TRAINPLAN_DB, else $XDG_DATA_HOME/trainplan/trainplan.sqlite, else ~/.local/share/trainplan/trainplan.sqlite (its folder is created on first use).",
      valueName: "path"))
  var db: String?

  @Flag(
    name: .customLong("read-only"),
    help: ArgumentHelp(
      "Open the database for reading only.",
      discussion:
        "Queries work and nothing is written or created beside the file; commands that write are refused. A database this user cannot write is opened this way without the flag."
    ))
  var readOnly = false

  /// Opens (creating, migrating and seeding as needed) the database. A default location the
  /// user never named says where it was created, once, on the first use.
  func open() throws -> Store {
    let location = try DatabaseLocation(
      explicit: db, environment: ProcessInfo.processInfo.environment)
    let store = try Store(location: location, readOnly: readOnly)
    if store.created && location.createsFolder {
      StandardStreams.writeError("trainplan: created a new database at \(store.path)\n")
    }
    return store
  }
}

/// `--json`, shared by every query command.
struct OutputOptions: ParsableArguments {
  @Flag(name: .customLong("json"), help: "Print JSON instead of a table.")
  var json = false
}
