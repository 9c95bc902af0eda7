import ArgumentParser
import Storage

/// `trainplan cluster list`
struct ClusterList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List saved clusters.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  func run() throws {
    let records = try store.open().clusters()
    if output.json {
      print(JSONValue.array(records.map(RecordJSON.cluster)).text(pretty: true))
      return
    }
    var table = Table(
      ["name", "gpu", "gpus/node", "intra GB/s", "inter GB/s", "intra us", "inter us"],
      rightAligned: Set(2...6))
    for r in records {
      let s = r.spec
      table.append([
        s.name, r.gpu == nil ? s.gpuName + " (removed)" : s.gpuName, String(s.gpusPerNode),
        Units.trimmed(s.intraNodeBandwidth / 1e9), Units.trimmed(s.interNodeBandwidth / 1e9),
        Units.trimmed(s.intraNodeLatency * 1e6), Units.trimmed(s.interNodeLatency * 1e6),
      ])
    }
    print(table.render(), terminator: "")
    if Terminal.isStandardOutput {
      print("(bandwidths per GPU per direction in GB/s = 10^9 bytes/s; latencies in microseconds)")
    }
  }
}
