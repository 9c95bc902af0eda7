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
    name: .customLong("memory"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory as the device reports it: 80GiB, 80GB (10^9), 81920MiB, 512MB or bytes.",
      valueName: "size"),
    transform: MemorySize.parse)
  var memory: Int
  @Option(
    name: .customLong("fp32-tflops"),
    parsing: .unconditional, help: "Dense peak fp32 TFLOP/s (10^12 FLOP/s).", transform: Real.parse)
  var fp32Tflops: Double
  @Option(
    name: .customLong("tf32-tflops"),
    parsing: .unconditional, help: "Dense peak tf32 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var tf32Tflops: Double?
  @Option(
    name: .customLong("bf16-tflops"),
    parsing: .unconditional, help: "Dense peak bf16 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var bf16Tflops: Double?
  @Option(
    name: .customLong("fp16-tflops"),
    parsing: .unconditional, help: "Dense peak fp16 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var fp16Tflops: Double?
  @Option(
    name: .customLong("fp8-tflops"),
    parsing: .unconditional, help: "Dense peak fp8 TFLOP/s, where the GPU has it.",
    transform: Real.parse)
  var fp8Tflops: Double?
  @OptionGroup var figures: GPUFigureOptions
  @Option(
    name: .customLong("reserve"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory the framework keeps for itself (CUDA context, allocator slack). (default: 0)",
      valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?
  @Option(name: .customLong("source"), help: "Where the figures come from (a datasheet).")
  var source = ""
  @Flag(name: .customLong("replace"), help: "Overwrite a saved GPU of the same name.") var replace =
    false

  func run() throws {
    let peaks = try checkedPeaks([
      (.fp32, fp32Tflops), (.tf32, tf32Tflops), (.bf16, bf16Tflops), (.fp16, fp16Tflops),
      (.fp8, fp8Tflops),
    ])
    var gpu = HardwareProfile(
      name: name, memoryBytes: memory, reserveBytes: reserve ?? 0, peak: PeakThroughput(fp32: 0),
      source: source)
    // --fp32-tflops is required, so the placeholder fp32 is always replaced here.
    for (format, flops) in peaks { gpu.peak.set(format, flops) }
    figures.apply(to: &gpu)
    let store = try store.open()
    try store.saveGPU(gpu, replace: replace)
    print(
      "saved GPU '\(name)' (\(Units.gib(gpu.memoryBytes)), \(Units.tflops(gpu.peak.fp32)) fp32)")
  }
}
