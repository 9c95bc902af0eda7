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
    name: .customLong("memory"),
    parsing: .unconditional,
    help: ArgumentHelp(
      "Memory as the device reports it: 80GiB, 80GB (10^9), 81920MiB, 512MB or bytes.",
      valueName: "size"),
    transform: MemorySize.parse)
  var memory: Int?
  @Option(
    name: .customLong("fp32-tflops"), parsing: .unconditional, help: "Dense peak fp32 TFLOP/s.",
    transform: Real.parse)
  var fp32Tflops: Double?
  @Option(
    name: .customLong("tf32-tflops"), parsing: .unconditional, help: "Dense peak tf32 TFLOP/s.",
    transform: Real.parse)
  var tf32Tflops: Double?
  @Option(
    name: .customLong("bf16-tflops"), parsing: .unconditional, help: "Dense peak bf16 TFLOP/s.",
    transform: Real.parse)
  var bf16Tflops: Double?
  @Option(
    name: .customLong("fp16-tflops"), parsing: .unconditional, help: "Dense peak fp16 TFLOP/s.",
    transform: Real.parse)
  var fp16Tflops: Double?
  @Option(
    name: .customLong("fp8-tflops"), parsing: .unconditional, help: "Dense peak fp8 TFLOP/s.",
    transform: Real.parse)
  var fp8Tflops: Double?
  @OptionGroup var figures: GPUFigureOptions
  @Option(
    name: .customLong("reserve"),
    parsing: .unconditional,
    help: ArgumentHelp("Memory the framework keeps for itself.", valueName: "size"),
    transform: MemorySize.parseReserve)
  var reserve: Int?
  @Option(name: .customLong("source"), help: "Where the figures come from.") var source: String?

  func run() throws {
    let peaks = try checkedPeaks([
      (.fp32, fp32Tflops), (.tf32, tf32Tflops), (.bf16, bf16Tflops), (.fp16, fp16Tflops),
      (.fp8, fp8Tflops),
    ])
    let plain: [Any?] = [memory, reserve, source]
    guard !peaks.isEmpty || figures.anyGiven || plain.contains(where: { $0 != nil }) else {
      throw CLIError(
        "gpu set needs at least one field to change (e.g. --price-per-hour, --memory, --memory-bandwidth, --source); see --help"
      )
    }
    let store = try store.open()
    let saved = try store.updateGPU(named: name) { record in
      var g = record.profile
      if let memory { g.memoryBytes = memory }
      for (format, flops) in peaks { g.peak.set(format, flops) }
      if let reserve { g.reserveBytes = reserve }
      if let source { g.source = source }
      figures.apply(to: &g)
      record.profile = g
    }
    let g = saved.profile
    print(
      "updated GPU '\(g.name)' (\(Units.gib(g.memoryBytes)), \(Units.tflops(g.peak.fp32)) fp32\(g.pricePerHour.map { ", " + Units.dollars($0) + "/hour" } ?? ""))"
    )
  }
}
