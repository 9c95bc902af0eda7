import ArgumentParser
import Planner

/// `trainplan gpu show NAME`
struct GPUShow: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one GPU.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The GPU's name.", completion: NameCompletion.gpus) var name: String

  func run() throws {
    let record = try store.open().gpu(named: name)
    if output.json {
      print(RecordJSON.gpu(record).text(pretty: true))
      return
    }
    let g = record.profile
    var rows: [(String, String)] = [
      ("name", g.name),
      ("memory", "\(Units.gib(g.memoryBytes)) (\(Units.grouped(g.memoryBytes)) bytes)"),
    ]
    rows += NumericFormat.allCases.map { f in
      ("\(f.rawValue) peak", g.peak[f].map { Units.tflops($0) + " dense" } ?? "-")
    }
    rows += [
      ("price per hour", g.pricePerHour.map(Units.dollars) ?? "-"),
      ("board power", g.powerWatts.map { Units.trimmed($0) + " W" } ?? "-"),
      ("memory bandwidth", g.memoryBandwidth.map(Units.bandwidth) ?? "-"),
      ("reserve", "\(Units.gib(g.reserveBytes)) (\(Units.grouped(g.reserveBytes)) bytes)"),
      ("source", g.source), ("created_at", record.createdAt), ("updated_at", record.updatedAt),
    ]
    print(KeyValueList(rows).render(), terminator: "")
  }
}
