import ArgumentParser
import Planner
import Storage

/// `trainplan fit`: which configs fit which hardware.
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Show which saved models fit which saved GPUs (models as rows, GPUs as columns).",
    discussion: """
      Each cell is the largest micro-batch that fits ("none" where even 1 does not); with \
      --batch-size, whether that micro-batch fits and its total memory in GiB; with --min-gpus, \
      the fewest GPUs at which it fits under --zero. Nothing is saved.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var output: OutputOptions
  @OptionGroup var color: ColorOptions
  @OptionGroup var options: SetupOptions
  @OptionGroup var runOptions: RunOptions
  @OptionGroup var fineTuning: FineTuningOptions
  @OptionGroup var layout: LayoutOptions

  @Option(
    name: .customLong("models"),
    help: ArgumentHelp(
      "Comma-separated model names. (default: every saved model)", valueName: "a,b,..."),
    completion: NameCompletion.modelLists)
  var models: String?
  @Option(
    name: .customLong("gpus"),
    help: ArgumentHelp(
      "Comma-separated GPU names. (default: every saved GPU)", valueName: "x,y,..."),
    completion: NameCompletion.gpuLists)
  var gpus: String?
  @Flag(
    name: .customLong("min-gpus"),
    help: "Show the fewest GPUs at which the micro-batch (default 1) fits under --zero.")
  var minGpus = false
  @Option(
    name: .customLong("sweep"),
    help:
      "Answer from this sweep's stored plans made with the same options (precision, attention, checkpointing, GPUs, ZeRO, micro-batch if given, MFU, run length, reserve, method), without computing (see `trainplan sweeps`).",
    transform: Count.parse)
  var sweep: Int?

  typealias Cell = FitGrid.Cell

  var grid: FitGrid { FitGrid(models: models, gpus: gpus, minGpus: minGpus) }

  func run() throws {
    var setup = try grid.setup(try options.setup(runOptions, fineTuning, layout))
    let store = try store.open()
    setup.cluster = try runOptions.cluster(in: store)
    let (modelNames, gpuNames, cells) = try grid.cells(store, sweep: sweep, setup: setup)
    if output.json {
      print(JSONValue.array(cells.map(json)).text(pretty: true))
    } else {
      print(table(cells, models: modelNames, gpus: gpuNames), terminator: "")
    }
  }

  func json(_ cell: Cell) -> JSONValue {
    // model_name and gpu_name as in every plan's JSON; model and gpu are their deprecated
    // spellings, kept for one release (schemas/fit.schema.json says so).
    var members: [(String, JSONValue)] = [
      ("model_name", .string(cell.model)), ("gpu_name", .string(cell.gpu)),
      ("model", .string(cell.model)), ("gpu", .string(cell.gpu)),
    ]
    switch cell.result {
    case .success(let p):
      members += [
        ("batch_size", .int(p.setup.batchSize)), ("max_batch_size", .int(p.maxBatchSize)),
        ("fits", .bool(p.fits)), ("total_bytes", .int(p.memory.totalBytes)),
        ("usable_bytes", .int(p.usableBytes)), ("gpus_needed", JSONValue(p.gpusNeeded)),
        ("training_days", .double(p.compute.trainingDays)),
      ]
    case .failure(let e):
      // The same keys as a planned cell, so every element of the array has one shape.
      members += [
        ("batch_size", .null), ("max_batch_size", .null), ("fits", .bool(false)),
        ("total_bytes", .null), ("usable_bytes", .null), ("gpus_needed", .null),
        ("training_days", .null), ("error", .string(e.description)),
      ]
    }
    return .object(members)
  }

  func table(_ cells: [Cell], models: [String], gpus: [String]) -> String {
    var table = Table(["model"] + gpus, rightAligned: Set(1...max(1, gpus.count)))
    table.style = color.style
    // The two flags read once: each read of an option goes through the parser's property
    // wrapper, and a method passed per cell copied the whole command (2.5 M instructions of
    // `fit`'s start-up over the presets' cells, issue 17).
    let (minGpus, batchSize) = (self.minGpus, options.batchSize)
    for (i, model) in models.enumerated() {
      let row = cells[(i * gpus.count)..<((i + 1) * gpus.count)]
      table.append(
        [model] + row.map { Self.cellText($0, minGpus: minGpus, batchSize: batchSize) },
        colours: [nil] + row.map { Self.cellColour($0, minGpus: minGpus, batchSize: batchSize) })
    }
    var out = table.render()
    if Terminal.isStandardOutput { out += legend() + "\n" }
    return out
  }

  /// Green where it fits, red where it does not, dim where there is no plan.
  static func cellColour(_ cell: Cell, minGpus: Bool, batchSize: Int?) -> String? {
    guard case .success(let p) = cell.result else { return "2" }
    let fits = minGpus ? p.gpusNeeded != nil : batchSize != nil ? p.fits : p.maxBatchSize > 0
    return fits ? "32" : "31"
  }

  static func cellText(_ cell: Cell, minGpus: Bool, batchSize: Int?) -> String {
    guard case .success(let p) = cell.result else { return "n/a" }
    if minGpus { return p.gpusNeeded.map(String.init) ?? "none" }
    if batchSize != nil {
      return (p.fits ? "yes " : "no ")
        + Units.fixed(Double(p.memory.totalBytes) / Units.gibibyte, 1)
    }
    return p.maxBatchSize > 0 ? String(p.maxBatchSize) : "none"
  }

  func legend() -> String {
    let b = options.batchSize ?? 1
    if minGpus {
      return
        "(fewest GPUs at which micro-batch \(b) fits with ZeRO \(options.zero); n/a: no plan, e.g. the GPU lacks the precision)"
    }
    if let b = options.batchSize {
      return
        "(fits at micro-batch \(b)? and total GiB per GPU; n/a: no plan, e.g. the GPU lacks the precision)"
    }
    return
      "(largest micro-batch that fits; none: not even 1; n/a: no plan, e.g. the GPU lacks the precision)"
  }
}
