import ArgumentParser
import Planner

/// `trainplan gpu list`
struct GPUList: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "list", abstract: "List saved GPUs.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() throws {
    let records = try store.open().gpus()
    if output.json {
      print(JSONValue.array(records.map(RecordJSON.gpu)).text(pretty: true))
      return
    }
    var table = Table(
      ["name", "memory", "fp32", "tf32", "bf16", "fp16", "fp8", "$/hour", "watts", "HBM GB/s"],
      rightAligned: Set(1...9))
    for r in records {
      let g = r.profile
      table.append(
        [g.name, Units.gib(g.memoryBytes)]
          + NumericFormat.allCases.map { g.peak[$0].map { Units.trimmed($0 / 1e12) } ?? "-" }
          + [
            g.pricePerHour.map { Units.fixed($0, 2) } ?? "-",
            g.powerWatts.map { Units.trimmed($0) } ?? "-",
            g.memoryBandwidth.map { Units.trimmed($0 / 1e9) } ?? "-",
          ])
    }
    print(table.render(), terminator: "")
    if Terminal.isStandardOutput {
      print(
        "(memory in GiB = 2^30 bytes; dense peak TFLOP/s per format; HBM bandwidth in GB/s = 10^9 bytes/s)"
      )
    }
  }
}
