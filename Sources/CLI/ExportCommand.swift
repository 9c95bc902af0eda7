import ArgumentParser
import Foundation
import Storage

/// `trainplan export`: the whole (filtered) history as CSV or JSON, streamed row by row.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the plans history as CSV (RFC 4180) or a JSON array, newest first.",
    discussion: """
      CSV has a header row and one column per field of the plan JSON, nested keys joined with \
      dots (memory.total_bytes). With --output the file is written beside its final name and \
      renamed when complete, so a failed export never leaves half a file.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

  @OptionGroup var store: StoreOptions
  @OptionGroup var filter: PlanFilterOptions

  @Option(help: "csv or json.") var format: Format = .csv
  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
  var output: String?

  func run() throws {
    let planFilter = try filter.filter()
    let store = try store.open()
    try filter.check(in: store)
    let sink = try output.map { try FileSink(replacing: $0) } ?? FileSink.standardOutput()
    do {
      try write(store: store, filter: planFilter, to: sink)
      try sink.commit()
    } catch {
      sink.abandon()
      throw error as? CLIError ?? CLIError(error)
    }
  }

  func write(store: Store, filter: PlanFilter, to sink: FileSink) throws {
    var first = true
    if format == .json { try sink.write("[") }
    try reporting {
      try store.forEachPlan(filter) { stored in
        switch format {
        case .json:
          try sink.write((first ? "\n" : ",\n") + RecordJSON.plan(stored).text())
        case .csv:
          try sink.write { out in
            if first { CSV.appendRecord(RecordJSON.planColumns, to: &out) }
            CSV.appendPlan(stored, to: &out)
          }
        }
        first = false
      }
    }
    if format == .json { try sink.write(first ? "]\n" : "\n]\n") }
    if format == .csv && first {
      try sink.write { CSV.appendRecord(RecordJSON.planColumns, to: &$0) }
    }
  }
}
