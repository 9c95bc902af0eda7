import ArgumentParser
import Planner
import Storage

/// `trainplan gpu set NAME --price-per-hour 2.5 …`: changes only the fields given.
struct GPUSet: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Change fields of a saved GPU; the others keep their values.",
    discussion:
      "The GPU is checked as a whole after the change (the reserve must stay below the memory), and nothing is saved when it is invalid. Plans made on it keep their copy."
  )

  @OptionGroup var store: StoreOptions
  @Argument(help: "The GPU's name.", completion: NameCompletion.gpus) var name: String

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory as the device reports it: 80GiB, 80GB (10^9), 81920MiB, 512MB or bytes.",
      valueName: "size"),
    transform: MemorySize.parse)
  var memory: Int?
  @Option(parsing: .unconditional, help: "Dense peak fp32 TFLOP/s.", transform: Real.parse)
  var fp32Tflops: Double?
  @Option(parsing: .unconditional, help: "Dense peak tf32 TFLOP/s.", transform: Real.parse)
  var tf32Tflops: Double?
  @Option(parsing: .unconditional, help: "Dense peak bf16 TFLOP/s.", transform: Real.parse)
  var bf16Tflops: Double?
  @Option(parsing: .unconditional, help: "Dense peak fp16 TFLOP/s.", transform: Real.parse)
  var fp16Tflops: Double?
  @Option(parsing: .unconditional, help: "Dense peak fp8 TFLOP/s.", transform: Real.parse)
  var fp8Tflops: Double?
  @Option(parsing: .unconditional, help: "Price per GPU-hour in US dollars.", transform: Real.parse)
  var pricePerHour: Double?
  @Option(parsing: .unconditional, help: "Board power in watts.", transform: Real.parse)
  var powerWatts: Double?
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "HBM (memory) bandwidth with its unit: 2039GB/s, 3.35TB/s, 1900GiB/s, 16312Gb/s.",
      valueName: "rate"),
    transform: Bandwidth.parse)
  var memoryBandwidth: Double?
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "The link to the host each way, what --offload moves: 32GB/s (PCIe 4.0 x16), 64GB/s (PCIe 5.0).",
      valueName: "rate"),
    transform: Bandwidth.parse)
  var hostLinkBandwidth: Double?
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Memory the framework keeps for itself.", valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?
  @Option(help: "Where the figures come from.") var source: String?

  func run() throws {
    let peaks = try typedPeaks()
    let plain: [Any?] = [
      memory, pricePerHour, powerWatts, reserve, source, memoryBandwidth, hostLinkBandwidth,
    ]
    guard !peaks.isEmpty || plain.contains(where: { $0 != nil }) else {
      throw CLIError(
        "gpu set needs at least one field to change (e.g. --price-per-hour, --memory, --memory-bandwidth, --source); see --help"
      )
    }
    let store = try store.open()
    let saved = try reporting {
      try store.updateGPU(named: name) { record in
        var g = record.profile
        if let memory { g.memoryBytes = memory }
        for (format, flops) in peaks { g.peak.set(format, flops) }
        if let pricePerHour { g.pricePerHour = pricePerHour }
        if let powerWatts { g.powerWatts = powerWatts }
        if let reserve { g.reserveBytes = reserve }
        if let source { g.source = source }
        if let memoryBandwidth { g.memoryBandwidth = memoryBandwidth }
        if let hostLinkBandwidth { g.hostLinkBandwidth = hostLinkBandwidth }
        record.profile = g
      }
    }
    let g = saved.profile
    print(
      "updated GPU '\(g.name)' (\(Units.gib(g.memoryBytes)), \(Units.tflops(g.peak.fp32)) fp32\(g.pricePerHour.map { ", " + Units.dollars($0) + "/hour" } ?? ""))"
    )
  }

  /// The peaks given, in FLOP/s; each must be a positive finite number of TFLOP/s.
  func typedPeaks() throws -> [(NumericFormat, Double)] {
    let typed: [(NumericFormat, Double?)] = [
      (.fp32, fp32Tflops), (.tf32, tf32Tflops), (.bf16, bf16Tflops), (.fp16, fp16Tflops),
      (.fp8, fp8Tflops),
    ]
    return try typed.compactMap { format, tflops in
      guard let tflops else { return nil }
      // Checked as typed: 1e308 TFLOP/s is a finite input whose FLOP/s are not.
      try reporting { try ExactRange.check(tflops, .peak(format), unit: " TFLOP/s") }
      return (format, tflops * 1e12)
    }
  }
}

extension PeakThroughput {
  mutating func set(_ format: NumericFormat, _ flops: Double) {
    switch format {
    case .fp32: fp32 = flops
    case .tf32: tf32 = flops
    case .bf16: bf16 = flops
    case .fp16: fp16 = flops
    case .fp8: fp8 = flops
    }
  }
}
