import ArgumentParser
import Planner

/// The figures `gpu add` and `gpu set` take with the same meaning and the same rules: each is
/// optional in both, and `gpu set` changes only those given.
struct GPUFigureOptions: ParsableArguments {
  @Option(
    name: .customLong("price-per-hour"), parsing: .unconditional,
    help: "Price per GPU-hour in US dollars.", transform: Real.parse)
  var pricePerHour: Double?
  @Option(
    name: .customLong("power-watts"), parsing: .unconditional, help: "Board power in watts.",
    transform: Real.parse)
  var powerWatts: Double?
  @Option(
    name: .customLong("memory-bandwidth"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "HBM (memory) bandwidth with its unit: 2039GB/s, 3.35TB/s, 1900GiB/s, 16312Gb/s.",
      valueName: "rate"),
    transform: Bandwidth.parse)
  var memoryBandwidth: Double?
  @Option(
    name: .customLong("host-link-bandwidth"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "The link to the host each way, what --offload moves: 32GB/s (PCIe 4.0 x16), 64GB/s (PCIe 5.0).",
      valueName: "rate"),
    transform: Bandwidth.parse)
  var hostLinkBandwidth: Double?

  var anyGiven: Bool {
    pricePerHour != nil || powerWatts != nil || memoryBandwidth != nil || hostLinkBandwidth != nil
  }

  /// Writes the figures given into `gpu`; the others keep their values.
  func apply(to gpu: inout HardwareProfile) {
    if let pricePerHour { gpu.pricePerHour = pricePerHour }
    if let powerWatts { gpu.powerWatts = powerWatts }
    if let memoryBandwidth { gpu.memoryBandwidth = memoryBandwidth }
    if let hostLinkBandwidth { gpu.hostLinkBandwidth = hostLinkBandwidth }
  }
}

/// The peaks given as typed TFLOP/s, in FLOP/s; each must be a positive finite number.
func checkedPeaks(_ typed: [(NumericFormat, Double?)]) throws -> [(NumericFormat, Double)] {
  try typed.compactMap { format, tflops in
    guard let tflops else { return nil }
    // Checked as typed: 1e308 TFLOP/s is a finite input whose FLOP/s are not.
    try ExactRange.check(tflops, .peak(format), unit: " TFLOP/s")
    return (format, tflops * 1e12)
  }
}
