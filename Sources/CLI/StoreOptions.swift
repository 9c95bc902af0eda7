import ArgumentParser
import Foundation
import Storage

/// `--db PATH`, shared by every command that reads or writes the database.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The database file.",
      discussion:
        "Default: $TRAINPLAN_DB, else $XDG_DATA_HOME/trainplan/trainplan.sqlite, else ~/.local/share/trainplan/trainplan.sqlite (its folder is created on first use).",
      valueName: "path"))
  var db: String?

  /// Opens (creating, migrating and seeding as needed) the database.
  func open() throws -> Store {
    try reporting {
      try Store(
        location: DatabaseLocation(explicit: db, environment: ProcessInfo.processInfo.environment))
    }
  }
}

/// `--json`, shared by every query command.
struct OutputOptions: ParsableArguments {
  @Flag(name: .long, help: "Print JSON instead of a table.")
  var json = false
}
