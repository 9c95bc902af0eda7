import ArgumentParser
import Storage

/// `trainplan cluster set NAME --inter-node-bandwidth 50GB/s …`: changes only the fields given.
struct ClusterSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Change fields of a saved cluster; the others keep their values.",
    discussion:
      "The cluster is checked as a whole after the change, on its GPU (or the one --gpu names), and nothing is saved when it is invalid."
  )

  @OptionGroup var store: StoreOptions
  @Argument(help: "The cluster's name.") var name: String

  @Option(name: .customLong("gpu"), help: "The saved GPU its nodes hold.") var gpu: String?
  @Option(
    name: .customLong("gpus-per-node"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.gpusPerNode, valueName: "n"),
    transform: WholeNumber.parse)
  var gpusPerNode: Int?
  @Option(
    name: .customLong("intra-node-bandwidth"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.intra, valueName: "rate"),
    transform: Bandwidth.parse)
  var intraNodeBandwidth: Double?
  @Option(
    name: .customLong("inter-node-bandwidth"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.inter, valueName: "rate"),
    transform: Bandwidth.parse)
  var interNodeBandwidth: Double?
  @Option(
    name: .customLong("intra-node-latency"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.intraLatency, valueName: "time"),
    transform: Latency.parse)
  var intraNodeLatency: Double?
  @Option(
    name: .customLong("inter-node-latency"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.interLatency, valueName: "time"),
    transform: Latency.parse)
  var interNodeLatency: Double?
  @Option(name: .customLong("source"), help: "Where the figures come from.") var source: String?

  func validate() throws {
    let given: [Any?] = [
      gpu, gpusPerNode, intraNodeBandwidth, interNodeBandwidth, intraNodeLatency,
      interNodeLatency, source,
    ]
    guard given.contains(where: { $0 != nil }) else {
      throw CLIError(
        "cluster set needs at least one field to change (e.g. --inter-node-bandwidth, --gpu, --source); see --help"
      )
    }
  }

  func run() throws {
    let store = try store.open()
    let saved = try store.updateCluster(named: name) { c in
      if let gpu { c.gpuName = gpu }
      if let gpusPerNode { c.gpusPerNode = gpusPerNode }
      if let intraNodeBandwidth { c.intraNodeBandwidth = intraNodeBandwidth }
      if let interNodeBandwidth { c.interNodeBandwidth = interNodeBandwidth }
      if let intraNodeLatency { c.intraNodeLatency = intraNodeLatency }
      if let interNodeLatency { c.interNodeLatency = interNodeLatency }
      if let source { c.source = source }
    }
    let s = saved.spec
    print(
      "updated cluster '\(s.name)' (\(s.gpusPerNode) x \(s.gpuName) per node, \(Units.linkBandwidth(s.intraNodeBandwidth)) inside, \(Units.linkBandwidth(s.interNodeBandwidth)) between nodes)"
    )
  }
}
