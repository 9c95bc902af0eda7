import ArgumentParser
import Storage

/// `trainplan cluster show NAME`
struct ClusterShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show one cluster and its GPU.")

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @Argument(help: "The cluster's name.") var name: String

  func run() throws {
    let record = try store.open().storedCluster(named: name)
    if output.json {
      print(RecordJSON.cluster(record).text(pretty: true))
      return
    }
    let s = record.spec
    let gpu =
      record.gpu.map { g in
        "\(g.name) (\(Units.gib(g.memoryBytes)), \(g.memoryBandwidth.map { Units.bandwidth($0) + " HBM" } ?? "HBM bandwidth unknown"))"
      }
      ?? "\(s.gpuName): removed; restore it (`gpu restore \(s.gpuName)` for a preset) or set --gpu"
    let rows: [(String, String)] = [
      ("name", s.name),
      ("gpu", gpu),
      ("gpus per node", String(s.gpusPerNode)),
      (
        "intra-node bandwidth", Units.linkBandwidth(s.intraNodeBandwidth) + " per GPU per direction"
      ),
      (
        "inter-node bandwidth", Units.linkBandwidth(s.interNodeBandwidth) + " per GPU per direction"
      ),
      ("intra-node latency", Units.latency(s.intraNodeLatency)),
      ("inter-node latency", Units.latency(s.interNodeLatency)),
      ("source", s.source), ("created_at", record.createdAt), ("updated_at", record.updatedAt),
    ]
    print(KeyValueList(rows).render(), terminator: "")
  }
}
