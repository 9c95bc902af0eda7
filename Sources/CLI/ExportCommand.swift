import ArgumentParser
import Storage

/// `trainplan export`: the whole (filtered) history as CSV or JSON, streamed row by row.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract:
      "Write the plans history as CSV (RFC 4180), a JSON array (newest first) or an SQLite database.",
    discussion: """
      CSV has a header row and one column per field of the plan JSON, nested keys joined with \
      dots (memory.total_bytes). With --output a file is written beside its final name and \
      renamed when complete (keeping the replaced file's mode and owner, and replacing a \
      symbolic link's target), so a failed or interrupted export never leaves half a file. \
      Devices, FIFOs and /dev/stdout are written directly; - is standard output. The database \
      and its -wal, -shm and -journal files are refused.

      --format sqlite writes a trainplan database of its own (rollback journal, no -wal: safe \
      to put on a share) holding the selected plans and the models, GPUs, clusters and sweeps \
      they name, with their UUIDs, origins and creation times; `trainplan import FILE` merges \
      it into another history, and any trainplan opens it with --db FILE --read-only. It needs \
      --output FILE.
      """)

  enum Format: String, EnumArgument { case csv, json, sqlite }

  @OptionGroup var store: StoreOptions
  @OptionGroup var filter: PlanFilterOptions

  @Option(name: .customLong("format"), help: "csv, json or sqlite.") var format: Format = .csv
  @Option(
    name: .customLong("output"),
    help: ArgumentHelp(
      "Write to this file instead of standard output (- is standard output).", valueName: "file"))
  var output: String?

  func run() throws {
    let planFilter = try filter.filter()
    let store = try store.open()
    try filter.check(in: store)
    let target = try OutputTarget(output ?? "-", protecting: store.databaseFiles)
    if format == .sqlite { return try exportDatabase(store, planFilter, target) }
    let sink = try FileSink.open(target)
    // Ctrl-C and SIGTERM are caught only while a temporary file exists to remove: anywhere
    // else they stop the export as usual (a FIFO nobody reads could block a write for ever).
    if sink.hasTemporaryFile { Interrupt.install() }
    do {
      try write(store: store, filter: planFilter, to: sink)
      try stopIfInterrupted()
      try sink.commit()
    } catch {
      sink.abandon()
      if error is StandardStreams.BrokenPipe || error is ExitCode { throw error }
      throw error as? CLIError ?? CLIError(error)
    }
  }

  /// Writes the selected plans and their records as a database file.
  func exportDatabase(_ store: Store, _ filter: PlanFilter, _ target: OutputTarget) throws {
    let export = try SQLiteExport(target)
    Interrupt.install()
    do {
      let result = try export.write(from: store, filter: filter, each: stopIfInterrupted)
      StandardStreams.writeError(
        "trainplan: exported \(result.plans.added) plan\(result.plans.added == 1 ? "" : "s") to \(export.file)\n"
      )
    } catch {
      export.abandon()
      if error is ExitCode { throw error }
      throw error as? CLIError ?? CLIError(error)
    }
  }

  /// Ends the export when a signal asked: the temporary file is removed by the caller and the
  /// target is left as it was.
  func stopIfInterrupted() throws {
    guard Interrupt.requested else { return }
    StandardStreams.writeError(
      "Error: export stopped by \(Interrupt.signalName); \(output ?? "-") was left as it was\n")
    throw ExitCode(Interrupt.exitCode)
  }

  func write(store: Store, filter: PlanFilter, to sink: FileSink) throws {
    var first = true
    if format == .json { try sink.write("[") }
    try store.forEachPlan(filter) { stored in
      try stopIfInterrupted()
      switch format {
      case .json:
        try sink.write((first ? "\n" : ",\n") + RecordJSON.plan(stored).text())
      case .csv, .sqlite:
        try sink.write { out in
          if first { CSV.appendRecord(RecordJSON.planColumns, to: &out) }
          CSV.appendPlan(stored, to: &out)
        }
      }
      first = false
    }
    if format == .json { try sink.write(first ? "]\n" : "\n]\n") }
    if format == .csv && first {
      try sink.write { CSV.appendRecord(RecordJSON.planColumns, to: &$0) }
    }
  }
}
