import ArgumentParser
import Planner

/// `trainplan gpu add NAME --memory 80GiB --fp32-tflops X …`
struct GPUAdd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Save a GPU under a name.")

  @OptionGroup var store: StoreOptions

  @Argument(help: "The GPU's name (up to 128 characters, no commas).")
  var name: String

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory as the device reports it: 80GiB, 80GB (10^9), 81920MiB, 512MB or bytes.",
      valueName: "size"),
    transform: MemorySize.parse)
  var memory: Int
  @Option(
    parsing: .unconditional, help: "Dense peak fp32 TFLOP/s (10^12 FLOP/s).", transform: Real.parse)
  var fp32Tflops: Double
  @Option(
    parsing: .unconditional, help: "Dense peak tf32 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var tf32Tflops: Double?
  @Option(
    parsing: .unconditional, help: "Dense peak bf16 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var bf16Tflops: Double?
  @Option(
    parsing: .unconditional, help: "Dense peak fp16 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var fp16Tflops: Double?
  @Option(
    parsing: .unconditional, help: "Dense peak fp8 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
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
    help: ArgumentHelp(
      "Memory the framework keeps for itself (CUDA context, allocator slack). (default: 0)",
      valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?
  @Option(help: "Where the figures come from (a datasheet).") var source = ""
  @Flag(help: "Overwrite a saved GPU of the same name.") var replace = false

  func run() throws {
    let peaks: [(NumericFormat, Double?)] = [
      (.fp32, fp32Tflops), (.tf32, tf32Tflops), (.bf16, bf16Tflops), (.fp16, fp16Tflops),
      (.fp8, fp8Tflops),
    ]
    var flops: [NumericFormat: Double] = [:]
    for (format, tflops) in peaks {
      guard let tflops else { continue }
      // Checked as typed: 1e308 TFLOP/s is a finite input whose FLOP/s are not.
      try reporting { try ExactRange.check(tflops, .peak(format), unit: " TFLOP/s") }
      flops[format] = tflops * 1e12
    }
    let gpu = HardwareProfile(
      name: name, memoryBytes: memory, reserveBytes: reserve ?? 0,
      peak: PeakThroughput(
        fp32: flops[.fp32]!, tf32: flops[.tf32], bf16: flops[.bf16], fp16: flops[.fp16],
        fp8: flops[.fp8]),
      pricePerHour: pricePerHour, powerWatts: powerWatts, source: source,
      memoryBandwidth: memoryBandwidth, hostLinkBandwidth: hostLinkBandwidth)
    let store = try store.open()
    try reporting { try store.saveGPU(gpu, replace: replace) }
    print(
      "saved GPU '\(name)' (\(Units.gib(gpu.memoryBytes)), \(Units.tflops(gpu.peak.fp32)) fp32)")
  }
}
