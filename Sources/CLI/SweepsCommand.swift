import ArgumentParser
import Storage

/// `trainplan sweeps`: the sweeps made so far, newest first.
struct SweepsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweeps", abstract: "List sweeps, newest first, with how many plans each stored.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() throws {
    let sweeps = try store.open().sweeps()
    if output.json {
      print(JSONValue.array(sweeps.map(Self.json)).text(pretty: true))
      return
    }
    var table = Table(
      ["id", "created_at", "status", "planned", "written", "arguments"], rightAligned: [0, 3, 4])
    for s in sweeps {
      table.append([
        String(s.id), s.createdAt, s.status.rawValue, Units.grouped(s.planned),
        Units.grouped(s.written),
        SweepSummary.line(s.arguments),
      ])
    }
    print(table.render(), terminator: "")
  }

  static func json(_ s: SweepRecord) -> JSONValue {
    // sweep_id as `sweep --json` and every plan's JSON name it; id is its deprecated
    // spelling, kept for one release (schemas/sweeps.schema.json says so).
    .object([
      ("sweep_id", .int(s.id)), ("id", .int(s.id)), ("created_at", .string(s.createdAt)),
      ("finished_at", JSONValue(s.finishedAt)),
      ("status", .string(s.status.rawValue)), ("planned", .int(s.planned)),
      ("written", .int(s.written)), ("summary", .string(SweepSummary.line(s.arguments))),
      ("arguments", .string(s.arguments)),
      ("uuid", .string(s.uuid)), ("origin", JSONValue(s.origin)),
    ])
  }
}
