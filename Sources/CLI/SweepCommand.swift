import ArgumentParser
import Planner
import Storage

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `trainplan sweep`: every plan of a cross product, stored under one sweep id.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract:
      "Plan the cross product of models (or generated shapes), GPUs and setups, and store every plan.",
    discussion: """
      Lists are comma-separated; numbers also take start:end:step ranges (--layers 12:48:4). \
      Layouts are swept too (--tp 1,2,4 --pp 1,2): a value that can never plan (--tp 0) is \
      refused up front, a cell it does not suit (T not dividing the heads, T·P·C not dividing \
      the GPUs) is skipped and counted in the summary. Plans are written in chunks, one \
      transaction each: Ctrl-C stops cleanly, keeping the committed chunks and marking the \
      sweep incomplete.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions

  @Option(
    name: .customLong("models"),
    help: ArgumentHelp(
      "Saved model names. (default: every saved model, unless shapes are generated)",
      valueName: "a,b,..."), completion: NameCompletion.modelLists)
  var models: SweepList<String>?
  @Option(
    name: .customLong("layers"),
    help: ArgumentHelp("Generate shapes with these layer counts, e.g. 12:48:4.", valueName: "list"))
  var layers: SweepList<Int>?
  @Option(
    name: .customLong("d-model"),
    help: ArgumentHelp("Generate shapes with these widths, e.g. 768:4096:256.", valueName: "list"))
  var dModel: SweepList<Int>?
  @Option(
    name: .customLong("heads-dim"),
    help: "Head dimension of generated shapes: heads = d_model / this. (default: 64)",
    transform: Count.parse)
  var headsDim: Int = 64
  @Option(
    name: .customLong("vocab-size"), help: "Vocabulary size of generated shapes. (default: 50257)",
    transform: Count.parse)
  var vocabSize: Int = 50_257
  @Option(
    name: .customLong("context-length"),
    help: "Context length of generated shapes. (default: 2048)", transform: Count.parse)
  var contextLength: Int = 2_048
  @Option(
    name: .customLong("ffn-multiplier"),
    help: "d_ff = this × d_model for generated shapes. (default: 4)", transform: Count.parse)
  var ffnMultiplier: Int = 4

  @Option(
    name: .customLong("gpus"),
    help: ArgumentHelp("GPU names. (default: every saved GPU)", valueName: "x,y,..."),
    completion: NameCompletion.gpuLists)
  var gpus: SweepList<String>?
  @Option(
    name: .customLong("batch-sizes"),
    help: ArgumentHelp(
      "Micro-batch sizes. (default: the largest that fits, per plan)", valueName: "list"))
  var batchSizes: SweepList<Int>?
  @Option(
    name: .customLong("precisions"),
    help: ArgumentHelp("Precisions: fp32, bf16, fp16.", valueName: "list"))
  var precisions = SweepList<TrainingPrecision>(argument: "fp32")
  @Option(
    name: .customLong("attention"),
    help: ArgumentHelp("Attention kernels: naive, flash.", valueName: "list"))
  var attention = SweepList<AttentionKernel>(argument: "naive")
  @Option(
    name: .customLong("recompute"),
    help: ArgumentHelp("Recomputation: none, selective, full.", valueName: "list"))
  var recompute: SweepList<Recompute>?
  @Option(
    name: .customLong("checkpointing"),
    help: ArgumentHelp("The older name of --recompute.", valueName: "list"))
  var checkpointing: SweepList<Recompute>?
  @Option(name: .customLong("num-gpus"), help: ArgumentHelp("GPU counts.", valueName: "list"))
  var numGpus = SweepList<Int>(argument: "1")
  @Option(name: .customLong("zero"), help: ArgumentHelp("ZeRO stages.", valueName: "list"))
  var zero = SweepList<Int>(argument: "0")
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var fineTuning: FineTuningOptions
  @OptionGroup var layout: SweepLayoutOptions

  @Flag(
    name: .customLong("dry-run"),
    help:
      "Print how many plans the sweep would make and how much it would grow the database, and stop."
  )
  var dryRun = false
  @Flag(name: .customLong("yes"), help: "Go ahead with a sweep of more than 100,000,000 plans.")
  var yes = false

  /// Sweeps larger than this need --yes: at hundreds of bytes a plan they take tens of GB.
  static let confirmationThreshold = 100_000_000

  /// More generated shapes, or setups per shape and GPU, than these is a typo, not a study.
  static let maximumShapes = 1_000_000
  static let maximumSetups = 100_000
  @Option(
    name: .customLong("chunk-size"), help: "Plans per transaction. (default: 50000)",
    transform: Count.parse) var chunkSize =
    50_000

  /// Every list parsed, and the options that need no database checked, before anything runs.
  func validate() throws {
    if chunkSize <= 0 { throw CLIError("--chunk-size must be positive (got \(chunkSize))") }
    try models?.check("--models")
    try layers?.check("--layers")
    try dModel?.check("--d-model")
    try gpus?.check("--gpus")
    try batchSizes?.check("--batch-sizes")
    try precisions.check("--precisions")
    try attention.check("--attention")
    try recompute?.check("--recompute")
    try checkpointing?.check("--checkpointing")
    try numGpus.check("--num-gpus")
    try zero.check("--zero")
    if recompute != nil && checkpointing != nil {
      throw CLIError("--recompute and --checkpointing are one option; give one of them")
    }
    try validateShapes()
  }

  /// The generated shapes' options: together, positive, and not an absurd number of shapes.
  func validateShapes() throws {
    if layers == nil && dModel == nil { return }
    guard let layers, let dModel else {
      throw CLIError("--layers and --d-model go together to generate shapes")
    }
    if headsDim <= 0 { throw CLIError("--heads-dim must be positive (got \(headsDim))") }
    if ffnMultiplier <= 0 {
      throw CLIError("--ffn-multiplier must be positive (got \(ffnMultiplier))")
    }
    for w in dModel.values where w <= 0 || w % headsDim != 0 {
      throw CLIError("--d-model \(w) must be a positive multiple of --heads-dim \(headsDim)")
    }
    // Each shape is built before the grid is counted: refuse an absurd grid first.
    let (layerCount, widthCount) = (layers.values.count, dModel.values.count)
    guard layerCount <= Self.maximumShapes / widthCount else {
      throw CLIError(
        "--layers × --d-model make \(Units.grouped(layerCount)) × \(Units.grouped(widthCount)) shapes, more than \(Units.grouped(Self.maximumShapes))"
      )
    }
  }

  func run() throws {
    let store = try store.open()
    let grid = try makeGrid(store)
    // A bad option value (--zero 5, --num-gpus 0) fails every plan: refuse it up front.
    try grid.validate()
    let planned = try grid.count()
    // Every (model, GPU) pair goes through the list of setups, which is built in memory.
    let setups = try grid.setupCount()
    guard setups <= Self.maximumSetups else {
      throw CLIError(
        "the option lists make \(Units.grouped(setups)) setups per model and GPU, more than \(Units.grouped(Self.maximumSetups))"
      )
    }
    if dryRun || planned > Self.confirmationThreshold {
      let perPlan = try SweepSizeEstimate.bytesPerPlan(sample(grid))
      let bytes = Double(planned) * perPlan
      let growth =
        "about \(Units.size(bytes)) of database (\(Units.fixed(perPlan, 0)) bytes per plan, measured on a sample of its plans)"
      if dryRun {
        report(
          [
            "planned": .int(planned), "estimated_bytes": .double(bytes.rounded()),
            "bytes_per_plan": .double(perPlan.rounded()),
          ], text: "sweep would make \(Units.grouped(planned)) plans, \(growth)")
        return
      }
      if !yes {
        throw CLIError(
          "the sweep would make \(Units.grouped(planned)) plans, more than \(Units.grouped(Self.confirmationThreshold)), \(growth); add --yes to go ahead or --dry-run to count"
        )
      }
    }
    Interrupt.install()
    let writer = try store.beginSweep(
      arguments: arguments(grid).text(), planned: planned, chunkSize: chunkSize)
    let progress = ProgressReporter(total: planned, label: "sweep \(writer.sweepID)")
    var done = 0
    var skipped: [String: Int] = [:]
    do {
      try write(grid, to: writer, progress: progress, done: &done, skipped: &skipped)
    } catch {
      // A full disk or an I/O error midway: keep the committed chunks, and say so.
      writer.rollback()
      progress.finish()
      try? store.finishSweep(writer.sweepID, status: .incomplete)
      throw CLIError(
        "\(CLIError(error).description) (sweep \(writer.sweepID) is marked incomplete; \(Units.grouped(writer.written)) plans were kept)"
      )
    }
    try finish(store, writer, progress: progress, planned: planned, skipped: skipped)
  }

  /// The first plans of the grid (up to 1,000), for measuring what a plan takes on disk.
  func sample(_ grid: SweepGrid) -> [Plan] {
    var plans: [Plan] = []
    var visited = 0
    grid.forEachPlan { result in
      if case .success(let plan) = result { plans.append(plan) }
      visited += 1
      return plans.count < 1_000 && visited < 100_000
    }
    return plans
  }

  /// Plans every cell and hands the plans to the writer, until done or interrupted.
  func write(
    _ grid: SweepGrid, to writer: SweepWriter, progress: ProgressReporter, done: inout Int,
    skipped: inout [String: Int]
  ) throws {
    try grid.forEachPlan { result in
      if Interrupt.requested { return false }
      switch result {
      case .success(let plan): try writer.add(plan)
      case .failure(let error): skipped[error.message(naming: CLIError.flag), default: 0] += 1
      }
      done += 1
      progress.update(done)
      return true
    }
  }

  func finish(
    _ store: Store, _ writer: SweepWriter, progress: ProgressReporter, planned: Int,
    skipped: [String: Int]
  ) throws {
    let interrupted = Interrupt.requested
    if interrupted { writer.rollback() } else { try writer.commit() }
    try store.finishSweep(writer.sweepID, status: interrupted ? .incomplete : .complete)
    progress.finish()
    let seconds = Date().timeIntervalSince(progress.start)
    let skippedCount = skipped.values.reduce(0, +)
    var text =
      "sweep \(writer.sweepID): \(Units.grouped(writer.written)) of \(Units.grouped(planned)) plans stored in \(Units.fixed(seconds, 1)) s"
    if skippedCount > 0, let reason = skipped.max(by: { $0.value < $1.value }) {
      text += "; \(Units.grouped(skippedCount)) skipped (e.g. \(reason.key))"
    }
    if interrupted {
      text += "; interrupted: the sweep is marked incomplete and the partial chunk was dropped"
    }
    report(
      [
        "sweep_id": .int(writer.sweepID), "planned": .int(planned), "written": .int(writer.written),
        "skipped": .int(skippedCount), "status": .string(interrupted ? "incomplete" : "complete"),
        "seconds": .double(seconds),
      ], text: text)
    if interrupted { throw ExitCode(130) }
  }

  func report(_ members: [String: JSONValue], text: String) {
    if output.json {
      print(JSONValue.object(members.sorted { $0.key < $1.key }).text())
    } else {
      print(text)
    }
  }

  /// The cross product the options describe.
  func makeGrid(_ store: Store) throws -> SweepGrid {
    let modelList = try sweepModels(store)
    var base = try runOptions.setup()
    base.training = try fineTuning.training()
    base.cluster = try runOptions.cluster(in: store)
    let gpuList = try runOptions.gpus(base.cluster, listed: gpus?.text, flag: "--gpus") {
      try gpus.map { try $0.values.map { try store.gpu(named: $0).profile } }
        ?? store.gpus().map(\.profile)
    }
    return SweepGrid(
      models: modelList, gpus: gpuList, batchSizes: batchSizes?.values ?? [nil],
      precisions: precisions.values, attentions: attention.values,
      checkpointings: (recompute ?? checkpointing)?.values ?? [.none],
      gpuCounts: numGpus.values, zeroStages: zero.values,
      layouts: try layout.layouts(maximum: Self.maximumSetups), base: base)
  }

  /// The saved models named, then the shapes generated (`validateShapes` checked them).
  func sweepModels(_ store: Store) throws -> [ModelConfig] {
    let saved = try models.map { try $0.values.map { try store.model(named: $0).config } }
    guard let layers, let dModel else { return try saved ?? store.models().map(\.config) }
    let generated = try ShapeGrid(
      layers: layers.values, widths: dModel.values, headDim: headsDim,
      vocabSize: vocabSize, contextLength: contextLength, ffnMultiplier: ffnMultiplier
    ).models()
    return (saved ?? []) + generated
  }

  /// What the sweep was asked for, stored with it.
  func arguments(_ grid: SweepGrid) -> JSONValue {
    .object([
      ("argv", .array(CommandLine.arguments.dropFirst().map { .string($0) })),
      ("models", .array(grid.models.map { .string($0.name) })),
      ("gpus", .array(grid.gpus.map { .string($0.name) })),
      ("batch_sizes", .array(grid.batchSizes.map { JSONValue($0) })),
      ("precisions", .array(grid.precisions.map { .string($0.rawValue) })),
      ("attention", .array(grid.attentions.map { .string($0.rawValue) })),
      ("checkpointing", .array(grid.checkpointings.map { .string($0.rawValue) })),
      ("num_gpus", .array(grid.gpuCounts.map { .int($0) })),
      ("zero_stages", .array(grid.zeroStages.map { .int($0) })),
      ("tensor_parallel", .array(layout.tensorParallel.values.map { .int($0) })),
      ("pipeline_parallel", .array(layout.pipelineParallel.values.map { .int($0) })),
      ("context_parallel", .array(layout.contextParallel.values.map { .int($0) })),
      ("virtual_stages", .array(layout.virtualStages.values.map { .int($0) })),
      ("expert_parallel", .array(layout.expertParallel.values.map { .int($0) })),
      ("method", .string(grid.base.method.rawValue)), ("mfu", .double(grid.base.mfu)),
      ("capacity_factor", grid.base.capacityFactor.map { .double($0) } ?? .null),
    ])
  }
}
