/// A cluster as the planner sees it: nodes of one GPU type, the links between GPUs inside a
/// node (NVLink, NVSwitch) and between nodes (InfiniBand, RoCE). Bandwidths are per GPU and per
/// direction, in bytes per second; latencies in seconds.
public struct ClusterProfile: Equatable, Hashable, Sendable {
  public var name: String
  public var gpu: HardwareProfile
  public var gpusPerNode: Int
  public var intraNodeBandwidth: Double
  public var interNodeBandwidth: Double
  public var intraNodeLatency: Double
  public var interNodeLatency: Double
  /// Where the figures come from.
  public var source: String

  public init(
    name: String = "", gpu: HardwareProfile, gpusPerNode: Int, intraNodeBandwidth: Double,
    interNodeBandwidth: Double, intraNodeLatency: Double = 10e-6,
    interNodeLatency: Double = 20e-6, source: String = ""
  ) {
    self.name = name
    self.gpu = gpu
    self.gpusPerNode = gpusPerNode
    self.intraNodeBandwidth = intraNodeBandwidth
    self.interNodeBandwidth = interNodeBandwidth
    self.intraNodeLatency = intraNodeLatency
    self.interNodeLatency = interNodeLatency
    self.source = source
  }

  public func validate() throws {
    try gpu.validate()
    if gpusPerNode <= 0 { throw PlannerError.notPositive(.gpusPerNode, String(gpusPerNode)) }
    if gpusPerNode > ParallelLayout.largest {
      throw PlannerError.outOfRange(
        .gpusPerNode, String(gpusPerNode), rule: "must be at most \(ParallelLayout.largest)")
    }
    // Bandwidths in GB/s as typed: 1e-60…1e60 keeps every time figure a normal double.
    try ExactRange.check(intraNodeBandwidth, .intraNodeBandwidth, scale: 1e9, unit: " GB/s")
    try ExactRange.check(interNodeBandwidth, .interNodeBandwidth, scale: 1e9, unit: " GB/s")
    try ExactRange.check(
      intraNodeLatency, .intraNodeLatency, scale: 1e-6, unit: " us", zeroAllowed: true)
    try ExactRange.check(
      interNodeLatency, .interNodeLatency, scale: 1e-6, unit: " us", zeroAllowed: true)
  }
}
