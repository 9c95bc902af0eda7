import ArgumentParser
import Planner
import Storage

/// `trainplan cluster add NAME --gpu GPU --gpus-per-node 8 --intra-node-bandwidth 300GB/s …`
struct ClusterAdd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Save a cluster under a name.")

  @OptionGroup var store: StoreOptions

  @Argument(help: "The cluster's name (up to 128 characters, no commas).")
  var name: String

  @Option(name: .customLong("gpu"), help: "The saved GPU its nodes hold (see `gpu list`).") var gpu:
    String
  @Option(
    name: .customLong("gpus-per-node"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.gpusPerNode, valueName: "n"),
    transform: WholeNumber.parse)
  var gpusPerNode: Int
  @Option(
    name: .customLong("intra-node-bandwidth"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.intra, valueName: "rate"),
    transform: Bandwidth.parse)
  var intraNodeBandwidth: Double
  @Option(
    name: .customLong("inter-node-bandwidth"),
    parsing: .unconditional, help: ArgumentHelp(ClusterFigureHelp.inter, valueName: "rate"),
    transform: Bandwidth.parse)
  var interNodeBandwidth: Double
  @Option(
    name: .customLong("intra-node-latency"),
    parsing: .unconditional,
    help: ArgumentHelp(ClusterFigureHelp.intraLatency + " (default: 10us)", valueName: "time"),
    transform: Latency.parse)
  var intraNodeLatency: Double?
  @Option(
    name: .customLong("inter-node-latency"),
    parsing: .unconditional,
    help: ArgumentHelp(ClusterFigureHelp.interLatency + " (default: 20us)", valueName: "time"),
    transform: Latency.parse)
  var interNodeLatency: Double?
  @Option(name: .customLong("source"), help: "Where the figures come from (a datasheet, a paper).")
  var source = ""
  @Flag(name: .customLong("replace"), help: "Overwrite a saved cluster of the same name.")
  var replace = false

  func run() throws {
    let spec = ClusterSpec(
      name: name, gpuName: gpu, gpusPerNode: gpusPerNode, intraNodeBandwidth: intraNodeBandwidth,
      interNodeBandwidth: interNodeBandwidth, intraNodeLatency: intraNodeLatency ?? 10e-6,
      interNodeLatency: interNodeLatency ?? 20e-6, source: source)
    let store = try store.open()
    try store.saveCluster(spec, replace: replace)
    let saved = try store.storedCluster(named: name)
    print(
      "saved cluster '\(saved.spec.name)' (\(saved.spec.gpusPerNode) x \(saved.spec.gpuName) per node, \(Units.linkBandwidth(saved.spec.intraNodeBandwidth)) inside, \(Units.linkBandwidth(saved.spec.interNodeBandwidth)) between nodes)"
    )
  }
}
